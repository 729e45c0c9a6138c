import Foundation
import NIOCore
import NIOHTTP1

/// The driver's control routes on a SIEM receiver's HTTP port:
/// - `GET /_stats`: the ``SiemReceiverStatistics`` line;
/// - `POST /_reset?expected=N[&forget=1]`: a new measurement (`forget` drops the ids seen so far).
enum SiemControlRoutes {
    static func answer(_ request: HTTPRequestHead, statistics: SiemReceiverStatistics) -> (HTTPResponseStatus, String) {
        let components = URLComponents(string: request.uri)
        let query = Dictionary(
            (components?.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        switch (request.method, components?.path ?? request.uri) {
        case (.GET, "/_stats"):
            return (.ok, statistics.line())
        case (.POST, "/_reset"):
            let forget = query["forget"].map { $0 == "1" || $0 == "true" } ?? false
            statistics.reset(expected: query["expected"].flatMap { Int($0) } ?? 0, forget: forget)
            return (.ok, statistics.line())
        default:
            return (.notFound, "unknown control route")
        }
    }
}

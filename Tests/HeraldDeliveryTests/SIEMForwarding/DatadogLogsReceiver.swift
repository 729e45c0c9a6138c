import Foundation
import HeraldCore
import Synchronization
import Testing

/// A receiver that behaves as Datadog's logs intake v2 documents: `POST /api/v2/logs` with `DD-API-KEY`, a gzip
/// JSON array; 202 when taken; 403 for a wrong key; 413 over its payload limit (5 MB uncompressed, lowered for
/// tests) or over 1,000 entries; 400 for a body that is not an array of log objects; 429 with `Retry-After` when
/// told to throttle.
final class DatadogLogsReceiver: Sendable {
    let apiKey: String
    let maxPayloadBytes: Int
    static let maxEntries = 1000
    private let state = Mutex<(throttle: Int?, accepted: [[String: JSONValue]], sizes: [Int])>((nil, [], []))
    private let receiver: TestReceiver

    var url: String { "http://\(receiver.host):\(receiver.port)" }
    var requests: [TestReceiver.Request] { receiver.received }
    var accepted: [[String: JSONValue]] { state.withLock { $0.accepted } }
    /// Entry counts of the requests taken.
    var acceptedBatchSizes: [Int] { state.withLock { $0.sizes } }

    func throttle(retryAfter seconds: Int?) { state.withLock { $0.throttle = seconds } }

    private init(apiKey: String, maxPayloadBytes: Int, receiver: TestReceiver) {
        self.apiKey = apiKey
        self.maxPayloadBytes = maxPayloadBytes
        self.receiver = receiver
    }

    static func start(apiKey: String = "dd-key", maxPayloadBytes: Int = 5_000_000) async throws -> DatadogLogsReceiver {
        let box = Mutex<DatadogLogsReceiver?>(nil)
        let receiver = try await TestReceiver.start { request, _ in box.withLock { $0 }?.answer(request) ?? .hang }
        let datadog = DatadogLogsReceiver(apiKey: apiKey, maxPayloadBytes: maxPayloadBytes, receiver: receiver)
        box.withLock { $0 = datadog }
        return datadog
    }

    func stop() async { await receiver.stop() }

    private func answer(_ request: TestReceiver.Request) -> TestReceiver.Reply {
        guard request.method == "POST", request.path == "/api/v2/logs" else { return .respond(status: 404) }
        guard request.headers["dd-api-key"] == apiKey else {
            return .respond(status: 403, body: #"{"errors":[{"status":"403","title":"Forbidden"}]}"#)
        }
        if let seconds = state.withLock({ $0.throttle }) {
            return .respond(status: 429, headers: [("Retry-After", "\(seconds)")], body: #"{"errors":[{"status":"429"}]}"#)
        }
        guard let body = try? ReceivedBody.bytes(request) else { return .respond(status: 400) }
        guard body.count <= maxPayloadBytes else {
            return .respond(status: 413, body: #"{"errors":[{"status":"413","title":"Payload Too Large"}]}"#)
        }
        guard case .array(let items)? = try? JSONValue.parse(body) else { return .respond(status: 400) }
        guard items.count <= Self.maxEntries else { return .respond(status: 413) }
        let entries = items.compactMap(\.objectValue)
        guard entries.count == items.count else { return .respond(status: 400) }
        state.withLock {
            $0.accepted += entries
            $0.sizes.append(entries.count)
        }
        return .respond(status: 202, body: "{}")
    }
}

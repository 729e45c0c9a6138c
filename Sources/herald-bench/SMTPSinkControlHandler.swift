import Foundation
import NIOCore
import NIOHTTP1

/// The SMTP sink's HTTP control port:
/// - `GET /_stats`: the ``SMTPSinkStatistics`` line;
/// - `POST /_reset?expected=N[&forget=1]`: a new measurement (`forget` drops the Message-IDs seen so far);
/// - `GET /_sample`: the first message accepted since the last reset, as received (404 before one arrived);
/// - `POST /_hold`, `POST /_release`: stop and resume reading every SMTP connection (``SMTPSinkGate``).
final class SMTPSinkControlHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let statistics: SMTPSinkStatistics
    private let gate: SMTPSinkGate
    private var head: HTTPRequestHead?

    init(statistics: SMTPSinkStatistics, gate: SMTPSinkGate) {
        self.statistics = statistics
        self.gate = gate
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request): head = request
        case .body: break
        case .end:
            guard let request = head else { return }
            head = nil
            let (status, body) = answer(request)
            var bytes = context.channel.allocator.buffer(capacity: body.count + 1)
            bytes.writeBytes(body)
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: "text/plain")
            headers.add(name: "content-length", value: String(bytes.readableBytes))
            if !request.isKeepAlive { headers.add(name: "connection", value: "close") }
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))),
                promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(bytes))), promise: nil)
            let keepAlive = request.isKeepAlive
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if !keepAlive { bound.value.close(promise: nil) }
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func answer(_ request: HTTPRequestHead) -> (HTTPResponseStatus, [UInt8]) {
        let components = URLComponents(string: request.uri)
        let query = Dictionary(
            (components?.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        func text(_ status: HTTPResponseStatus, _ line: String) -> (HTTPResponseStatus, [UInt8]) {
            (status, Array((line + "\n").utf8))
        }
        switch (request.method, components?.path ?? request.uri) {
        case (.GET, "/_stats"):
            return text(.ok, statistics.line())
        case (.POST, "/_reset"):
            let forget = query["forget"].map { $0 == "1" || $0 == "true" } ?? false
            statistics.reset(expected: query["expected"].flatMap { Int($0) } ?? 0, forget: forget)
            return text(.ok, statistics.line())
        case (.GET, "/_sample"):
            guard let sample = statistics.sample else { return text(.notFound, "no message since the last reset") }
            return (.ok, sample)
        case (.POST, "/_hold"):
            return text(.ok, "held=\(gate.hold())")
        case (.POST, "/_release"):
            return text(.ok, "released=\(gate.release())")
        default:
            return text(.notFound, "unknown control route")
        }
    }
}

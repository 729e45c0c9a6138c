import Foundation
import NIOCore
import NIOHTTP1

/// One connection of the webhook receiver: answers every request at once (keep-alive) and records webhooks.
///
/// - a request with `webhook-id`: recorded in ``ReceiverStatistics`` with the latency from the body's
///   `"bench_sent_ms":` to now, answered 204;
/// - `GET /_stats` (`?latencies=1` adds the percentiles), `POST /_reset?expected=N`: the driver's controls,
///   answered 200 with the summary line;
/// - anything else (wrk's raw POSTs): counted, answered 204.
///
/// Nothing is logged per request and the body is only kept for webhook requests; responses are flushed once
/// per read burst.
final class ReceiverHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let statistics: ReceiverStatistics
    private let onComplete: @Sendable () -> Void
    private var head: HTTPRequestHead?
    private var webhookId: String?
    private var body: ByteBuffer?
    private var bodyBytes = 0
    private var needsFlush = false

    init(statistics: ReceiverStatistics, onComplete: @escaping @Sendable () -> Void) {
        self.statistics = statistics
        self.onComplete = onComplete
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            head = request
            webhookId = request.headers.first(name: "webhook-id")
            body = nil
            bodyBytes = 0
        case .body(var chunk):
            bodyBytes += chunk.readableBytes
            guard webhookId != nil else { return }
            if body == nil {
                body = chunk
            } else {
                body!.writeBuffer(&chunk)
            }
        case .end:
            guard let request = head else { return }
            head = nil
            if let id = webhookId {
                let arrival = Date().timeIntervalSince1970 * 1000
                let sent = body.flatMap(Self.sentMilliseconds(in:))
                if statistics.record(id: id, sentMilliseconds: sent, arrival: arrival, size: size(of: request)) {
                    onComplete()
                }
                respond(context, to: request, status: .noContent, text: nil)
            } else if request.uri.hasPrefix("/_") {
                control(context, request)
            } else {
                statistics.recordPlain(size: size(of: request))
                respond(context, to: request, status: .noContent, text: nil)
            }
            webhookId = nil
            body = nil
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func size(of request: HTTPRequestHead) -> RequestSize {
        var headers = 0
        for (name, value) in request.headers { headers += name.utf8.count + value.utf8.count + 4 }
        return RequestSize(body: bodyBytes, headers: headers)
    }

    private func control(_ context: ChannelHandlerContext, _ request: HTTPRequestHead) {
        let components = URLComponents(string: request.uri)
        let query = Dictionary(
            (components?.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        switch (request.method, components?.path ?? request.uri) {
        case (.GET, "/_stats"):
            let withLatencies = query["latencies"].map { $0 == "1" || $0 == "true" } ?? false
            respond(context, to: request, status: .ok, text: statistics.summary(withLatencies: withLatencies).line)
        case (.POST, "/_reset"):
            statistics.reset(expected: query["expected"].flatMap { Int($0) } ?? 0)
            respond(context, to: request, status: .ok, text: statistics.summary(withLatencies: false).line)
        default:
            respond(context, to: request, status: .notFound, text: "unknown control route")
        }
    }

    private func respond(
        _ context: ChannelHandlerContext, to request: HTTPRequestHead, status: HTTPResponseStatus, text: String?
    ) {
        var headers = HTTPHeaders()
        var buffer: ByteBuffer?
        if let text {
            let bytes = context.channel.allocator.buffer(string: text + "\n")
            headers.add(name: "content-type", value: "text/plain")
            headers.add(name: "content-length", value: String(bytes.readableBytes))
            buffer = bytes
        }
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "connection", value: "close") }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))),
            promise: nil)
        if let buffer { context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil) }
        if keepAlive {
            context.write(wrapOutboundOut(.end(nil)), promise: nil)
            needsFlush = true
        } else {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
        }
    }

    private static let sentKey = Array(#""bench_sent_ms":"#.utf8)

    /// The number after `"bench_sent_ms":` in a JSON body (the webhook body has sorted keys, no spaces).
    static func sentMilliseconds(in body: ByteBuffer) -> Double? {
        body.withUnsafeReadableBytes { bytes -> Double? in
            let key = sentKey
            guard bytes.count > key.count else { return nil }
            var index = 0
            while index <= bytes.count - key.count {
                if bytes[index] == key[0] {
                    var matched = 1
                    while matched < key.count, bytes[index + matched] == key[matched] { matched += 1 }
                    if matched == key.count {
                        var end = index + key.count
                        while end < bytes.count, bytes[end] == UInt8(ascii: " ") { end += 1 }
                        let start = end
                        while end < bytes.count, Self.isNumberByte(bytes[end]) { end += 1 }
                        guard end > start else { return nil }
                        return Double(String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
                    }
                }
                index += 1
            }
            return nil
        }
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "+"),
            UInt8(ascii: "e"), UInt8(ascii: "E"):
            return true
        default:
            return false
        }
    }
}

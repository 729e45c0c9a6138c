import CompressNIO
import Foundation
import NIOCore
import NIOHTTP1

/// One connection of the HEC receiver (HTTP/1.1, keep-alive).
///
/// - `POST /services/collector`, `/services/collector/event` (and `/event/1.0`): checks
///   `Authorization: Splunk <token>` (401 code 2 without it, 403 code 4 for another token), gunzips the body
///   when `content-encoding: gzip`, counts its envelopes and their `fields.event_id`
///   (``HECEnvelopeScanner``), answers 200 `{"text":"Success","code":0}`; an empty body is 400 code 5, a body
///   that does not scan is 400 code 6, an envelope without `event` is 400 code 12 (as Splunk answers).
/// - `GET /services/collector/health[/1.0]`: 200 code 17.
/// - control routes for the driver (``SiemControlRoutes``).
///
/// Responses are flushed once per read burst.
final class HECHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    struct Settings: Sendable {
        var token: String
        /// Written (as received) with each request that has more envelopes than any before, if set.
        var sampleFile: String?
        var maxBodyBytes: Int
    }

    private let statistics: SiemReceiverStatistics
    private let settings: Settings
    private let sample: SampleKeeper
    private let onComplete: @Sendable () -> Void
    private var head: HTTPRequestHead?
    private var body: ByteBuffer?
    private var started = 0.0
    private var tooLarge = false
    private var needsFlush = false

    init(
        statistics: SiemReceiverStatistics, settings: Settings, sample: SampleKeeper,
        onComplete: @escaping @Sendable () -> Void
    ) {
        self.statistics = statistics
        self.settings = settings
        self.sample = sample
        self.onComplete = onComplete
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            head = request
            body = nil
            tooLarge = false
            started = SiemReceiverStatistics.nowMilliseconds()
        case .body(var chunk):
            guard !tooLarge else { return }
            if body == nil {
                body = context.channel.allocator.buffer(capacity: max(chunk.readableBytes, expectedLength()))
            }
            if body!.readableBytes + chunk.readableBytes > settings.maxBodyBytes {
                tooLarge = true
                body = nil
                return
            }
            body!.writeBuffer(&chunk)
        case .end:
            guard let request = head else { return }
            head = nil
            let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
            if path.hasPrefix("/_") {
                let (status, text) = SiemControlRoutes.answer(request, statistics: statistics)
                respond(context, to: request, status: status, contentType: "text/plain", text: text + "\n")
            } else if request.method == .POST && Self.eventPaths.contains(path) {
                ingest(context, request)
            } else if request.method == .GET && path.hasPrefix("/services/collector/health") {
                respond(context, to: request, status: .ok, text: #"{"text":"HEC is healthy","code":17}"#)
            } else {
                respond(context, to: request, status: .notFound, text: #"{"text":"The requested URL was not found on this server.","code":404}"#)
            }
            body = nil
        }
    }

    private static let eventPaths: Set<String> = [
        "/services/collector", "/services/collector/event", "/services/collector/event/1.0",
    ]

    private func expectedLength() -> Int {
        head?.headers.first(name: "content-length").flatMap(Int.init).map { min($0, settings.maxBodyBytes) } ?? 0
    }

    private func ingest(_ context: ChannelHandlerContext, _ request: HTTPRequestHead) {
        guard let authorization = request.headers.first(name: "authorization") else {
            statistics.recordRefused()
            return respond(context, to: request, status: .unauthorized, text: #"{"text":"Token is required","code":2}"#)
        }
        guard authorization == "Splunk " + settings.token else {
            statistics.recordRefused()
            return respond(context, to: request, status: .forbidden, text: #"{"text":"Invalid token","code":4}"#)
        }
        guard !tooLarge else {
            statistics.recordRefused()
            return respond(context, to: request, status: .payloadTooLarge, text: #"{"text":"Content too large","code":27}"#)
        }
        guard var received = body, received.readableBytes > 0 else {
            statistics.recordRefused()
            return respond(context, to: request, status: .badRequest, text: #"{"text":"No data","code":5}"#)
        }
        let wireBytes = received.readableBytes
        var decoded = received
        if let encoding = request.headers.first(name: "content-encoding")?.lowercased(), encoding != "identity" {
            guard encoding == "gzip" else {
                statistics.recordRefused()
                return respond(
                    context, to: request, status: .unsupportedMediaType,
                    text: #"{"text":"Unsupported content encoding","code":6}"#)
            }
            do {
                decoded = try received.decompress(
                    with: .gzip(), maxSize: settings.maxBodyBytes * 20, allocator: context.channel.allocator)
            } catch {
                statistics.recordRefused()
                return respond(context, to: request, status: .badRequest, text: #"{"text":"Invalid data format","code":6}"#)
            }
        }
        let scanned = decoded.withUnsafeReadableBytes { HECEnvelopeScanner.scan($0) }
        guard scanned.valid, scanned.envelopes > 0 else {
            statistics.recordRefused()
            return respond(context, to: request, status: .badRequest, text: #"{"text":"Invalid data format","code":6}"#)
        }
        guard scanned.withoutEvent == 0 else {
            statistics.recordRefused()
            return respond(
                context, to: request, status: .badRequest,
                text: #"{"text":"Event field is required","code":12,"invalid-event-number":0}"#)
        }
        if let file = settings.sampleFile, let original = body {
            sample.offer(original, weight: scanned.envelopes, to: file)
        }
        let finished = SiemReceiverStatistics.nowMilliseconds()
        if statistics.record(
            messages: scanned.envelopes, ids: scanned.ids, wireBytes: wireBytes, decodedBytes: decoded.readableBytes,
            started: started, finished: finished)
        {
            onComplete()
        }
        respond(context, to: request, status: .ok, text: #"{"text":"Success","code":0}"#)
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

    private func respond(
        _ context: ChannelHandlerContext, to request: HTTPRequestHead, status: HTTPResponseStatus,
        contentType: String = "application/json", text: String
    ) {
        let bytes = context.channel.allocator.buffer(string: text)
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "content-length", value: String(bytes.readableBytes))
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "connection", value: "close") }
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))),
            promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(bytes))), promise: nil)
        if keepAlive {
            context.write(wrapOutboundOut(.end(nil)), promise: nil)
            needsFlush = true
        } else {
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
        }
    }
}

import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A real HTTP/1.1 receiver on a loopback port, for webhook tests: it parses each request (head, headers,
/// `Content-Length` body), records it, and answers what `reply` decides — or never answers (`.hang`).
final class TestReceiver: Sendable {
    struct Request: Sendable {
        var method: String
        var path: String
        /// Header names in lower case (the last value of a repeated header wins).
        var headers: [String: String]
        var body: Data
        var receivedAt: Date
    }

    enum Reply: Sendable {
        case respond(status: Int, headers: [(String, String)] = [], body: String = "")
        /// Read the request, never answer (the client's timeout must end it).
        case hang
    }

    private let requests = Mutex<[Request]>([])
    private let reply: @Sendable (Request, Int) -> Reply
    private let channel: any Channel
    let port: Int
    let host: String

    /// - Parameter reply: the answer to a request, given the request and its 1-based number.
    private init(channel: any Channel, reply: @escaping @Sendable (Request, Int) -> Reply) throws {
        self.channel = channel
        self.reply = reply
        guard let port = channel.localAddress?.port, let host = channel.localAddress?.ipAddress else {
            throw ReceiverError.notBound
        }
        self.port = port
        self.host = host
    }

    struct ReceiverError: Error { static let notBound = ReceiverError() }

    /// Starts a receiver on `host` (default `127.0.0.1`) and `port` (default: a free one).
    static func start(
        host: String = "127.0.0.1", port: Int = 0, reply: @escaping @Sendable (Request, Int) -> Reply
    ) async throws -> TestReceiver {
        let box = Mutex<TestReceiver?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        Connection(onRequest: { request in box.withLock { $0 }?.received(request) ?? .hang }))
                }
            }
            .bind(host: host, port: port).get()
        let receiver = try TestReceiver(channel: channel, reply: reply)
        box.withLock { $0 = receiver }
        return receiver
    }

    /// Starts a receiver that answers every request with `status`.
    static func start(host: String = "127.0.0.1", port: Int = 0, status: Int) async throws -> TestReceiver {
        try await start(host: host, port: port) { _, _ in .respond(status: status) }
    }

    var url: String { "http://\(host):\(port)/hooks" }

    var received: [Request] { requests.withLock { $0 } }
    var count: Int { requests.withLock { $0.count } }

    func stop() async {
        try? await channel.close()
    }

    private func received(_ request: Request) -> Reply {
        let number = requests.withLock { list in
            list.append(request)
            return list.count
        }
        return reply(request, number)
    }

    /// One connection: accumulates bytes until a whole request is there, answers it, and closes.
    private final class Connection: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let onRequest: @Sendable (Request) -> Reply
        var buffer = ByteBuffer()

        init(onRequest: @escaping @Sendable (Request) -> Reply) {
            self.onRequest = onRequest
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var chunk = unwrapInboundIn(data)
            buffer.writeBuffer(&chunk)
            guard let request = parse() else { return }
            buffer.clear()
            switch onRequest(request) {
            case .hang:
                return
            case .respond(let status, let headers, let body):
                var text = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
                for (name, value) in headers { text += "\(name): \(value)\r\n" }
                text += "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
                let answer = context.channel.allocator.buffer(string: text)
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(answer)).whenComplete { _ in channel.close(promise: nil) }
            }
        }

        /// A whole request from the buffer, or nil while bytes are missing.
        func parse() -> Request? {
            let bytes = Array(buffer.readableBytesView)
            let separator: [UInt8] = [13, 10, 13, 10]
            guard let end = bytes.indices.dropLast(3).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else {
                return nil
            }
            let head = String(decoding: bytes[..<end], as: UTF8.self)
            var lines = head.components(separatedBy: "\r\n")
            let requestLine = lines.removeFirst().split(separator: " ")
            var headers: [String: String] = [:]
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                    .trimmingCharacters(in: .whitespaces)
            }
            let length = Int(headers["content-length"] ?? "0") ?? 0
            let bodyStart = end + 4
            guard bytes.count >= bodyStart + length else { return nil }
            return Request(
                method: requestLine.first.map(String.init) ?? "", path: requestLine.dropFirst().first.map(String.init) ?? "",
                headers: headers, body: Data(bytes[bodyStart..<bodyStart + length]), receivedAt: Date())
        }

        static func reason(_ status: Int) -> String {
            switch status {
            case 200: "OK"
            case 204: "No Content"
            case 302: "Found"
            case 410: "Gone"
            case 429: "Too Many Requests"
            case 500: "Internal Server Error"
            case 503: "Service Unavailable"
            default: "Status"
            }
        }
    }
}

import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldDelivery
import NIOCore
import NIOPosix
import Testing

/// The two ways of connecting to exactly the vetted address with AsyncHTTPClient, against a
/// loopback listener. The host `pinned.invalid` never resolves (RFC 6761), so a successful request
/// shows the client did not resolve it at connect time.
@Suite("Outbound pinning with AsyncHTTPClient")
struct OutboundPinningTests {
    /// Answers every request with 204 and reports the request head it read.
    final class Responder: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let heads: AsyncStream<String>.Continuation

        init(heads: AsyncStream<String>.Continuation) { self.heads = heads }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            let text = String(buffer: buffer)
            guard text.contains("\r\n\r\n") else { return }
            heads.yield(text)
            let answer = context.channel.allocator.buffer(string: "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            context.writeAndFlush(wrapOutboundOut(answer), promise: nil)  // `Connection: close`: the client hangs up
        }
    }

    func withListener(_ body: (Int, AsyncStream<String>) async throws -> Void) async throws {
        let (heads, continuation) = AsyncStream<String>.makeStream()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Responder(heads: continuation)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            try await body(try #require(channel.localAddress?.port), heads)
        } catch {
            try? await channel.close()
            throw error
        }
        try await channel.close()
    }

    let vetting = OutboundAddressGuard(
        allowList: [CIDR("127.0.0.0/8")!], resolver: OutboundResolver { _ in ["127.0.0.1"] })

    @Test("a client configured with the destination's dnsOverride connects to the vetted address")
    func dnsOverride() async throws {
        try await withListener { port, heads in
            let destination = try await vetting.vet("http://pinned.invalid:\(port)/hook")
            let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: destination.pinnedClientConfiguration())
            do {
                let response = try await client.execute(HTTPClientRequest(url: destination.url.absoluteString), timeout: .seconds(5))
                #expect(response.status == .noContent)
                var iterator = heads.makeAsyncIterator()
                let head = try #require(await iterator.next())
                #expect(head.lowercased().contains("host: pinned.invalid:\(port)"))
            } catch {
                try await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }

    @Test("a shared client sent to the pinned URL with a Host header connects to the vetted address")
    func pinnedURL() async throws {
        try await withListener { port, heads in
            let destination = try await vetting.vet("http://pinned.invalid:\(port)/hook")
            var request = HTTPClientRequest(url: destination.pinnedURL)
            request.headers.replaceOrAdd(name: "Host", value: destination.hostHeader)
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
            #expect(response.status == .noContent)
            var iterator = heads.makeAsyncIterator()
            let head = try #require(await iterator.next())
            #expect(head.hasPrefix("GET /hook HTTP/1.1"))
            #expect(head.lowercased().contains("host: pinned.invalid:\(port)"))
        }
    }
}

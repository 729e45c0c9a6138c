import NIOCore
import NIOPosix
import Synchronization

/// A bare TCP listener on a loopback port for the syslog client's failure paths: it records the bytes of
/// every connection, or (`reads: false`) accepts and never reads, so that a sender's buffers fill up.
final class SyslogTestListener: Sendable {
    private let channel: any Channel
    private let connections: Mutex<[any Channel]>
    private let bytes: Mutex<[Int: [UInt8]]>
    let port: Int

    private init(channel: any Channel) throws {
        self.channel = channel
        self.connections = Mutex([])
        self.bytes = Mutex([:])
        guard let port = channel.localAddress?.port else { throw ChannelError.unknownLocalAddress }
        self.port = port
    }

    static func start(reads: Bool = true) async throws -> SyslogTestListener {
        let box = Mutex<SyslogTestListener?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: reads)
            .childChannelOption(.socketOption(.so_rcvbuf), value: 4096)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let index = box.withLock { $0 }?.accepted(channel) ?? -1
                    try channel.pipeline.syncOperations.addHandler(
                        Recorder { data in box.withLock { $0 }?.record(data, connection: index) })
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let listener = try SyslogTestListener(channel: channel)
        box.withLock { $0 = listener }
        return listener
    }

    /// How many connections were accepted.
    var connectionCount: Int { connections.withLock { $0.count } }

    /// The bytes received on each connection, in accept order.
    var received: [[UInt8]] {
        let count = connectionCount
        return bytes.withLock { map in (0..<count).map { map[$0] ?? [] } }
    }

    /// Closes every accepted connection (the listener keeps accepting).
    func closeConnections() async {
        for connection in connections.withLock({ $0 }) { try? await connection.close() }
    }

    func stop() async {
        await closeConnections()
        try? await channel.close()
    }

    private func accepted(_ channel: any Channel) -> Int {
        connections.withLock { list in
            list.append(channel)
            return list.count - 1
        }
    }

    private func record(_ data: [UInt8], connection: Int) {
        bytes.withLock { $0[connection, default: []].append(contentsOf: data) }
    }

    private final class Recorder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let onData: @Sendable ([UInt8]) -> Void

        init(onData: @escaping @Sendable ([UInt8]) -> Void) {
            self.onData = onData
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            onData(buffer.readBytes(length: buffer.readableBytes) ?? [])
        }
    }
}

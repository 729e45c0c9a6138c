import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// `herald-bench syslog-receiver`: a fast local RFC 5424 syslog receiver over TCP for `make bench-siem`.
///
/// It takes octet-counted frames (RFC 6587 §3.4.1) and LF-terminated lines (``SyslogFrameHandler``) on its
/// syslog port, counts messages and distinct `event_id="…"` values, and serves the counts on a second, HTTP
/// port (`GET /_stats`, `POST /_reset`). Both ports are printed and written to `--port-file` as
/// `SYSLOG_PORT CONTROL_PORT`.
enum SyslogReceiver {
    struct Options {
        var host = "127.0.0.1"
        var port = 0
        var controlPort = 0
        var threads = 1
        var expected = 0
        var portFile: String?
        var sampleFile: String?
        var maxMessageBytes = 64 * 1024
    }

    static let usage = """
          syslog-receiver options:
            --host HOST          address to listen on (default 127.0.0.1)
            --port PORT          syslog TCP port (default 0: a free port)
            --control-port PORT  HTTP port of the control routes (default 0: a free port)
            --threads T          event loop threads (default 1)
            --expected N         print the counts once N distinct event ids have arrived
            --port-file FILE     write "SYSLOG_PORT CONTROL_PORT" to FILE (atomically)
            --sample-file FILE   write the first message received (without its framing) to FILE
            --max-message BYTES  longest message taken; a longer frame closes the connection (default 65536)
          control routes (HTTP, control port): GET /_stats, POST /_reset?expected=N[&forget=1]
        """

    static func main(_ arguments: [String]) async throws {
        let options = try parse(arguments)
        let statistics = SiemReceiverStatistics(expected: options.expected)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, options.threads))
        let sample = SampleKeeper()
        let onComplete: @Sendable () -> Void = {
            DispatchQueue.global().async {
                print("syslog receiver: expected count reached: \(statistics.line())")
                fflush(nil)
            }
        }
        let sampleFile = options.sampleFile
        let maxMessageBytes = options.maxMessageBytes
        let syslog = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 4096, initial: 65536, maximum: 1 << 20))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        SyslogFrameHandler(
                            statistics: statistics, sample: sample, sampleFile: sampleFile,
                            maxMessageBytes: maxMessageBytes, onComplete: onComplete))
                }
            }
            .bind(host: options.host, port: options.port).get()
        let control = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(SiemControlHandler(statistics: statistics))
                }
            }
            .bind(host: options.host, port: options.controlPort).get()
        let ports = [syslog.localAddress?.port ?? 0, control.localAddress?.port ?? 0]
        if let file = options.portFile { try ReceiverCommandLine.writePorts(ports, to: file) }
        print("syslog receiver listening on \(options.host):\(ports[0]) (control http://\(options.host):\(ports[1])/_stats, \(options.threads) thread(s))")
        fflush(nil)
        let signals = ReceiverCommandLine.installSignalHandlers("syslog receiver", statistics)
        try await syslog.closeFuture.get()
        withExtendedLifetime(signals) {}
    }

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var line = ReceiverCommandLine(arguments, usage: usage)
        while let argument = line.next() {
            switch argument {
            case "--host": options.host = try line.value(argument)
            case "--port": options.port = try line.number(argument)
            case "--control-port": options.controlPort = try line.number(argument)
            case "--threads": options.threads = try line.number(argument)
            case "--expected": options.expected = try line.number(argument)
            case "--port-file": options.portFile = try line.value(argument)
            case "--sample-file": options.sampleFile = try line.value(argument)
            case "--max-message": options.maxMessageBytes = max(1, try line.number(argument))
            default: throw ReceiverCommandLine.UsageError(description: "unknown option \(argument)\n\(usage)")
            }
        }
        return options
    }
}

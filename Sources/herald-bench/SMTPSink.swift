import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// `herald-bench smtp-sink`: a fast local SMTP server for `make bench-smtp`.
///
/// Plain ESMTP on one port (``SMTPSinkHandler``: PIPELINING, 8BITMIME, no TLS, no AUTH): it accepts every
/// sender, recipient and message at once, counts messages and distinct Message-IDs, and keeps connections open
/// until the client's QUIT. The counts are served on a second, HTTP port (``SMTPSinkControlHandler``). Both
/// ports are printed and written to `--port-file` as `SMTP_PORT CONTROL_PORT`.
enum SMTPSink {
    struct Options {
        var host = "127.0.0.1"
        var port = 0
        var controlPort = 0
        var threads = 1
        var expected = 0
        var portFile: String?
    }

    static let usage = """
          smtp-sink options:
            --host HOST          address to listen on (default 127.0.0.1)
            --port PORT          SMTP port (default 0: a free port)
            --control-port PORT  HTTP port of the control routes (default 0: a free port)
            --threads T          event loop threads (default 1)
            --expected N         print the counts once N distinct Message-IDs have arrived
            --port-file FILE     write "SMTP_PORT CONTROL_PORT" to FILE (atomically)
          control routes (HTTP, control port): GET /_stats, POST /_reset?expected=N[&forget=1], GET /_sample,
            POST /_hold, POST /_release
        """

    static func main(_ arguments: [String]) async throws {
        let options = try parse(arguments)
        let statistics = SMTPSinkStatistics(expected: options.expected)
        let gate = SMTPSinkGate()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, options.threads))
        let onComplete: @Sendable () -> Void = {
            DispatchQueue.global().async {
                print("smtp sink: expected count reached: \(statistics.line())")
                fflush(nil)
            }
        }
        let smtp = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        SMTPSinkHandler(statistics: statistics, gate: gate, onComplete: onComplete))
                }
            }
            .bind(host: options.host, port: options.port).get()
        gate.setListener(smtp)
        let control = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(SMTPSinkControlHandler(statistics: statistics, gate: gate))
                }
            }
            .bind(host: options.host, port: options.controlPort).get()
        let ports = [smtp.localAddress?.port ?? 0, control.localAddress?.port ?? 0]
        if let file = options.portFile { try ReceiverCommandLine.writePorts(ports, to: file) }
        print("smtp sink listening on \(options.host):\(ports[0]) (control http://\(options.host):\(ports[1])/_stats, \(options.threads) thread(s))")
        fflush(nil)
        let signals = installSignalHandlers(statistics)
        try await smtp.closeFuture.get()
        withExtendedLifetime(signals) {}
    }

    /// SIGTERM and SIGINT print the counts and exit 0.
    static func installSignalHandlers(_ statistics: SMTPSinkStatistics) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                print("smtp sink summary (\(number == SIGTERM ? "SIGTERM" : "SIGINT")): \(statistics.line())")
                fflush(nil)
                exit(0)
            }
            source.resume()
            return source
        }
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
            default: throw ReceiverCommandLine.UsageError(description: "unknown option \(argument)\n\(usage)")
            }
        }
        return options
    }
}

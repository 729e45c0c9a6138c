import Dispatch
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// `herald-bench webhook-receiver`: a fast local HTTP/1.1 receiver for `make bench-webhooks`.
///
/// It listens on one or more ports (one per webhook endpoint, so that each endpoint gets its own connection
/// pool in the daemon, as endpoints on different hosts would), answers every request at once with keep-alive,
/// and records webhooks in ``ReceiverStatistics``. The bound ports are printed and written to `--port-file`;
/// the summary line is printed when `--expected` deliveries have arrived, on SIGTERM/SIGINT and after
/// `--timeout`, and served at `GET /_stats`.
enum WebhookReceiver {
    struct Options {
        var host = "127.0.0.1"
        var port = 0
        var listeners = 1
        var threads = 1
        var expected = 0
        var portFile: String?
        var timeout: Double?
        var exitWhenComplete = false
    }

    static let usage = """
          webhook-receiver options:
            --host HOST          address to listen on (default 127.0.0.1)
            --port PORT          port of the first listener (default 0: a free port)
            --listeners K        listening ports, each on a free port after the first (default 1)
            --threads T          event loop threads (default 1)
            --expected N         print the summary once N distinct webhook-ids have arrived
            --exit-when-complete exit after that summary
            --port-file FILE     write the bound ports, space-separated, to FILE (atomically)
            --timeout SECONDS    print the summary and exit after this long
          control routes: GET /_stats[?latencies=1], POST /_reset?expected=N
        """

    static func main(_ arguments: [String]) async throws {
        let options = try parse(arguments)
        let statistics = ReceiverStatistics(expected: options.expected)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, options.threads))
        let exitWhenComplete = options.exitWhenComplete
        let onComplete: @Sendable () -> Void = {
            // Off the event loop: the summary sorts every latency.
            DispatchQueue.global().async {
                printSummary(statistics, reason: "expected count reached")
                if exitWhenComplete { exit(0) }
            }
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        ReceiverHandler(statistics: statistics, onComplete: onComplete))
                }
            }

        var channels: [any Channel] = []
        var port = options.port
        for _ in 0..<max(1, options.listeners) {
            let channel = try await bootstrap.bind(host: options.host, port: port).get()
            channels.append(channel)
            port = 0
        }
        let ports = channels.compactMap { $0.localAddress?.port }
        if let file = options.portFile {
            let temporary = file + ".tmp"
            try Data((ports.map(String.init).joined(separator: " ") + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
            _ = rename(temporary, file)
        }
        print("webhook receiver listening on \(options.host) ports \(ports.map(String.init).joined(separator: " "))"
              + " (\(options.threads) thread\(options.threads == 1 ? "" : "s")), expecting \(options.expected)")
        fflush(nil)

        let signals = installSignalHandlers(statistics)
        if let timeout = options.timeout {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
                printSummary(statistics, reason: "timeout after \(timeout) s")
                exit(1)
            }
        }
        try await channels[0].closeFuture.get()
        withExtendedLifetime(signals) {}
    }

    /// Prints the summary line with the latency percentiles.
    static func printSummary(_ statistics: ReceiverStatistics, reason: String) {
        print("receiver summary (\(reason)): " + statistics.summary(withLatencies: true).line)
        fflush(nil)
    }

    /// SIGTERM and SIGINT print the summary and exit 0.
    static func installSignalHandlers(_ statistics: ReceiverStatistics) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                printSummary(statistics, reason: number == SIGTERM ? "SIGTERM" : "SIGINT")
                exit(0)
            }
            source.resume()
            return source
        }
    }

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var iterator = arguments.makeIterator()
        func value(_ name: String) throws -> String {
            guard let value = iterator.next() else { throw UsageError(description: "\(name) needs a value\n\(usage)") }
            return value
        }
        func number(_ name: String) throws -> Int {
            let text = try value(name)
            guard let number = Int(text), number >= 0 else {
                throw UsageError(description: "\(name) needs a number, not \(text)")
            }
            return number
        }
        while let argument = iterator.next() {
            switch argument {
            case "--host": options.host = try value(argument)
            case "--port": options.port = try number(argument)
            case "--listeners": options.listeners = try number(argument)
            case "--threads": options.threads = try number(argument)
            case "--expected", "--expect": options.expected = try number(argument)
            case "--exit-when-complete": options.exitWhenComplete = true
            case "--port-file": options.portFile = try value(argument)
            case "--timeout":
                let text = try value(argument)
                guard let seconds = Double(text), seconds > 0 else {
                    throw UsageError(description: "--timeout needs seconds, not \(text)")
                }
                options.timeout = seconds
            default: throw UsageError(description: "unknown option \(argument)\n\(usage)")
            }
        }
        return options
    }
}

import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// `herald-bench hec-receiver`: a fast local Splunk HTTP Event Collector for `make bench-siem`.
///
/// HTTP/1.1 with keep-alive on one port (``HECHandler``): it checks the token, gunzips, counts envelopes and
/// distinct `fields.event_id`s, and answers `{"text":"Success","code":0}`. The bound port is printed and written
/// to `--port-file`; the counts are served at `GET /_stats` on the same port.
enum HECReceiver {
    struct Options {
        var host = "127.0.0.1"
        var port = 0
        var threads = 1
        var token = "bench-hec-token"
        var expected = 0
        var portFile: String?
        var sampleFile: String?
        var maxBodyBytes = 16 << 20
    }

    static let usage = """
          hec-receiver options:
            --host HOST          address to listen on (default 127.0.0.1)
            --port PORT          port (default 0: a free port)
            --threads T          event loop threads (default 1)
            --token TOKEN        the HEC token it takes (default bench-hec-token)
            --expected N         print the counts once N distinct event ids have arrived
            --port-file FILE     write the bound port to FILE (atomically)
            --sample-file FILE   keep the request body (as received) with the most envelopes so far in FILE
            --max-body BYTES     largest request body taken, before decompression (default 16 MiB)
          control routes: GET /_stats, POST /_reset?expected=N[&forget=1]
        """

    static func main(_ arguments: [String]) async throws {
        let options = try parse(arguments)
        let statistics = SiemReceiverStatistics(expected: options.expected)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, options.threads))
        let settings = HECHandler.Settings(
            token: options.token, sampleFile: options.sampleFile, maxBodyBytes: options.maxBodyBytes)
        let sample = SampleKeeper()
        let onComplete: @Sendable () -> Void = {
            DispatchQueue.global().async {
                print("hec receiver: expected count reached: \(statistics.line())")
                fflush(nil)
            }
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 4096, initial: 65536, maximum: 1 << 20))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        HECHandler(statistics: statistics, settings: settings, sample: sample, onComplete: onComplete))
                }
            }
        let channel = try await bootstrap.bind(host: options.host, port: options.port).get()
        let port = channel.localAddress?.port ?? 0
        if let file = options.portFile { try ReceiverCommandLine.writePorts([port], to: file) }
        print("hec receiver listening on \(options.host):\(port) (\(options.threads) thread(s)), token \(options.token)")
        fflush(nil)
        let signals = ReceiverCommandLine.installSignalHandlers("hec receiver", statistics)
        try await channel.closeFuture.get()
        withExtendedLifetime(signals) {}
    }

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var line = ReceiverCommandLine(arguments, usage: usage)
        while let argument = line.next() {
            switch argument {
            case "--host": options.host = try line.value(argument)
            case "--port": options.port = try line.number(argument)
            case "--threads": options.threads = try line.number(argument)
            case "--token": options.token = try line.value(argument)
            case "--expected": options.expected = try line.number(argument)
            case "--port-file": options.portFile = try line.value(argument)
            case "--sample-file": options.sampleFile = try line.value(argument)
            case "--max-body": options.maxBodyBytes = max(1, try line.number(argument))
            default: throw ReceiverCommandLine.UsageError(description: "unknown option \(argument)\n\(usage)")
            }
        }
        return options
    }
}

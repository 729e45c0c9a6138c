import Foundation

/// `herald-bench`: the benchmarks' helper executable.
///
/// - `herald-bench [jobs] [workers] [claim size]`: the queue benchmark (``QueueBenchmark``, `make bench-queue`).
/// - `herald-bench webhook-receiver [options]`: the fast local webhook receiver of `make bench-webhooks`
///   (``WebhookReceiver``).
///
/// A first argument that is not a number selects a subcommand; numbers (or nothing) run the queue benchmark.
@main
enum HeraldBench {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "webhook-receiver"?:
            try await WebhookReceiver.main(Array(arguments.dropFirst()))
        case "-h"?, "--help"?, "help"?:
            print(usage)
        case let first? where Int(first) == nil:
            FileHandle.standardError.write(Data("herald-bench: unknown subcommand \(first)\n\(usage)\n".utf8))
            exit(2)
        default:
            try await QueueBenchmark.main(arguments)
        }
    }

    static let usage = """
        usage: herald-bench [jobs] [workers] [claim size]     queue benchmark (make bench-queue)
               herald-bench webhook-receiver [options]        webhook receiver (make bench-webhooks)
        \(WebhookReceiver.usage)
        """
}

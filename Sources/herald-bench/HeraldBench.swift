import Foundation

/// `herald-bench`: the benchmarks' helper executable.
///
/// - `herald-bench [jobs] [workers] [claim size]`: the queue benchmark (``QueueBenchmark``, `make bench-queue`).
/// - `herald-bench webhook-receiver [options]`: the fast local webhook receiver of `make bench-webhooks`
///   (``WebhookReceiver``).
/// - `herald-bench hec-receiver [options]`, `herald-bench syslog-receiver [options]`: the fast local Splunk HEC
///   and syslog receivers of `make bench-siem` (``HECReceiver``, ``SyslogReceiver``).
/// - `herald-bench smtp-sink [options]`: the fast local SMTP server of `make bench-smtp` (``SMTPSink``).
///
/// A first argument that is not a number selects a subcommand; numbers (or nothing) run the queue benchmark.
@main
enum HeraldBench {
    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        switch arguments.first {
        case "webhook-receiver"?:
            try await WebhookReceiver.main(Array(arguments.dropFirst()))
        case "hec-receiver"?:
            try await HECReceiver.main(Array(arguments.dropFirst()))
        case "syslog-receiver"?:
            try await SyslogReceiver.main(Array(arguments.dropFirst()))
        case "smtp-sink"?:
            try await SMTPSink.main(Array(arguments.dropFirst()))
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
               herald-bench hec-receiver [options]            Splunk HEC receiver (make bench-siem)
               herald-bench syslog-receiver [options]         syslog TCP receiver (make bench-siem)
               herald-bench smtp-sink [options]               SMTP sink (make bench-smtp)
        \(WebhookReceiver.usage)
        \(HECReceiver.usage)
        \(SyslogReceiver.usage)
        \(SMTPSink.usage)
        """
}

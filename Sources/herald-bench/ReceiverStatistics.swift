import Foundation
import Synchronization

/// What the webhook receiver has seen, shared by its event loops.
///
/// A webhook request is one with a `webhook-id` header: the first request with an id counts as a delivery, a
/// later one with the same id as a duplicate. A delivery whose body holds `data.bench_sent_ms` (the driver's send
/// time, Unix milliseconds) adds one event-to-delivery latency. Requests without `webhook-id` (wrk's raw POSTs)
/// are only counted. ``reset(expected:)`` starts a new measurement but keeps the ids seen so far, so that a late
/// retry of an earlier run's delivery is still a duplicate.
final class ReceiverStatistics: Sendable {
    /// The scalar part of the state: cheap to copy out for a progress poll.
    struct Counts {
        var unique = 0
        var duplicates = 0
        /// Deliveries without `bench_sent_ms` (events the driver did not send, e.g. a test ping).
        var withoutTimestamp = 0
        var plain = 0
        /// Request sizes (every webhook request, duplicates included; every plain request): body bytes, and
        /// header bytes as `name: value\r\n` lines.
        var webhookRequests = 0
        var webhookBodyBytes = 0
        var webhookHeaderBytes = 0
        var plainBodyBytes = 0
        var plainHeaderBytes = 0
        var firstArrival: Double?
        var lastArrival: Double?
        var expected = 0
    }

    private struct State {
        var counts = Counts()
        var seen = Set<String>()
        var latencies: [Double] = []
    }

    private let state: Mutex<State>

    init(expected: Int) {
        var initial = State()
        initial.counts.expected = expected
        initial.latencies.reserveCapacity(max(0, expected))
        state = Mutex(initial)
    }

    /// Records one webhook request (`arrival` in Unix milliseconds); answers true for the request that reached
    /// the expected count.
    func record(id: String, sentMilliseconds: Double?, arrival: Double, size: RequestSize) -> Bool {
        state.withLock { state in
            state.counts.webhookRequests += 1
            state.counts.webhookBodyBytes += size.body
            state.counts.webhookHeaderBytes += size.headers
            guard state.seen.insert(id).inserted else {
                state.counts.duplicates += 1
                return false
            }
            state.counts.unique += 1
            if let sent = sentMilliseconds {
                state.latencies.append(arrival - sent)
            } else {
                state.counts.withoutTimestamp += 1
            }
            if state.counts.firstArrival == nil { state.counts.firstArrival = arrival }
            state.counts.lastArrival = arrival
            return state.counts.expected > 0 && state.counts.unique == state.counts.expected
        }
    }

    /// Counts a request without `webhook-id`.
    func recordPlain(size: RequestSize) {
        state.withLock { state in
            state.counts.plain += 1
            state.counts.plainBodyBytes += size.body
            state.counts.plainHeaderBytes += size.headers
        }
    }

    /// Starts a new measurement expecting `expected` deliveries; the ids seen so far are kept.
    func reset(expected: Int) {
        state.withLock { state in
            state.counts = Counts()
            state.counts.expected = expected
            state.latencies = []
            state.latencies.reserveCapacity(max(0, expected))
        }
    }

    /// The counts, and the sorted latencies when asked for (that copy and sort cost O(n log n)).
    func summary(withLatencies: Bool) -> ReceiverSummary {
        let (counts, latencies) = state.withLock { state in
            (state.counts, withLatencies ? state.latencies : nil)
        }
        return ReceiverSummary(counts: counts, sortedLatencies: latencies?.sorted())
    }
}

/// The size of one request: body bytes and header bytes (`name: value\r\n` per header).
struct RequestSize {
    var body: Int
    var headers: Int
}

/// One summary of ``ReceiverStatistics``; ``line`` is the `key=value` form the driver parses.
struct ReceiverSummary {
    var counts: ReceiverStatistics.Counts
    var sortedLatencies: [Double]?

    /// Deliveries per second from the first to the last arrival (n arrivals span n - 1 intervals).
    var rate: Double {
        guard let first = counts.firstArrival, let last = counts.lastArrival, last > first, counts.unique > 1 else {
            return 0
        }
        return Double(counts.unique - 1) / ((last - first) / 1000)
    }

    /// Seconds from the first to the last arrival.
    var seconds: Double {
        guard let first = counts.firstArrival, let last = counts.lastArrival else { return 0 }
        return (last - first) / 1000
    }

    var isComplete: Bool { counts.expected > 0 && counts.unique >= counts.expected }

    var line: String {
        var fields = [
            "deliveries=\(counts.unique)", "duplicates=\(counts.duplicates)",
            "without_timestamp=\(counts.withoutTimestamp)", "plain=\(counts.plain)", "expected=\(counts.expected)",
            "complete=\(isComplete ? 1 : 0)", String(format: "seconds=%.3f", seconds), String(format: "rate=%.1f", rate),
            String(format: "first_ms=%.3f", counts.firstArrival ?? 0), String(format: "last_ms=%.3f", counts.lastArrival ?? 0),
            "webhook_body_avg=\(Self.average(counts.webhookBodyBytes, counts.webhookRequests))",
            "webhook_header_avg=\(Self.average(counts.webhookHeaderBytes, counts.webhookRequests))",
            "plain_body_avg=\(Self.average(counts.plainBodyBytes, counts.plain))",
            "plain_header_avg=\(Self.average(counts.plainHeaderBytes, counts.plain))",
        ]
        if let sorted = sortedLatencies {
            fields.append("latencies=\(sorted.count)")
            for (name, p) in [("p50_ms", 0.50), ("p90_ms", 0.90), ("p99_ms", 0.99), ("max_ms", 1.0)] {
                fields.append(name + "=" + String(format: "%.2f", Self.percentile(sorted, p)))
            }
        }
        return fields.joined(separator: " ")
    }

    static func average(_ total: Int, _ count: Int) -> Int {
        count > 0 ? Int((Double(total) / Double(count)).rounded()) : 0
    }

    /// Nearest-rank percentile of sorted values; 0 when there are none.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }
}

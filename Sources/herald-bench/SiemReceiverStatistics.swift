import Foundation
import Synchronization

/// What a SIEM receiver (``HECReceiver``, ``SyslogReceiver``) has seen since its last reset, shared by its event
/// loops.
///
/// A message is one HEC envelope or one syslog message. A message with an event id (HEC `fields.event_id`,
/// syslog `event_id="…"`) counts as unique the first time that id is seen, as a duplicate after that; ids are
/// kept across resets (a late retry of an earlier phase is still a duplicate) unless the reset asks to forget
/// them. The rate is taken from the first counted request's (or connection read's) arrival to the last one's
/// completion, so that it covers every message of the phase.
final class SiemReceiverStatistics: Sendable {
    struct Counts {
        var messages = 0
        var unique = 0
        var duplicates = 0
        var withoutId = 0
        /// HTTP requests (HEC) or socket reads that held at least one message (syslog).
        var requests = 0
        /// Refused requests (bad token, bad body): counted, not recorded.
        var refused = 0
        /// Bytes as received (gzip for HEC) and once decoded.
        var wireBytes = 0
        var decodedBytes = 0
        /// Syslog frames by framing: RFC 6587 octet counting, and LF-terminated lines.
        var octetCounted = 0
        var lineFramed = 0
        var firstArrival: Double?
        var lastArrival: Double?
        /// The longest pause between the end of one request (or read) and the start of the next, and the
        /// total of pauses over 50 ms (the sender idle, not just slow).
        var maxGap = 0.0
        var longGaps = 0.0
        var expected = 0
    }

    private struct State {
        var counts = Counts()
        var seen = Set<String>()
    }

    private let state: Mutex<State>

    init(expected: Int) {
        var initial = State()
        initial.counts.expected = expected
        state = Mutex(initial)
    }

    /// Milliseconds since the Unix epoch, the clock every figure uses (the driver compares it with its own).
    static func nowMilliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
    }

    /// Records one request's (or read's) messages: `started` is when its first byte arrived, `ids` the event ids
    /// found (fewer than `messages` when some had none). Answers true when this record reached the expected count.
    func record(
        messages: Int, ids: [String], wireBytes: Int, decodedBytes: Int, started: Double, finished: Double,
        octetCounted: Int = 0, lineFramed: Int = 0
    ) -> Bool {
        state.withLock { state in
            let before = state.counts.unique
            state.counts.octetCounted += octetCounted
            state.counts.lineFramed += lineFramed
            state.counts.requests += 1
            state.counts.messages += messages
            state.counts.withoutId += messages - ids.count
            state.counts.wireBytes += wireBytes
            state.counts.decodedBytes += decodedBytes
            for id in ids {
                if state.seen.insert(id).inserted {
                    state.counts.unique += 1
                } else {
                    state.counts.duplicates += 1
                }
            }
            if state.counts.firstArrival == nil { state.counts.firstArrival = started }
            if let last = state.counts.lastArrival {
                let gap = started - last
                state.counts.maxGap = max(state.counts.maxGap, gap)
                if gap > 50 { state.counts.longGaps += gap }
            }
            state.counts.lastArrival = finished
            let expected = state.counts.expected
            return expected > 0 && before < expected && state.counts.unique >= expected
        }
    }

    func recordRefused() {
        state.withLock { $0.counts.refused += 1 }
    }

    /// Starts a new measurement expecting `expected` unique ids; `forget` also drops the ids seen so far.
    func reset(expected: Int, forget: Bool) {
        state.withLock { state in
            state.counts = Counts()
            state.counts.expected = expected
            if forget { state.seen = [] }
        }
    }

    var counts: Counts { state.withLock { $0.counts } }

    /// The `key=value` line the driver parses.
    func line() -> String {
        let counts = self.counts
        let seconds = counts.firstArrival.flatMap { first in counts.lastArrival.map { ($0 - first) / 1000 } } ?? 0
        func rate(_ count: Int) -> Double { seconds > 0 ? Double(count) / seconds : 0 }
        let complete = counts.expected > 0 && counts.unique >= counts.expected
        return [
            "messages=\(counts.messages)", "unique=\(counts.unique)", "duplicates=\(counts.duplicates)",
            "without_id=\(counts.withoutId)", "requests=\(counts.requests)", "refused=\(counts.refused)",
            "expected=\(counts.expected)", "complete=\(complete ? 1 : 0)",
            String(format: "seconds=%.3f", seconds), String(format: "rate=%.1f", rate(counts.messages)),
            String(format: "unique_rate=%.1f", rate(counts.unique)),
            String(format: "first_ms=%.3f", counts.firstArrival ?? 0),
            String(format: "last_ms=%.3f", counts.lastArrival ?? 0),
            String(format: "max_gap_ms=%.1f", counts.maxGap), String(format: "gaps_over_50ms_s=%.3f", counts.longGaps / 1000),
            "octet_counted=\(counts.octetCounted)", "line_framed=\(counts.lineFramed)",
            "wire_bytes=\(counts.wireBytes)", "decoded_bytes=\(counts.decodedBytes)",
            "wire_bytes_per_request=\(counts.requests > 0 ? counts.wireBytes / counts.requests : 0)",
            "messages_per_request=\(counts.requests > 0 ? counts.messages / counts.requests : 0)",
            "bytes_per_message=\(counts.messages > 0 ? counts.decodedBytes / counts.messages : 0)",
        ].joined(separator: " ")
    }
}

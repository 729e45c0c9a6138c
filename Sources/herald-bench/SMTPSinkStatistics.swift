import Foundation
import Synchronization

/// What the SMTP sink (``SMTPSink``) has seen since its last reset, shared by its event loops.
///
/// A message is one DATA transaction answered 250. A message whose header has a `Message-ID` counts as unique the
/// first time that id is seen, as a duplicate after that; ids are kept across resets (a late re-send of an
/// earlier phase is still a duplicate) unless the reset asks to forget them. The rate runs from the first
/// message's 250 to the last one's (n messages span n - 1 intervals).
final class SMTPSinkStatistics: Sendable {
    struct Counts {
        var messages = 0
        var unique = 0
        var duplicates = 0
        var withoutId = 0
        /// RCPT TO commands answered 250, MAIL FROM commands answered 250.
        var recipients = 0
        var transactions = 0
        /// Connections accepted, and the QUITs and RSETs received.
        var connections = 0
        var quits = 0
        var resets = 0
        /// Message bytes after dot-unstuffing, without the final `.` line.
        var bytes = 0
        var firstAccepted: Double?
        var lastAccepted: Double?
        /// The longest pause between two accepted messages (milliseconds).
        var maxGap = 0.0
        var expected = 0
    }

    private struct State {
        var counts = Counts()
        var seen = Set<String>()
        var open = 0
        var sample: [UInt8]?
    }

    private let state: Mutex<State>

    init(expected: Int) {
        var initial = State()
        initial.counts.expected = expected
        state = Mutex(initial)
    }

    /// Milliseconds since the Unix epoch (the driver compares it with its own clock).
    static func nowMilliseconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) * 1000 + Double(time.tv_nsec) / 1e6
    }

    /// Records one accepted message; answers true when it reached the expected count of unique ids.
    func recordMessage(id: String?, bytes: Int, sample: [UInt8]?) -> Bool {
        let now = Self.nowMilliseconds()
        return state.withLock { state in
            let before = state.counts.unique
            state.counts.messages += 1
            state.counts.bytes += bytes
            if let id {
                if state.seen.insert(id).inserted {
                    state.counts.unique += 1
                } else {
                    state.counts.duplicates += 1
                }
            } else {
                state.counts.withoutId += 1
            }
            if state.counts.firstAccepted == nil { state.counts.firstAccepted = now }
            if let last = state.counts.lastAccepted { state.counts.maxGap = max(state.counts.maxGap, now - last) }
            state.counts.lastAccepted = now
            if let sample, state.sample == nil { state.sample = sample }
            let expected = state.counts.expected
            return expected > 0 && before < expected && state.counts.unique >= expected
        }
    }

    /// Whether the next message should be kept whole (the first one after a reset is).
    var wantsSample: Bool { state.withLock { $0.sample == nil } }

    /// The first message accepted since the last reset, as received after dot-unstuffing.
    var sample: [UInt8]? { state.withLock { $0.sample } }

    func recordTransaction() { state.withLock { $0.counts.transactions += 1 } }
    func recordRecipient() { state.withLock { $0.counts.recipients += 1 } }
    func recordReset() { state.withLock { $0.counts.resets += 1 } }
    func recordQuit() { state.withLock { $0.counts.quits += 1 } }

    func connectionOpened() {
        state.withLock { state in
            state.counts.connections += 1
            state.open += 1
        }
    }

    func connectionClosed() { state.withLock { $0.open -= 1 } }

    /// Starts a new measurement expecting `expected` unique ids; `forget` also drops the ids seen so far.
    func reset(expected: Int, forget: Bool) {
        state.withLock { state in
            state.counts = Counts()
            state.counts.expected = expected
            state.sample = nil
            if forget { state.seen = [] }
        }
    }

    /// The `key=value` line the driver parses.
    func line() -> String {
        let (counts, open) = state.withLock { ($0.counts, $0.open) }
        let seconds = counts.firstAccepted.flatMap { first in counts.lastAccepted.map { ($0 - first) / 1000 } } ?? 0
        func rate(_ count: Int) -> Double { seconds > 0 && count > 1 ? Double(count - 1) / seconds : 0 }
        let complete = counts.expected > 0 && counts.unique >= counts.expected
        return [
            "messages=\(counts.messages)", "unique=\(counts.unique)", "duplicates=\(counts.duplicates)",
            "without_id=\(counts.withoutId)", "recipients=\(counts.recipients)", "transactions=\(counts.transactions)",
            "connections=\(counts.connections)", "open=\(open)", "quits=\(counts.quits)", "rsets=\(counts.resets)",
            "expected=\(counts.expected)", "complete=\(complete ? 1 : 0)",
            String(format: "seconds=%.3f", seconds), String(format: "rate=%.1f", rate(counts.messages)),
            String(format: "unique_rate=%.1f", rate(counts.unique)),
            String(format: "first_ms=%.3f", counts.firstAccepted ?? 0),
            String(format: "last_ms=%.3f", counts.lastAccepted ?? 0),
            String(format: "max_gap_ms=%.1f", counts.maxGap),
            "bytes=\(counts.bytes)", "bytes_per_message=\(counts.messages > 0 ? counts.bytes / counts.messages : 0)",
        ].joined(separator: " ")
    }
}

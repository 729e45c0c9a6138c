/// The curl handles of one ``SMTPServer`` inside ``SMTPTransport``: idle ones (each holding an open
/// connection), how many are lent out, and the sends waiting for one.
struct SMTPHandlePool {
    struct Idle {
        var handle: CurlSMTPHandle
        var since: ContinuousClock.Instant
    }

    /// Most recently returned last: its connection is the most likely to still be open.
    var idle: [Idle] = []
    var lent = 0
    var waiters: [CheckedContinuation<CurlSMTPHandle?, Never>] = []

    var isEmpty: Bool { idle.isEmpty && lent == 0 && waiters.isEmpty }

    /// Removes and returns the idle handles unused since before `deadline`.
    mutating func expire(before deadline: ContinuousClock.Instant) -> [CurlSMTPHandle] {
        let expired = idle.filter { $0.since < deadline }.map(\.handle)
        idle.removeAll { $0.since < deadline }
        return expired
    }
}

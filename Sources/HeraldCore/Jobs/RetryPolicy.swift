/// When to try a failed job again: a schedule of delays with random jitter, one policy per job kind.
///
/// The first attempt runs at once; after the n-th failed attempt the job waits `schedule[n-1]`
/// (± `jitter`), so a policy allows `schedule.count + 1` attempts in all.
public struct RetryPolicy: Sendable, Hashable {
    /// The delay after each failed attempt, in order.
    public var schedule: [Duration]
    /// The fraction by which a delay may randomly move either way (0.2 = ±20%).
    public var jitter: Double
    /// The longest wait a peer's `Retry-After` can ask for; longer requests are cut to this.
    public var retryAfterCap: Duration

    /// - Parameters:
    ///   - schedule: delays after the first, second… failed attempt.
    ///   - jitter: 0…1, the fraction by which each delay may move either way.
    ///   - retryAfterCap: the upper bound of an honoured `Retry-After`.
    public init(schedule: [Duration], jitter: Double = 0.2, retryAfterCap: Duration = .seconds(6 * 3600)) {
        self.schedule = schedule
        self.jitter = min(max(jitter, 0), 1)
        self.retryAfterCap = retryAfterCap
    }

    /// Attempts in all: the first plus one per scheduled delay.
    public var maxAttempts: Int { schedule.count + 1 }

    /// How long to wait after failed attempt `attempt` (1-based); nil once the schedule is exhausted.
    ///
    /// Without `retryAfter` the scheduled delay moves by a random fraction within ±``jitter``. With it,
    /// the peer's request is honoured but kept within [scheduled delay, max(``retryAfterCap``, scheduled delay)]:
    /// a peer can slow retries down, not speed them up.
    /// - Parameters:
    ///   - attempt: the number of the attempt that just failed.
    ///   - retryAfter: the peer's `Retry-After`, when it sent one.
    ///   - random: the source of the jitter.
    public func delay(
        afterAttempt attempt: Int, retryAfter: Duration? = nil, random: inout some RandomNumberGenerator
    ) -> Duration? {
        guard attempt >= 1, attempt <= schedule.count else { return nil }
        let scheduled = schedule[attempt - 1]
        if let retryAfter {
            let upper = max(retryAfterCap, scheduled)
            return min(max(retryAfter, scheduled), upper)
        }
        guard jitter > 0 else { return scheduled }
        let factor = 1 + Double.random(in: -jitter...jitter, using: &random)
        return .seconds(scheduled.inSeconds * factor)
    }

    /// ``delay(afterAttempt:retryAfter:random:)`` with the system's random numbers.
    public func delay(afterAttempt attempt: Int, retryAfter: Duration? = nil) -> Duration? {
        var random = SystemRandomNumberGenerator()
        return delay(afterAttempt: attempt, retryAfter: retryAfter, random: &random)
    }

    /// Webhook deliveries: at once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (8 attempts), ±20%.
    public static let webhook = RetryPolicy(
        schedule: [
            .seconds(5), .seconds(5 * 60), .seconds(30 * 60), .seconds(2 * 3600), .seconds(5 * 3600),
            .seconds(10 * 3600), .seconds(10 * 3600),
        ],
        jitter: 0.2)

    /// A short default for kinds without their own schedule: 10 s, 1 min, 10 min, 1 h (5 attempts), ±20%.
    public static let standard = RetryPolicy(
        schedule: [.seconds(10), .seconds(60), .seconds(600), .seconds(3600)], jitter: 0.2)
}

import Foundation

/// The admission control of one destination: a concurrency cap, a rate limit, a circuit breaker and a pause.
///
/// After `failureThreshold` consecutive failures the breaker opens: the destination's jobs are not
/// attempted, except one probe per `probeInterval`; a success closes it. A peer's `Retry-After` (or a
/// 429) pauses the destination until the time it asked for. A rate limit (``DestinationLimits``, the
/// destination's own setting) lets at most that many attempts start in any one second.
public actor DestinationGate {
    /// Limits of a destination.
    public struct Configuration: Sendable, Hashable {
        /// Jobs of one destination running at once.
        public var concurrencyCap: Int
        /// Consecutive failures that open the breaker.
        public var failureThreshold: Int
        /// Time between probes while the breaker is open.
        public var probeInterval: Duration

        public init(concurrencyCap: Int = 4, failureThreshold: Int = 5, probeInterval: Duration = .seconds(30)) {
            self.concurrencyCap = max(1, concurrencyCap)
            self.failureThreshold = max(1, failureThreshold)
            self.probeInterval = probeInterval
        }
    }

    /// The answer to a job asking to run.
    public enum Admission: Sendable, Hashable {
        /// Run it (a probe when the breaker is open); report with ``finish(success:retryAfter:now:)``.
        case run(probe: Bool)
        /// The cap is reached: wait for a running job to finish.
        case full
        /// The rate limit is reached: wait (in memory) until this time, when a start is allowed again.
        case throttled(until: Date)
        /// Not before this time (breaker open or destination paused).
        case notBefore(Date)
    }

    public let configuration: Configuration
    public private(set) var limits: DestinationLimits
    private(set) var running = 0
    /// Start times within the last second, oldest first (only with a rate limit).
    private var recentStarts: [Date] = []
    private var consecutiveFailures = 0
    private var probing = false
    private var nextProbeAt: Date?
    private var pausedUntil: Date?

    public init(configuration: Configuration = Configuration(), limits: DestinationLimits = DestinationLimits()) {
        self.configuration = configuration
        self.limits = limits
    }

    /// Takes the destination's current limits (they apply from the next admission).
    public func update(limits: DestinationLimits) {
        self.limits = limits
        if limits.ratePerSecond == nil { recentStarts.removeAll() }
    }

    /// Whether the gate holds nothing worth keeping at `now`: no job running, no failure counted, no pause and no
    /// start within the last second. An idle gate can be dropped and made anew with the same effect.
    public func isIdle(now: Date) -> Bool {
        guard running == 0, consecutiveFailures == 0, !probing else { return false }
        if let pausedUntil, now < pausedUntil { return false }
        if let last = recentStarts.last, now.timeIntervalSince(last) < 1 { return false }
        return true
    }

    /// Whether the breaker is open.
    public var isOpen: Bool { consecutiveFailures >= configuration.failureThreshold }
    /// Jobs of this destination running now.
    public var runningCount: Int { running }

    /// Asks to run one job at `now`; a `.run` answer takes a slot.
    public func admit(now: Date) -> Admission {
        if let pausedUntil, now < pausedUntil { return .notBefore(pausedUntil) }
        if isOpen {
            let probeAt = nextProbeAt ?? now
            if probing || now < probeAt {
                // The next probe time; while a probe runs past it, one more interval.
                return .notBefore(probeAt > now ? probeAt : now.addingTimeInterval(configuration.probeInterval.inSeconds))
            }
            probing = true
            nextProbeAt = now.addingTimeInterval(configuration.probeInterval.inSeconds)
            running += 1
            return .run(probe: true)
        }
        guard running < configuration.concurrencyCap else { return .full }
        if let rate = limits.ratePerSecond {
            recentStarts.removeFirst(recentStarts.prefix { now.timeIntervalSince($0) >= 1 }.count)
            if recentStarts.count >= rate, let oldest = recentStarts.dropLast(rate - 1).last {
                return .throttled(until: oldest.addingTimeInterval(1))
            }
            recentStarts.append(now)
        }
        running += 1
        return .run(probe: false)
    }

    /// Gives back the slot of a job that ran, with how it went.
    /// - Parameter retryAfter: the pause a peer asked for (`Retry-After`, 429).
    public func finish(success: Bool, retryAfter: Duration? = nil, now: Date) {
        running = max(0, running - 1)
        probing = false
        if success {
            consecutiveFailures = 0
            nextProbeAt = nil
        } else {
            consecutiveFailures += 1
            if consecutiveFailures == configuration.failureThreshold {
                nextProbeAt = now.addingTimeInterval(configuration.probeInterval.inSeconds)
            }
        }
        if let retryAfter, retryAfter > .zero {
            let until = now.addingTimeInterval(retryAfter.inSeconds)
            pausedUntil = max(pausedUntil ?? until, until)
        }
    }

    /// Gives back a slot taken by ``admit(now:)`` without a result (the job was not attempted).
    public func release() {
        running = max(0, running - 1)
        probing = false
    }
}

/// A destination's own limits, as its job kind's handler knows them (a webhook endpoint's `rate_limit_per_second`).
public struct DestinationLimits: Sendable, Hashable {
    /// Attempts that may start in any one second; nil for no limit.
    public var ratePerSecond: Int?

    public init(ratePerSecond: Int? = nil) {
        self.ratePerSecond = ratePerSecond.map { max(1, $0) }
    }
}

import Foundation

/// The admission control of one destination: a concurrency cap, a circuit breaker and a pause.
///
/// After `failureThreshold` consecutive failures the breaker opens: the destination's jobs are not
/// attempted, except one probe per `probeInterval`; a success closes it. A peer's `Retry-After` (or a
/// 429) pauses the destination until the time it asked for.
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
        /// Not before this time (breaker open or destination paused).
        case notBefore(Date)
    }

    public let configuration: Configuration
    private(set) var running = 0
    private var consecutiveFailures = 0
    private var probing = false
    private var nextProbeAt: Date?
    private var pausedUntil: Date?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
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

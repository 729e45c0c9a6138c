import Foundation
import HeraldCore

/// Does the work of one kind of job (a webhook delivery, a SIEM flush, a mail message).
///
/// A handler never throws: it answers what happened, with the attempt to record. It should honour task
/// cancellation (graceful shutdown past its deadline); a cancelled attempt is abandoned, its lease kept.
public protocol JobHandler: Sendable {
    func handle(_ lease: JobLease) async -> JobOutcome

    /// The destination's own limits (e.g. a webhook endpoint's rate limit), read when the dispatcher makes the
    /// destination's gate and again at each maintenance pass while the gate is in use. By default none.
    func limits(forDestination destination: String) async -> DestinationLimits
}

extension JobHandler {
    public func limits(forDestination destination: String) async -> DestinationLimits { DestinationLimits() }
}

/// What came of one attempt.
public enum JobOutcome: Sendable {
    /// Done.
    case success(JobAttempt)
    /// Failed; try again after the kind's schedule, or after `after` (a peer's `Retry-After`) when longer.
    /// A `Retry-After` also pauses the whole destination until then.
    case retry(after: Duration?, JobAttempt)
    /// Failed for good (a permanent error, e.g. 410 Gone): the job is dead, kept and replayable.
    case dead(reason: String, JobAttempt)
    /// Not attempted (e.g. the organization is suspended): give the job back, due at `until`, attempt not counted.
    case postpone(until: Date)
}

/// How jobs of one kind are run.
public struct JobKindConfiguration: Sendable {
    public var handler: any JobHandler
    /// The worker pool: the most jobs of this kind running at once in this process.
    public var concurrency: Int
    public var retryPolicy: RetryPolicy
    /// The limits of each destination of this kind (its cap, its breaker); nil: the dispatcher's
    /// ``JobDispatcherConfiguration/destination``. Mail to one SMTP server allows more at once than a webhook
    /// endpoint does.
    public var destination: DestinationGate.Configuration?

    public init(
        handler: any JobHandler, concurrency: Int = 32, retryPolicy: RetryPolicy = .standard,
        destination: DestinationGate.Configuration? = nil
    ) {
        self.handler = handler
        self.concurrency = max(1, concurrency)
        self.retryPolicy = retryPolicy
        self.destination = destination
    }
}

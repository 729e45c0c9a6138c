/// Where a job is in its life.
///
/// `available` and `retrying` jobs are due once their `runAt` has passed; `succeeded`, `dead` and
/// `cancelled` are final (a dead job can be re-queued by an operator).
public enum JobState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for its first attempt (or re-queued).
    case available
    /// Claimed by a worker until its lease expires.
    case leased
    /// Done.
    case succeeded
    /// An attempt failed; waiting for `runAt` before the next one.
    case retrying
    /// Every attempt failed, or the failure is permanent; kept, visible and replayable.
    case dead
    /// Withdrawn before it finished.
    case cancelled

    /// Whether the job still has work ahead of it (a unique key stays taken while it does).
    public var isPending: Bool { self == .available || self == .leased || self == .retrying }

    /// Whether the job is done for good (pruned after the retention period).
    public var isFinished: Bool { self == .succeeded || self == .cancelled || self == .dead }
}

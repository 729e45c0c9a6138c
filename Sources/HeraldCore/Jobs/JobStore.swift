import Foundation

/// The durable job queue: every state change of a job, each one atomic.
///
/// Changes to a leased job are fenced: they present the ``JobLease`` they hold, and a lease whose
/// token is no longer current (the job was rescued and leased again) changes nothing and answers `false`.
public protocol JobStore: Sendable {
    /// Enqueues one job; with a unique key that a pending job already holds, returns that job instead.
    func enqueue(_ job: NewJob) async throws -> Job
    /// Enqueues many jobs in one transaction, in order; duplicates by unique key return the pending job.
    func enqueue(_ jobs: [NewJob]) async throws -> [Job]

    /// Leases up to `limit` due jobs (available or retrying with `runAt <= now`), taking them round-robin
    /// across organizations, then across destinations within an organization, oldest first in each. Jobs of a
    /// suspended organization are not claimed (they are held, not dropped, until it is activated).
    /// - Parameters:
    ///   - kinds: only these kinds (nil: every kind).
    ///   - excludingDestinations: destinations not to claim from (saturated ones).
    ///   - perDestination: at most this many jobs of one destination (its concurrency cap); nil: up to `limit`.
    /// - Returns: the leases, each with a new fencing token and the attempt it starts counted.
    func claim(
        limit: Int, owner: String, leaseDuration: Duration, now: Date, kinds: Set<JobKind>?,
        excludingDestinations: Set<String>, perDestination: Int?
    ) async throws -> [JobLease]

    /// Marks the leased job succeeded and records the attempt. False (and nothing changed) for a stale lease.
    func ack(_ lease: JobLease, attempt: JobAttempt) async throws -> Bool
    /// Records the failed attempt and schedules the job again at `runAt` (state `retrying`).
    func retry(_ lease: JobLease, at runAt: Date, attempt: JobAttempt) async throws -> Bool
    /// Records the attempt and marks the job dead with `reason`.
    func dead(_ lease: JobLease, attempt: JobAttempt, reason: String) async throws -> Bool
    /// Gives the job back without counting the attempt (breaker open, destination paused), due at `runAt`.
    func postpone(_ lease: JobLease, until runAt: Date) async throws -> Bool
    /// Moves the lease's expiry to `until` (heartbeat); nil for a stale lease.
    func extend(_ lease: JobLease, until: Date) async throws -> JobLease?

    /// Cancels a job that has not finished (a leased one too: its worker's ack will then fail).
    /// - Returns: false when the job is unknown or already finished.
    func cancel(id: Int64) async throws -> Bool
    /// Re-queues a dead job with a fresh set of attempts, due at once.
    /// - Throws: `HeraldError` `not_found` for an unknown job, `invalid_state` when it is not dead.
    func retryDead(id: Int64) async throws -> Job

    /// Makes jobs whose lease expired before `now` available again (their attempt count is kept); a job
    /// that has used all its attempts becomes dead.
    /// - Returns: how many jobs were rescued.
    func rescueExpiredLeases(now: Date) async throws -> Int
    /// Makes every job leased by an owner other than `owner` available again at once, whatever its expiry (a job
    /// out of attempts becomes dead). Only for a store that one process serves at a time — the SQLite store under
    /// the state directory's lock — where any other owner is a process that has died.
    /// - Returns: how many jobs were rescued.
    func rescueLeases(notOwnedBy owner: String) async throws -> Int
    /// Deletes up to `limit` succeeded and cancelled jobs finished before `date`, oldest first, with their attempts
    /// (and what else refers to them, such as webhook delivery records).
    /// - Returns: how many jobs were deleted (fewer than `limit`: nothing more to delete now).
    func prune(finishedBefore date: Date, limit: Int) async throws -> Int

    /// One job.
    func job(id: Int64) async throws -> Job?
    /// The attempts of a job, oldest first.
    func attempts(jobId: Int64) async throws -> [JobAttempt]
    /// Jobs matching the filter, newest first.
    func list(_ filter: JobFilter, page: Int, limit: Int) async throws -> JobPage
    /// The number of jobs per kind and state, for every state but `succeeded` (finished work is counted by the
    /// outcome metrics; counting it here would cost a pass over the retained history).
    func counts() async throws -> [JobCount]
    /// The earliest `runAt` later than `date` of an available or retrying job, for the dispatcher's timer (jobs
    /// already due are the claim's business: a due job that is not claimed waits for its destination, not for time).
    func nextRunAt(after date: Date) async throws -> Date?
    /// The earliest lease expiry of a leased job, for the rescuer.
    func nextLeaseExpiry() async throws -> Date?
}

extension JobStore {
    /// Leases up to `limit` due jobs, as many of one destination as `limit` allows.
    public func claim(
        limit: Int, owner: String, leaseDuration: Duration, now: Date, kinds: Set<JobKind>?,
        excludingDestinations: Set<String>
    ) async throws -> [JobLease] {
        try await claim(
            limit: limit, owner: owner, leaseDuration: leaseDuration, now: now, kinds: kinds,
            excludingDestinations: excludingDestinations, perDestination: nil)
    }

    /// Leases up to `limit` due jobs of every kind.
    public func claim(limit: Int, owner: String, leaseDuration: Duration, now: Date) async throws -> [JobLease] {
        try await claim(
            limit: limit, owner: owner, leaseDuration: leaseDuration, now: now, kinds: nil, excludingDestinations: [])
    }
}

/// Which jobs ``JobStore/list(_:page:limit:)`` returns; nil fields match everything.
public struct JobFilter: Sendable, Hashable {
    public var state: JobState?
    public var kind: JobKind?
    public var orgId: String?
    public var destination: String?

    public init(state: JobState? = nil, kind: JobKind? = nil, orgId: String? = nil, destination: String? = nil) {
        self.state = state
        self.kind = kind
        self.orgId = orgId
        self.destination = destination
    }
}

/// One page of jobs, with the total that matched.
public struct JobPage: Sendable, Hashable {
    public var jobs: [Job]
    public var total: Int

    public init(jobs: [Job], total: Int) {
        self.jobs = jobs
        self.total = total
    }
}

/// The number of jobs of one kind in one state.
public struct JobCount: Sendable, Hashable {
    public var kind: JobKind
    public var state: JobState
    public var count: Int

    public init(kind: JobKind, state: JobState, count: Int) {
        self.kind = kind
        self.state = state
        self.count = count
    }
}

import Foundation

/// One durable unit of work: a delivery, a SIEM flush, a mail message.
public struct Job: Sendable, Hashable, Identifiable {
    /// The store's id (a row id), stable for the life of the job.
    public var id: Int64
    public var kind: JobKind
    /// The organization the work is for; nil for platform-level work.
    public var orgId: String?
    /// The destination key (an endpoint id, an integration id, an SMTP host): caps, breakers and fairness are per destination.
    public var destination: String
    /// Opaque bytes for the handler.
    public var payload: Data
    public var state: JobState
    /// Attempts started so far (a claim starts one).
    public var attempts: Int
    public var maxAttempts: Int
    /// When the job is due.
    public var runAt: Date
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    /// Incremented on every lease; an ack must present the current value.
    public var fencingToken: Int64
    /// While a pending job holds this key, enqueueing another with the same key returns the first one.
    public var uniqueKey: String?
    public var lastError: String?
    /// Ordered jobs of a destination run one at a time, in enqueue order: one waits until every earlier ordered job
    /// of its destination has finished (succeeded, dead or cancelled).
    public var ordered: Bool
    public var createdAt: Date
    public var updatedAt: Date
    public var finishedAt: Date?

    public init(
        id: Int64, kind: JobKind, orgId: String?, destination: String, payload: Data, state: JobState,
        attempts: Int, maxAttempts: Int, runAt: Date, leaseOwner: String? = nil, leaseExpiresAt: Date? = nil,
        fencingToken: Int64 = 0, uniqueKey: String? = nil, lastError: String? = nil, ordered: Bool = false,
        createdAt: Date, updatedAt: Date, finishedAt: Date? = nil
    ) {
        self.id = id
        self.kind = kind
        self.orgId = orgId
        self.destination = destination
        self.payload = payload
        self.state = state
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.runAt = runAt
        self.leaseOwner = leaseOwner
        self.leaseExpiresAt = leaseExpiresAt
        self.fencingToken = fencingToken
        self.uniqueKey = uniqueKey
        self.lastError = lastError
        self.ordered = ordered
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.finishedAt = finishedAt
    }
}

/// A job to enqueue.
public struct NewJob: Sendable, Hashable {
    public var kind: JobKind
    public var orgId: String?
    public var destination: String
    public var payload: Data
    /// When the job becomes due; nil for at once.
    public var runAt: Date?
    public var maxAttempts: Int
    public var uniqueKey: String?
    /// See ``Job/ordered``.
    public var ordered: Bool

    /// - Parameters:
    ///   - maxAttempts: attempts before the job is dead; by default the kind's retry schedule count + 1 is
    ///     a good value (``RetryPolicy/maxAttempts``).
    public init(
        kind: JobKind, orgId: String?, destination: String, payload: Data = Data(), runAt: Date? = nil,
        maxAttempts: Int, uniqueKey: String? = nil, ordered: Bool = false
    ) {
        self.kind = kind
        self.orgId = orgId
        self.destination = destination
        self.payload = payload
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.uniqueKey = uniqueKey
        self.ordered = ordered
    }
}

/// A claimed job: the job as leased, with the fencing token that every later change must present.
public struct JobLease: Sendable, Hashable {
    public var job: Job
    public var token: Int64
    public var owner: String
    public var expiresAt: Date

    public init(job: Job, token: Int64, owner: String, expiresAt: Date) {
        self.job = job
        self.token = token
        self.owner = owner
        self.expiresAt = expiresAt
    }

    /// The number of the attempt this lease started (1-based).
    public var attempt: Int { job.attempts }
}

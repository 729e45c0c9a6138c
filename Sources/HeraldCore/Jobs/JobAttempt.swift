import Foundation

/// The record of one attempt at a job (the delivery log of the operations API).
public struct JobAttempt: Sendable, Hashable {
    /// How an attempt ended.
    public enum Outcome: String, Sendable, Hashable, Codable, CaseIterable {
        case success
        /// Failed; another attempt will follow.
        case failure
        /// Failed for good (permanent error or no attempts left).
        case dead
        /// Ran out of time (the handler's own timeout).
        case timeout
    }

    public var jobId: Int64
    /// 1-based.
    public var attempt: Int
    public var startedAt: Date
    public var duration: Duration
    public var outcome: Outcome
    /// The peer's status (an HTTP status, an SMTP reply code) when there was one.
    public var statusCode: Int?
    public var error: String?
    /// The start of the peer's answer (bounded by the handler, e.g. 4 KiB).
    public var responseExcerpt: String?

    public init(
        jobId: Int64, attempt: Int, startedAt: Date, duration: Duration, outcome: Outcome, statusCode: Int? = nil,
        error: String? = nil, responseExcerpt: String? = nil
    ) {
        self.jobId = jobId
        self.attempt = attempt
        self.startedAt = startedAt
        self.duration = duration
        self.outcome = outcome
        self.statusCode = statusCode
        self.error = error
        self.responseExcerpt = responseExcerpt
    }

    /// An attempt of `lease` started at `startedAt` and ending now.
    public init(
        _ lease: JobLease, startedAt: Date, now: Date = Date(), outcome: Outcome, statusCode: Int? = nil,
        error: String? = nil, responseExcerpt: String? = nil
    ) {
        self.init(
            jobId: lease.job.id, attempt: lease.attempt, startedAt: startedAt,
            duration: .seconds(max(0, now.timeIntervalSince(startedAt))), outcome: outcome, statusCode: statusCode,
            error: error, responseExcerpt: responseExcerpt)
    }
}

extension Duration {
    /// This duration in (fractional) seconds.
    public var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

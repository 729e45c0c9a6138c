/// How long finished work and old events are kept (`retention.*`).
public struct RetentionConfiguration: Sendable, Equatable {
    /// `retention.finished_jobs_seconds`: succeeded and cancelled jobs, with their attempts and delivery records, are
    /// deleted this long after they finished (7 days). Dead jobs stay until they are retried or their organization
    /// is deleted.
    public var finishedJobsSeconds: Double = 7 * 86_400
    /// `retention.events_seconds`: events (and so the audit log) recorded longer ago are deleted once every delivery
    /// stage has read them and no pending job refers to them (365 days); 0 keeps them forever.
    public var eventsSeconds: Double = 365 * 86_400
    /// `retention.interval_seconds`: the time between two pruning passes (1 h).
    public var intervalSeconds: Double = 3600

    public init() {}
}

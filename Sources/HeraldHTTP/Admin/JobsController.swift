import Foundation
import HeraldCore
import Hummingbird

/// `/api/platform/jobs`: the durable queue of every kind (dead jobs and the like), platform owners only.
struct JobsController {
    let store: any HeraldStore
    let jobs: any JobStore
    /// Tells the dispatcher that jobs were enqueued.
    let wakeDeliveries: @Sendable () -> Void
    var access: Access { Access(store: store) }

    func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        group.get("jobs") { request, context in
            _ = try access.platformOwner(context)
            let query = QueryReader(request)
            let state = try query.enumeration("state", as: JobState.self)
            let kind = try query.string("kind", maxLength: 100)
            let orgId = try query.string("org_id")
            let page = try query.int("page", default: 1, in: 1...1_000_000)
            let limit = try query.int("limit", default: 20, in: 1...100)
            let filter = JobFilter(state: state, kind: kind.map(JobKind.init(rawValue:)), orgId: orgId)
            let result = try await jobs.list(filter, page: page, limit: limit)
            return JobPageDTO(jobs: result.jobs.map(JobDTO.init), total: result.total, page: page, limit: limit)
        }
        group.post("jobs/{id}/retry") { request, context in
            _ = try access.platformOwner(context)
            guard let id = Int64(try request.parameter("id", context)), id > 0 else { throw HeraldError.notFound("Job") }
            let job = try await jobs.retryDead(id: id)
            wakeDeliveries()
            return JobDTO(job)
        }
    }
}

/// The job store of dependencies built without one: every call answers 503.
struct UnconfiguredJobStore: JobStore {
    private var error: HeraldError { HeraldError(.unavailable, "The job queue is not configured") }

    func enqueue(_ job: NewJob) async throws -> Job { throw error }
    func enqueue(_ jobs: [NewJob]) async throws -> [Job] { throw error }
    func claim(
        limit: Int, owner: String, leaseDuration: Duration, now: Date, kinds: Set<JobKind>?,
        excludingDestinations: Set<String>
    ) async throws -> [JobLease] { throw error }
    func ack(_ lease: JobLease, attempt: JobAttempt) async throws -> Bool { throw error }
    func retry(_ lease: JobLease, at runAt: Date, attempt: JobAttempt) async throws -> Bool { throw error }
    func dead(_ lease: JobLease, attempt: JobAttempt, reason: String) async throws -> Bool { throw error }
    func postpone(_ lease: JobLease, until runAt: Date) async throws -> Bool { throw error }
    func extend(_ lease: JobLease, until: Date) async throws -> JobLease? { throw error }
    func cancel(id: Int64) async throws -> Bool { throw error }
    func retryDead(id: Int64) async throws -> Job { throw error }
    func rescueExpiredLeases(now: Date) async throws -> Int { throw error }
    func rescueLeases(notOwnedBy owner: String) async throws -> Int { throw error }
    func prune(finishedBefore date: Date) async throws -> Int { throw error }
    func job(id: Int64) async throws -> Job? { throw error }
    func attempts(jobId: Int64) async throws -> [JobAttempt] { throw error }
    func list(_ filter: JobFilter, page: Int, limit: Int) async throws -> JobPage { throw error }
    func counts() async throws -> [JobCount] { throw error }
    func nextRunAt() async throws -> Date? { throw error }
    func nextLeaseExpiry() async throws -> Date? { throw error }
}

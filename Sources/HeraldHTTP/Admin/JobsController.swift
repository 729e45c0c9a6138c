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

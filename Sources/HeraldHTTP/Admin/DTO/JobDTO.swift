import Foundation
import HeraldCore
import Hummingbird

/// A job of the durable queue, as the operations API shows it (its payload is not shown).
struct JobDTO: ResponseEncodable {
    var id, kind: String
    var orgId: String?
    var destination: String
    var state: JobState
    var attempts, maxAttempts: Int
    var runAt: String
    var lastError: String?
    var createdAt, updatedAt: String
    var finishedAt: String?

    init(_ job: Job) {
        id = String(job.id)
        kind = job.kind.rawValue
        orgId = job.orgId
        destination = job.destination
        state = job.state
        attempts = job.attempts
        maxAttempts = job.maxAttempts
        runAt = Timestamp.format(job.runAt)
        lastError = job.lastError
        createdAt = Timestamp.format(job.createdAt)
        updatedAt = Timestamp.format(job.updatedAt)
        finishedAt = job.finishedAt.map(Timestamp.format)
    }

    enum CodingKeys: String, CodingKey {
        case id, kind, destination, state, attempts
        case orgId = "org_id", maxAttempts = "max_attempts", runAt = "run_at", lastError = "last_error"
        case createdAt = "created_at", updatedAt = "updated_at", finishedAt = "finished_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(kind, forKey: .kind)
        try c.encode(orgId, forKey: .orgId)
        try c.encode(destination, forKey: .destination)
        try c.encode(state, forKey: .state)
        try c.encode(attempts, forKey: .attempts)
        try c.encode(maxAttempts, forKey: .maxAttempts)
        try c.encode(runAt, forKey: .runAt)
        try c.encode(lastError, forKey: .lastError)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encode(finishedAt, forKey: .finishedAt)
    }
}

/// `{jobs, total, page, limit}`.
struct JobPageDTO: ResponseEncodable {
    var jobs: [JobDTO]
    var total, page, limit: Int
}

import Foundation
import GRDB
import HeraldCore

/// Decoding of `jobs` and `job_attempts` rows.
enum JobRows {
    static let jobColumns = """
        id, kind, org_id, destination, payload, state, attempts, max_attempts, run_at, lease_owner,
        lease_expires_at, fencing_token, unique_key, last_error, created_at, updated_at, finished_at, ordered
        """

    /// A job from a row selected with ``jobColumns`` (in that order).
    static func job(_ row: Row) -> Job {
        let leaseExpiry: Int64? = row[10]
        let finished: Int64? = row[16]
        let state: String = row[5]
        return Job(
            id: row[0], kind: JobKind(rawValue: row[1]), orgId: row[2], destination: row[3], payload: row[4] ?? Data(),
            state: JobState(rawValue: state) ?? .dead, attempts: row[6], maxAttempts: row[7],
            runAt: Date(millisecondsSince1970: row[8]), leaseOwner: row[9],
            leaseExpiresAt: leaseExpiry.map(Date.init(millisecondsSince1970:)), fencingToken: row[11],
            uniqueKey: row[12], lastError: row[13], ordered: row[17], createdAt: Date(millisecondsSince1970: row[14]),
            updatedAt: Date(millisecondsSince1970: row[15]), finishedAt: finished.map(Date.init(millisecondsSince1970:)))
    }

    static func fetchJobs(_ db: Database, where clause: String, _ arguments: StatementArguments = []) throws -> [Job] {
        try Row.fetchAll(db, sql: "SELECT \(jobColumns) FROM jobs WHERE \(clause)", arguments: arguments).map(job)
    }

    static func fetchJob(_ db: Database, id: Int64) throws -> Job? {
        try fetchJobs(db, where: "id = ?", [id]).first
    }

    static func attempt(_ row: Row) -> JobAttempt {
        let durationMs: Int64 = row["duration_ms"]
        let outcome: String = row["outcome"]
        return JobAttempt(
            jobId: row["job_id"], attempt: row["attempt"], startedAt: Date(millisecondsSince1970: row["started_at"]),
            duration: .milliseconds(durationMs), outcome: JobAttempt.Outcome(rawValue: outcome) ?? .failure,
            statusCode: row["status_code"], error: row["error"], responseExcerpt: row["response_excerpt"])
    }

    static func insert(_ attempt: JobAttempt, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO job_attempts (job_id, attempt, started_at, duration_ms, outcome, status_code, error,
                    response_excerpt) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                attempt.jobId, attempt.attempt, attempt.startedAt.millisecondsSince1970,
                Int64((attempt.duration.inSeconds * 1000).rounded()), attempt.outcome.rawValue, attempt.statusCode,
                attempt.error, attempt.responseExcerpt,
            ])
    }
}

import Foundation
import GRDB
import HeraldCore

extension SQLiteJobStore {
    public func job(id: Int64) async throws -> Job? {
        try await read { db in try JobRows.fetchJob(db, id: id) }
    }

    public func attempts(jobId: Int64) async throws -> [JobAttempt] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM job_attempts WHERE job_id = ? ORDER BY id", arguments: [jobId])
                .map(JobRows.attempt)
        }
    }

    public func list(_ filter: JobFilter, page: Int, limit: Int) async throws -> JobPage {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let state = filter.state {
            // The partial index of the state's group answers only when the query names its condition.
            switch state {
            case .available, .retrying: conditions.append("state IN ('available', 'retrying')")
            case .dead, .cancelled: conditions.append("state IN ('dead', 'cancelled')")
            case .leased, .succeeded: break
            }
            conditions.append("state = ?")
            arguments.append(state.rawValue)
        }
        if let kind = filter.kind {
            conditions.append("kind = ?")
            arguments.append(kind.rawValue)
        }
        if let orgId = filter.orgId {
            conditions.append("org_id = ?")
            arguments.append(orgId)
        }
        if let destination = filter.destination {
            conditions.append("destination = ?")
            arguments.append(destination)
        }
        let clause = conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
        let limit = max(0, limit)
        let offset = max(0, page - 1) * limit
        let filterArguments = StatementArguments(arguments)
        return try await read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs WHERE \(clause)", arguments: filterArguments)
            let jobs = try JobRows.fetchJobs(
                db, where: "\(clause) ORDER BY id DESC LIMIT \(limit) OFFSET \(offset)", filterArguments)
            return JobPage(jobs: jobs, total: total ?? 0)
        }
    }

    public func counts() async throws -> [JobCount] {
        try await read { db in
            // Each from the partial index of its states, so the cost follows the unfinished jobs, not the history.
            let queries = [
                """
                SELECT kind, state, COUNT(*) FROM jobs INDEXED BY jobs_waiting_run_at
                WHERE state IN ('available', 'retrying') GROUP BY kind, state
                """,
                "SELECT kind, state, COUNT(*) FROM jobs INDEXED BY jobs_lease_expiry WHERE state = 'leased' GROUP BY kind",
                """
                SELECT kind, state, COUNT(*) FROM jobs INDEXED BY jobs_dead_or_cancelled
                WHERE state IN ('dead', 'cancelled') GROUP BY kind, state
                """,
            ]
            var counts: [JobCount] = []
            for sql in queries {
                for row in try Row.fetchAll(db.cachedStatement(sql: sql)) {
                    let state: String = row[1]
                    guard let state = JobState(rawValue: state) else { continue }
                    counts.append(JobCount(kind: JobKind(rawValue: row[0]), state: state, count: row[2]))
                }
            }
            return counts.sorted { ($0.kind.rawValue, $0.state.rawValue) < ($1.kind.rawValue, $1.state.rawValue) }
        }
    }

    public func nextRunAt(after date: Date) async throws -> Date? {
        let after = date.millisecondsSince1970
        return try await read { db in
            let waiting = "SELECT MIN(run_at) FROM jobs INDEXED BY jobs_waiting_run_at WHERE state IN ('available', 'retrying')"
            let available = try Int64.fetchOne(
                db, sql: waiting + " AND state = 'available' AND run_at > ?", arguments: [after])
            let retrying = try Int64.fetchOne(
                db, sql: waiting + " AND state = 'retrying' AND run_at > ?", arguments: [after])
            return [available, retrying].compactMap { $0 }.min().map(Date.init(millisecondsSince1970:))
        }
    }

    public func nextLeaseExpiry() async throws -> Date? {
        try await read { db in
            try Int64.fetchOne(db, sql: "SELECT MIN(lease_expires_at) FROM jobs WHERE state = 'leased'")
                .map(Date.init(millisecondsSince1970:))
        }
    }
}

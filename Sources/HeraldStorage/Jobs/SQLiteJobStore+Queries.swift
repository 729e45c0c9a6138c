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
            try Row.fetchAll(db, sql: "SELECT kind, state, COUNT(*) AS n FROM jobs GROUP BY kind, state ORDER BY kind, state")
                .compactMap { row in
                    let state: String = row["state"]
                    guard let state = JobState(rawValue: state) else { return nil }
                    return JobCount(kind: JobKind(rawValue: row["kind"]), state: state, count: row["n"])
                }
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

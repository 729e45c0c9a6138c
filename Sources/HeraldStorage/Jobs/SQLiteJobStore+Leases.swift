import Foundation
import GRDB
import HeraldCore

extension SQLiteJobStore {
    public func ack(_ lease: JobLease, attempt: JobAttempt) async throws -> Bool {
        let stamp = now().millisecondsSince1970
        return try await write { db in
            try Self.finishLease(
                lease, set: "state = 'succeeded', finished_at = :stamp, last_error = NULL", [:], stamp: stamp,
                attempt: attempt, in: db)
        }
    }

    public func retry(_ lease: JobLease, at runAt: Date, attempt: JobAttempt) async throws -> Bool {
        let stamp = now().millisecondsSince1970
        return try await write { db in
            try Self.finishLease(
                lease, set: "state = 'retrying', run_at = :runAt, last_error = :error",
                ["runAt": runAt.millisecondsSince1970, "error": attempt.error], stamp: stamp, attempt: attempt, in: db)
        }
    }

    public func dead(_ lease: JobLease, attempt: JobAttempt, reason: String) async throws -> Bool {
        let stamp = now().millisecondsSince1970
        return try await write { db in
            try Self.finishLease(
                lease, set: "state = 'dead', finished_at = :stamp, last_error = :reason", ["reason": reason],
                stamp: stamp, attempt: attempt, in: db)
        }
    }

    public func postpone(_ lease: JobLease, until runAt: Date) async throws -> Bool {
        let stamp = now().millisecondsSince1970
        return try await write { db in
            try Self.finishLease(
                lease, set: "state = 'retrying', run_at = :runAt, attempts = MAX(0, attempts - 1)",
                ["runAt": runAt.millisecondsSince1970], stamp: stamp, attempt: nil, in: db)
        }
    }

    public func extend(_ lease: JobLease, until: Date) async throws -> JobLease? {
        let stamp = now().millisecondsSince1970
        return try await write { db in
            try db.execute(
                sql: """
                    UPDATE jobs SET lease_expires_at = ?, updated_at = ?
                    WHERE id = ? AND fencing_token = ? AND state = 'leased'
                    """,
                arguments: [until.millisecondsSince1970, stamp, lease.job.id, lease.token])
            guard db.changesCount > 0 else { return nil }
            var extended = lease
            extended.expiresAt = Date(millisecondsSince1970: until.millisecondsSince1970)
            extended.job.leaseExpiresAt = extended.expiresAt
            return extended
        }
    }

    /// Ends a lease with the assignments `set` (which may use `:stamp`), when its token is still current,
    /// and records the attempt.
    static func finishLease(
        _ lease: JobLease, set assignments: String, _ extra: [String: (any DatabaseValueConvertible)?], stamp: Int64,
        attempt: JobAttempt?, in db: Database
    ) throws -> Bool {
        var arguments = extra
        arguments["stamp"] = stamp
        arguments["id"] = lease.job.id
        arguments["token"] = lease.token
        try db.cachedStatement(
            sql: """
                UPDATE jobs SET \(assignments), lease_owner = NULL, lease_expires_at = NULL, updated_at = :stamp
                WHERE id = :id AND fencing_token = :token AND state = 'leased'
                """
        ).execute(arguments: StatementArguments(arguments))
        guard db.changesCount > 0 else { return false }
        if let attempt { try JobRows.insert(attempt, in: db) }
        return true
    }

    public func cancel(id: Int64) async throws -> Bool {
        let stamp = now().millisecondsSince1970
        return try await write { db in
            try db.execute(
                sql: """
                    UPDATE jobs SET state = 'cancelled', finished_at = ?, updated_at = ?, lease_owner = NULL,
                        lease_expires_at = NULL
                    WHERE id = ? AND state IN ('available', 'leased', 'retrying')
                    """,
                arguments: [stamp, stamp, id])
            return db.changesCount > 0
        }
    }

    public func retryDead(id: Int64) async throws -> Job {
        let stamp = now().millisecondsSince1970
        return try await write { db in
            guard let job = try JobRows.fetchJob(db, id: id) else { throw HeraldError.notFound("Job") }
            guard job.state == .dead else {
                throw HeraldError(.invalidState, "only a dead job can be retried (this one is \(job.state.rawValue))")
            }
            if let key = job.uniqueKey,
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM jobs WHERE unique_key = ? AND state IN ('available', 'leased', 'retrying')",
                    arguments: [key]) ?? 0 > 0
            {
                throw HeraldError(.conflict, "another job with the same unique key is pending")
            }
            try db.execute(
                sql: """
                    UPDATE jobs SET state = 'available', attempts = 0, run_at = ?, finished_at = NULL, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [stamp, stamp, id])
            guard let requeued = try JobRows.fetchJob(db, id: id) else { throw HeraldError.notFound("Job") }
            return requeued
        }
    }

    public func rescueExpiredLeases(now: Date) async throws -> Int {
        try await rescue(where: "lease_expires_at <= :now", ["now": now.millisecondsSince1970],
                         reason: "lease expired before the attempt finished")
    }

    public func rescueLeases(notOwnedBy owner: String) async throws -> Int {
        try await rescue(where: "(lease_owner IS NULL OR lease_owner <> :owner)", ["owner": owner],
                         reason: "the process that held the lease stopped before the attempt finished")
    }

    /// Leased jobs matching `condition` become available again (dead when out of attempts).
    private func rescue(where condition: String, _ arguments: [String: (any DatabaseValueConvertible)?],
                        reason: String) async throws -> Int {
        let stamp = self.now().millisecondsSince1970
        var values = arguments
        values["stamp"] = stamp
        values["reason"] = reason
        let statementArguments = StatementArguments(values)
        return try await write { db in
            try db.execute(
                sql: """
                    UPDATE jobs SET
                        state = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'available' END,
                        finished_at = CASE WHEN attempts >= max_attempts THEN :stamp ELSE NULL END,
                        last_error = :reason,
                        lease_owner = NULL, lease_expires_at = NULL, updated_at = :stamp
                    WHERE state = 'leased' AND \(condition)
                    """,
                arguments: statementArguments)
            return db.changesCount
        }
    }

    public func prune(finishedBefore date: Date, limit: Int) async throws -> Int {
        guard limit > 0 else { return 0 }
        return try await write { db in
            // Attempts and webhook delivery records go with their job (ON DELETE CASCADE).
            try db.execute(
                sql: """
                    DELETE FROM jobs WHERE id IN (
                        SELECT id FROM jobs
                        WHERE finished_at IS NOT NULL AND finished_at < ? AND state IN ('succeeded', 'cancelled')
                        ORDER BY finished_at LIMIT ?)
                    """,
                arguments: [date.millisecondsSince1970, limit])
            return db.changesCount
        }
    }
}

import Foundation
import GRDB
import HeraldCore

/// The job queue on Herald's SQLite database (tables `jobs` and `job_attempts`, migration `v2-jobs`).
///
/// Every change goes through one ``JobWriter`` (group commit: many enqueues, claims and acks share a
/// transaction and its fsync); reads go straight to the database. No GRDB error escapes: see ``SQLiteErrors``.
public struct SQLiteJobStore: JobStore {
    /// The database this store reads and writes; it must be migrated.
    public let database: SQLiteDatabase
    let writer: JobWriter
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - maxBatch: the most operations one write transaction takes.
    ///   - now: the clock for `created_at`/`updated_at`/`finished_at` (claims and rescues take their own `now`).
    public init(database: SQLiteDatabase, maxBatch: Int = 2_000, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.writer = JobWriter(writer: database.writer, maxBatch: maxBatch)
        self.now = now
    }

    /// Write transactions run so far by this store's writer (group commit makes this far less than operations).
    public var writeTransactionCount: Int { writer.transactionCount }
    /// Write operations run so far by this store's writer.
    public var writeOperationCount: Int { writer.operationCount }

    // MARK: Access

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.perform(body)
        } catch {
            throw SQLiteErrors.map(error)
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.writer.read(body)
        } catch {
            throw SQLiteErrors.map(error)
        }
    }

    // MARK: Enqueue

    public func enqueue(_ job: NewJob) async throws -> Job {
        let now = self.now()
        return try await write { db in try Self.insert(job, now: now, in: db) }
    }

    public func enqueue(_ jobs: [NewJob]) async throws -> [Job] {
        guard !jobs.isEmpty else { return [] }
        let now = self.now()
        return try await write { db in try jobs.map { try Self.insert($0, now: now, in: db) } }
    }

    static func insert(_ new: NewJob, now: Date, in db: Database) throws -> Job {
        guard new.maxAttempts >= 1 else { throw HeraldError.invalid("max_attempts", "max_attempts must be at least 1") }
        if let key = new.uniqueKey,
            let pending = try JobRows.fetchJobs(
                db, where: "unique_key = ? AND state IN ('available', 'leased', 'retrying')", [key]
            ).first
        {
            return pending
        }
        let runAt = new.runAt ?? now
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO jobs (kind, org_id, destination, payload, state, attempts, max_attempts, run_at,
                    fencing_token, unique_key, ordered, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'available', 0, ?, ?, 0, ?, ?, ?, ?)
                """)
        try statement.execute(arguments: [
            new.kind.rawValue, new.orgId, new.destination, new.payload, new.maxAttempts,
            runAt.millisecondsSince1970, new.uniqueKey, new.ordered, now.millisecondsSince1970,
            now.millisecondsSince1970,
        ])
        let stored = Date(millisecondsSince1970: now.millisecondsSince1970)
        return Job(
            id: db.lastInsertedRowID, kind: new.kind, orgId: new.orgId, destination: new.destination,
            payload: new.payload, state: .available, attempts: 0, maxAttempts: new.maxAttempts,
            runAt: Date(millisecondsSince1970: runAt.millisecondsSince1970), uniqueKey: new.uniqueKey,
            ordered: new.ordered, createdAt: stored, updatedAt: stored)
    }

    // MARK: Claim

    public func claim(
        limit: Int, owner: String, leaseDuration: Duration, now: Date, kinds: Set<JobKind>?,
        excludingDestinations: Set<String>, perDestination: Int?
    ) async throws -> [JobLease] {
        guard limit > 0 else { return [] }
        let perDestination = min(limit, max(1, perDestination ?? limit))
        if let kinds, kinds.isEmpty { return [] }
        let expiresAt = now.addingTimeInterval(leaseDuration.inSeconds)
        let stamp = self.now()
        return try await write { db in
            try Self.claim(
                limit: limit, perDestination: perDestination, owner: owner, expiresAt: expiresAt, now: now,
                stamp: stamp, kinds: kinds, excluding: excludingDestinations, in: db)
        }
    }

    /// Picks the due jobs round-robin (rank within the organization's destination first, then rank of the
    /// organization) and leases them; the answer keeps the round-robin order. An ordered job is due only when no
    /// earlier ordered job of its destination is pending (available, leased or retrying). The jobs of a suspended
    /// organization are held: not claimed until it is active again.
    ///
    /// The candidates are the first `limit` due jobs of each destination with pending jobs: the destinations are
    /// walked with one index seek each (a skip scan of `jobs_due_destination`), so the cost grows with the number
    /// of destinations and `limit`, not with the number of jobs waiting.
    static func claim(
        limit: Int, perDestination: Int, owner: String, expiresAt: Date, now: Date, stamp: Date, kinds: Set<JobKind>?,
        excluding: Set<String>, in db: Database
    ) throws -> [JobLease] {
        var dueJob = """
            due.destination = d.destination AND due.state IN ('available', 'retrying') AND due.run_at <= :now
                AND (due.ordered = 0 OR NOT EXISTS (
                    SELECT 1 FROM jobs AS earlier INDEXED BY jobs_ordered_pending
                    WHERE earlier.ordered = 1 AND earlier.destination = due.destination AND earlier.id < due.id
                        AND earlier.state IN ('available', 'leased', 'retrying')))
            """
        var destination = "d.destination IS NOT NULL"
        var arguments: [String: (any DatabaseValueConvertible)?] = [
            "now": now.millisecondsSince1970, "limit": limit, "perDestination": perDestination,
        ]
        if let kinds {
            dueJob += " AND due.kind IN (SELECT value FROM json_each(:kinds))"
            arguments["kinds"] = try jsonArray(kinds.map(\.rawValue))
        }
        if !excluding.isEmpty {
            destination += " AND d.destination NOT IN (SELECT value FROM json_each(:excluded))"
            arguments["excluded"] = try jsonArray(Array(excluding))
        }
        let picked = try Int64.fetchAll(
            db.cachedStatement(
                sql: """
                    WITH RECURSIVE destinations(destination) AS (
                        SELECT MIN(destination) FROM jobs INDEXED BY jobs_due_destination
                        WHERE state IN ('available', 'retrying')
                        UNION ALL
                        SELECT (
                            SELECT MIN(next.destination) FROM jobs AS next INDEXED BY jobs_due_destination
                            WHERE next.state IN ('available', 'retrying') AND next.destination > destinations.destination)
                        FROM destinations WHERE destinations.destination IS NOT NULL
                    ),
                    candidates AS (
                        SELECT j.id, j.org_id, j.destination, j.run_at
                        FROM destinations AS d JOIN jobs AS j ON j.id IN (
                            SELECT due.id FROM jobs AS due INDEXED BY jobs_due_destination
                            WHERE \(dueJob)
                            ORDER BY due.run_at, due.id LIMIT :perDestination)
                        WHERE \(destination)
                            AND (j.org_id IS NULL OR j.org_id NOT IN (
                                SELECT id FROM organizations WHERE status = 'suspended'))
                    )
                    SELECT id FROM (
                        SELECT id, run_at,
                            ROW_NUMBER() OVER (PARTITION BY org_id ORDER BY destination_rank, run_at, id) AS org_rank
                        FROM (
                            SELECT id, org_id, run_at,
                                ROW_NUMBER() OVER (PARTITION BY org_id, destination ORDER BY run_at, id)
                                    AS destination_rank
                            FROM candidates
                        )
                    )
                    WHERE org_rank <= :limit
                    ORDER BY org_rank, run_at, id
                    LIMIT :limit
                    """),
            arguments: StatementArguments(arguments))
        guard !picked.isEmpty else { return [] }
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    UPDATE jobs SET state = 'leased', lease_owner = ?, lease_expires_at = ?,
                        fencing_token = fencing_token + 1, attempts = attempts + 1, updated_at = ?
                    WHERE id IN (SELECT value FROM json_each(?))
                    RETURNING \(JobRows.jobColumns)
                    """),
            arguments: [
                owner, expiresAt.millisecondsSince1970, stamp.millisecondsSince1970, try jsonArray(picked),
            ])
        var byId: [Int64: Job] = [:]
        for row in rows {
            let job = JobRows.job(row)
            byId[job.id] = job
        }
        return picked.compactMap { id in
            byId[id].map { JobLease(job: $0, token: $0.fencingToken, owner: owner, expiresAt: $0.leaseExpiresAt!) }
        }
    }

    static func jsonArray<T: Encodable>(_ values: [T]) throws -> String {
        String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
    }
}

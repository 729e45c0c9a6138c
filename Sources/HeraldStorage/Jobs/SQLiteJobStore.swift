import Foundation
import GRDB
import HeraldCore

/// The job queue on Herald's SQLite database (tables `jobs` and `job_attempts`, migration `v2-jobs`).
///
/// Every change goes through the database's ``GroupCommitWriter`` (group commit: many enqueues, claims and acks share a
/// transaction and its fsync); reads go straight to the database. No GRDB error escapes: see ``SQLiteErrors``.
public struct SQLiteJobStore: JobStore {
    /// The database this store reads and writes; it must be migrated.
    public let database: SQLiteDatabase
    let writer: GroupCommitWriter
    let now: @Sendable () -> Date

    /// - Parameter now: the clock for `created_at`/`updated_at`/`finished_at` (claims and rescues take their own `now`).
    public init(database: SQLiteDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.writer = database.groupWriter
        self.now = now
    }

    /// Write transactions run so far by the database's group writer (group commit makes this far less than operations).
    public var writeTransactionCount: Int { writer.transactionCount }
    /// Write operations run so far by the database's group writer.
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
}

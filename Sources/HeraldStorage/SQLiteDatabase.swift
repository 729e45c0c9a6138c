import Foundation
import GRDB
import HeraldCore

/// The SQLite database of Herald: a small facade over one GRDB `DatabaseWriter`.
///
/// In production it is a `DatabasePool` on a file (WAL, `busy_timeout` 5 s, foreign keys on,
/// `synchronous=FULL` unless told otherwise); tests use ``inMemory()`` or ``temporaryFile()``.
public struct SQLiteDatabase: Sendable {
    /// The connection (pool or queue) every access goes through.
    public let writer: any DatabaseWriter
    /// The one group-commit writer of this database: the job queue, the fan-out and the SCIM directory put their
    /// writes through it, so that writes arriving together share one transaction and one fsync.
    let groupWriter: GroupCommitWriter
    /// Recently authenticated API keys, emptied by every commit that changes keys or users.
    let apiKeys = APIKeyCache()
    /// The connections of ``SQLiteStore/readNow(_:)`` on a file database; nil: it reads through `writer`.
    let immediateReaders: ImmediateReaders?
    /// The file the database lives in; nil in memory.
    public let path: String?

    /// The `synchronous` settings accepted by ``init(path:synchronous:)``.
    public static let synchronousModes = ["FULL", "NORMAL", "EXTRA", "OFF"]

    /// Opens (creating when missing) the database file at `path` as a WAL `DatabasePool`.
    ///
    /// Migrations are not run: call ``migrate()``.
    /// - Parameters:
    ///   - path: the SQLite file.
    ///   - synchronous: the `PRAGMA synchronous` mode: `FULL` (default, power-loss durable) or `NORMAL`.
    /// - Throws: `HeraldError` `invalid_field` for an unknown mode; `internal_error` when the file cannot be opened.
    public init(path: String, synchronous: String = "FULL") throws {
        let mode = synchronous.uppercased()
        guard Self.synchronousModes.contains(mode) else {
            throw HeraldError.invalid(
                "synchronous", "synchronous must be one of \(Self.synchronousModes.joined(separator: ", "))")
        }
        let configuration = Self.configuration(synchronous: mode)
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB sets `synchronous=NORMAL` on the writer when it enables WAL, after `prepareDatabase`:
            // set the chosen mode again on the writer, the one connection that commits.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(mode)") }
            self.writer = pool
        } catch {
            throw SQLiteErrors.map(error)
        }
        self.path = path
        self.groupWriter = GroupCommitWriter(writer: writer)
        self.immediateReaders = ImmediateReaders(path: path, configuration: configuration, count: 2)
        writer.add(transactionObserver: apiKeys, extent: .observerLifetime)
    }

    /// Wraps an existing writer (a queue already configured by the caller: ``SQLiteStore/readNow(_:)`` reads
    /// through it, which a `DatabasePool` must not do, see ``ImmediateReaders``).
    public init(writer: DatabaseQueue, path: String? = nil) {
        self.writer = writer
        self.path = path
        self.immediateReaders = nil
        self.groupWriter = GroupCommitWriter(writer: writer)
        writer.add(transactionObserver: apiKeys, extent: .observerLifetime)
    }

    /// A new, empty, private database in memory (a `DatabaseQueue`), for tests.
    public static func inMemory() throws -> SQLiteDatabase {
        do {
            return SQLiteDatabase(writer: try DatabaseQueue(configuration: configuration(synchronous: "FULL")))
        } catch {
            throw SQLiteErrors.map(error)
        }
    }

    /// A new database in a fresh file under the temporary directory, for tests.
    public static func temporaryFile(synchronous: String = "NORMAL") throws -> SQLiteDatabase {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-\(Identifier.make()).sqlite")
        return try SQLiteDatabase(path: url.path, synchronous: synchronous)
    }

    /// The GRDB configuration shared by every way of opening the database.
    static func configuration(synchronous: String) -> Configuration {
        var configuration = Configuration()
        configuration.label = "herald"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        // Two cores: a few readers beside the writer are enough, and each connection's page cache is resident
        // memory; the writer keeps the larger cache (the queue's working set), readers a small one (the rest is
        // in the operating system's file cache anyway).
        configuration.maximumReaderCount = 3
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            try db.execute(sql: "PRAGMA cache_size = \(db.configuration.readonly ? -512 : -4096)")
            // Every group-commit operation runs in its own savepoint, and SQLite keeps a savepoint's journal (a
            // copy of each page it first changes) in a temporary file once it passes 64 KiB: a write system call
            // per page, a quarter of a SCIM create's cost. In memory it is freed at each release. Temporary
            // sort trees live in memory too (a sort under LIMIT keeps only the offset and the page).
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        return configuration
    }

    /// Applies the migrations that have not run yet; idempotent.
    /// - Throws: `HeraldError` `internal_error` when a migration fails.
    public func migrate() throws {
        do {
            try SQLiteMigrations.migrator.migrate(writer)
        } catch {
            throw SQLiteErrors.map(error)
        }
    }

    /// Whether every migration this binary knows has been applied (and no unknown one).
    public func isMigrated() throws -> Bool {
        do {
            return try writer.read { db in try Self.isMigrated(db) }
        } catch {
            throw SQLiteErrors.map(error)
        }
    }

    /// Whether every known migration has been applied on this connection's database.
    public static func isMigrated(_ db: Database) throws -> Bool {
        let migrator = SQLiteMigrations.migrator
        return try migrator.hasCompletedMigrations(db) && !migrator.hasBeenSuperseded(db)
    }

    /// Copies the live database into a new SQLite file at `path` (SQLite online backup).
    ///
    /// Writers are not blocked for longer than one backup step.
    /// - Throws: `HeraldError` `already_exists` when `path` exists; `internal_error` when the copy fails.
    public func backup(to path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw HeraldError(.alreadyExists, "backup file already exists", field: "path")
        }
        do {
            let destination = try DatabaseQueue(path: path)
            try writer.backup(to: destination)
            try destination.close()
        } catch {
            throw SQLiteErrors.map(error)
        }
    }

    /// The store over this database.
    /// See ``SQLiteStore/init(database:now:sealer:webhookMaxAttempts:onEventsCommitted:onJobsEnqueued:)``.
    public func store(
        now: @escaping @Sendable () -> Date = { Date() }, sealer: SecretSealer? = nil,
        webhookMaxAttempts: Int = RetryPolicy.webhook.maxAttempts, mail: SQLiteStore.MailEnqueueing? = nil,
        onEventsCommitted: (@Sendable () -> Void)? = nil, onJobsEnqueued: (@Sendable () -> Void)? = nil
    ) -> SQLiteStore {
        SQLiteStore(
            database: self, now: now, sealer: sealer, webhookMaxAttempts: webhookMaxAttempts, mail: mail,
            onEventsCommitted: onEventsCommitted, onJobsEnqueued: onJobsEnqueued)
    }
}

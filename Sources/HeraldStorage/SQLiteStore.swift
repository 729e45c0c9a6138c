import Foundation
import GRDB
import HeraldCore

/// Herald's store on SQLite: every store protocol of HeraldCore over one GRDB `DatabaseWriter`.
///
/// Every mutation runs in one write transaction together with the one event it records, so that
/// the events table is a faithful outbox. No GRDB error escapes: see ``SQLiteErrors``.
public struct SQLiteStore: HeraldStore {
    /// The database this store reads and writes.
    public let database: SQLiteDatabase
    /// The clock (injectable so that tests can move time).
    let now: @Sendable () -> Date

    /// Seals webhook secrets at rest; nil refuses every operation that needs one (creating an endpoint…).
    public let sealer: SecretSealer?
    /// The attempts of a webhook delivery job before it is dead (`RetryPolicy.webhook.maxAttempts` by default).
    public let webhookMaxAttempts: Int
    /// Keeps the commit observer (hooks) registered for as long as a copy of this store lives.
    let commitObserver: CommitObserver?
    /// How the mails this store enqueues itself (invitations, approvals, rejections, disabled endpoints) are
    /// made; nil: it enqueues none (stores without a mailer, e.g. the CLI's).
    public let mail: MailEnqueueing?

    /// What the store needs to enqueue mails of its own.
    public struct MailEnqueueing: Sendable {
        /// The right-hand side of generated Message-IDs (`<uuid@domain>`).
        public var messageIDDomain: String
        /// `max_attempts` of every mail job (the mail schedule's count + 1).
        public var maxAttempts: Int
        /// Prefix of the invitation mail's `accept_url` (the token is appended); empty: no URL, the token only.
        public var invitationURL: String

        public init(messageIDDomain: String, maxAttempts: Int, invitationURL: String) {
            self.messageIDDomain = messageIDDomain
            self.maxAttempts = maxAttempts
            self.invitationURL = invitationURL
        }
    }

    /// A store over `database`, which must be migrated.
    /// - Parameters:
    ///   - now: the clock used for every timestamp.
    ///   - sealer: seals webhook secrets at rest (required for creating endpoints and reading their keys).
    ///   - webhookMaxAttempts: `max_attempts` of every webhook delivery job this store enqueues.
    ///   - onEventsCommitted: called after every commit that inserted events (any store write, ingest included),
    ///     on the database's writer queue: it must only signal (wake the fan-out service), never block.
    ///   - onJobsEnqueued: called after every commit that inserted jobs (fan-out, resend, replay, test ping, and the
    ///     job store's own enqueues on the same database), likewise only to wake the dispatcher.
    public init(
        database: SQLiteDatabase, now: @escaping @Sendable () -> Date = { Date() }, sealer: SecretSealer? = nil,
        webhookMaxAttempts: Int = RetryPolicy.webhook.maxAttempts, mail: MailEnqueueing? = nil,
        onEventsCommitted: (@Sendable () -> Void)? = nil, onJobsEnqueued: (@Sendable () -> Void)? = nil
    ) {
        self.database = database
        self.mail = sealer == nil ? nil : mail
        self.now = now
        self.sealer = sealer
        self.webhookMaxAttempts = max(1, webhookMaxAttempts)
        if onEventsCommitted != nil || onJobsEnqueued != nil {
            let observer = CommitObserver(onEvents: onEventsCommitted, onJobs: onJobsEnqueued)
            database.writer.add(transactionObserver: observer, extent: .observerLifetime)
            self.commitObserver = observer
        } else {
            self.commitObserver = nil
        }
    }

    var writer: any DatabaseWriter { database.writer }

    // MARK: Access helpers

    /// Runs a read, mapping database errors to `HeraldError`.
    func read<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.read(body)
        } catch {
            throw SQLiteErrors.map(error)
        }
    }

    /// Runs a short read on the calling thread, mapping database errors to `HeraldError`.
    ///
    /// For the bounded reads of the request path (a row by a unique key, a page of at most 100 rows in index order):
    /// ``read(_:)`` hands its closure to a reader connection's queue and resumes the task when it ends, two thread
    /// switches that cost more than such a read. This one holds the calling thread while it runs, so it is for short
    /// reads only. It reads on connections of its own (``ImmediateReaders``), never the pool's: waiting on the
    /// cooperative pool for a connection that an `async` read holds until it gets a thread back would deadlock.
    func readNow<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            if let readers = database.immediateReaders { return try readers.read(body) }
            return try writer.read(body)
        } catch {
            throw SQLiteErrors.map(error)
        }
    }

    /// Runs a write transaction, mapping database errors to `HeraldError`; a thrown error rolls it back.
    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
        } catch {
            throw SQLiteErrors.map(error)
        }
    }

    /// Runs `body` in its own savepoint of a shared write transaction (group commit, ``GroupCommitWriter``): the
    /// writes that arrive together share one commit (one fsync with `synchronous=FULL`), and a failing one is rolled
    /// back alone. For the frequent small writes: the SCIM directory's (identity providers send bursts) and the
    /// webhook fan-out's, which share commits with the job queue's.
    func groupWrite<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await database.groupWriter.perform(body)
        } catch {
            throw SQLiteErrors.map(error)
        }
    }

    /// Answers when the database is reachable and every migration has run (`/readyz`, the watchdog).
    public func checkHealth() async throws {
        guard try await read({ db in try SQLiteDatabase.isMigrated(db) }) else {
            throw HeraldError(.unavailable, "database migrations are not complete")
        }
    }

    // MARK: Events of mutations

    /// Inserts the one event of a mutation, with the actor's fields, severity info and the time `now`.
    @discardableResult
    static func record(_ record: EventRecord, actor: Actor, now: Date, in db: Database) throws -> EventRow {
        let row = try eventRow(record, actor: actor, now: now)
        try row.insert(db)
        return row
    }

    /// The row ``record(_:actor:now:in:)`` inserts, built without the database (a caller can build it before its
    /// write transaction).
    static func eventRow(_ record: EventRecord, actor: Actor, now: Date) throws -> EventRow {
        let ms = now.millisecondsSince1970
        return EventRow(
            seq: nil, id: Identifier.make(), type: record.type.name, orgId: record.orgId, actorId: actor.userId,
            actorEmail: actor.email, targetType: record.targetType, targetId: record.targetId, userId: nil,
            email: nil, ipAddress: actor.ipAddress, userAgent: actor.userAgent, severity: Severity.info.rawValue,
            data: try EventRow.encode(record.data), occurredAt: ms, createdAt: ms)
    }

    // MARK: Shared lookups

    static func requireUser(_ id: String, in db: Database) throws -> UserRecord {
        guard let user = try UserRecord.fetchOne(db, key: id) else { throw HeraldError.notFound("User") }
        return user
    }

    static func requireOrganization(_ id: String, in db: Database) throws -> OrganizationRecord {
        guard let organization = try OrganizationRecord.fetchOne(db, key: id) else {
            throw HeraldError.notFound("Organization")
        }
        return organization
    }

    static func user(email: String, in db: Database) throws -> UserRecord? {
        try UserRecord.fetchOne(db, sql: "SELECT * FROM users WHERE email = ?", arguments: [email.lowercased()])
    }

    /// The user with this email, created when there is none (no event: the caller records its own).
    static func ensureUser(email: String, now: Date, in db: Database) throws -> UserRecord {
        if let user = try user(email: email, in: db) { return user }
        let user = UserRecord(email: email, createdAt: now)
        try user.insert(db)
        return user
    }

    /// The `OFFSET` of a 1-based page.
    static func offset(page: Int, limit: Int) -> Int {
        max(0, page - 1) * max(0, limit)
    }

    /// A `LIKE` pattern matching `text` anywhere, with `%`, `_` and `\` escaped (use `ESCAPE '\'`).
    static func containsPattern(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return "%\(escaped)%"
    }
}

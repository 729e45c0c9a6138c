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

    /// A store over `database`, which must be migrated.
    /// - Parameter now: the clock used for every timestamp.
    public init(database: SQLiteDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.now = now
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

    /// Runs a write transaction, mapping database errors to `HeraldError`; a thrown error rolls it back.
    func write<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await writer.write(body)
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
        let ms = now.millisecondsSince1970
        let row = EventRow(
            seq: nil, id: Identifier.make(), type: record.type.name, orgId: record.orgId, actorId: actor.userId,
            actorEmail: actor.email, targetType: record.targetType, targetId: record.targetId, userId: nil,
            email: nil, ipAddress: actor.ipAddress, userAgent: actor.userAgent, severity: Severity.info.rawValue,
            data: try EventRow.encode(record.data), occurredAt: ms, createdAt: ms)
        try row.insert(db)
        return row
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

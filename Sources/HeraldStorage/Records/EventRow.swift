import Foundation
import GRDB
import HeraldCore

/// A row of `events` (named apart from HeraldCore's `EventRecord`, which describes what a mutation records).
struct EventRow: FetchableRecord, Sendable {

    /// The row's position in commit order; nil before insertion (SQLite assigns it).
    var seq: Int64?
    var id: String
    var type: String
    var orgId: String?
    var actorId: String?
    var actorEmail: String?
    var targetType: String?
    var targetId: String?
    var userId: String?
    var email: String?
    var ipAddress: String?
    var userAgent: String?
    var severity: String
    /// The details as a JSON object.
    var data: String
    var occurredAt: Int64
    var createdAt: Int64

    var decodedData: [String: JSONValue] {
        (try? JSONValue.parse(data.utf8))?.objectValue ?? [:]
    }

    /// Compact JSON with sorted keys (deterministic bytes for the events table and the payloads built from it).
    static func encode(_ data: [String: JSONValue]) throws -> String {
        String(decoding: JSONValue.object(data).serialized(sortedKeys: true), as: UTF8.self)
    }

    var model: Event {
        Event(
            sequence: seq ?? 0, id: id, type: type, orgId: orgId, actorId: actorId, actorEmail: actorEmail,
            targetType: targetType, targetId: targetId, userId: userId, email: email, ipAddress: ipAddress,
            userAgent: userAgent, severity: Severity(rawValue: severity) ?? .info, data: decodedData,
            occurredAt: Date(millisecondsSince1970: occurredAt), createdAt: Date(millisecondsSince1970: createdAt))
    }
}

/// A row of `idempotency_keys`: the ids an ingest call answered, per key and caller.
struct IdempotencyKeyRecord: SnakeCaseRecord {
    static let databaseTableName = "idempotency_keys"

    var key: String
    var actorId: String
    /// The JSON array of event ids.
    var response: String
    var createdAt: Int64
}

extension EventRow {
    /// Every mutation and every ingested event inserts one row: one cached statement with the values in column
    /// order, not GRDB's record persistence (its per-insert statement lookup and container were 3 % of a SCIM
    /// create's cost, after `Encodable` with snake_case conversion had been 6 % of the webhook pipeline's).
    /// The row's `seq` is SQLite's: `db.lastInsertedRowID` after the call.
    func insert(_ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO events (id, type, org_id, actor_id, actor_email, target_type, target_id, user_id, email,
                    ip_address, user_agent, severity, data, occurred_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            id, type, orgId, actorId, actorEmail, targetType, targetId, userId, email, ipAddress, userAgent,
            severity, data, occurredAt, createdAt,
        ])
    }

    /// Decodes by column name (faster than `Decodable` on the list paths).
    init(row: Row) throws {
        seq = row["seq"]
        id = row["id"]
        type = row["type"]
        orgId = row["org_id"]
        actorId = row["actor_id"]
        actorEmail = row["actor_email"]
        targetType = row["target_type"]
        targetId = row["target_id"]
        userId = row["user_id"]
        email = row["email"]
        ipAddress = row["ip_address"]
        userAgent = row["user_agent"]
        severity = row["severity"]
        data = row["data"]
        occurredAt = row["occurred_at"]
        createdAt = row["created_at"]
    }
}

import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    /// How long an ingest idempotency key is remembered.
    static let idempotencyWindow: Int64 = 24 * 3600 * 1000

    public func ingest(_ events: [IngestedEvent], actor: Actor, idempotencyKey: String?) async throws -> [String] {
        for (index, event) in events.enumerated() where !EventType(event.type).isIngestible {
            throw HeraldError(
                .unknownEventType, "Event type \(event.type) cannot be ingested", field: "events[\(index)].type")
        }
        let now = self.now()
        let ms = now.millisecondsSince1970
        let actorKey = actor.userId ?? ""
        return try await write { db in
            if let idempotencyKey,
                let previous = try IdempotencyKeyRecord.fetchOne(
                    db, key: ["key": idempotencyKey, "actor_id": actorKey]),
                previous.createdAt > ms - Self.idempotencyWindow
            {
                return try JSONDecoder().decode([String].self, from: Data(previous.response.utf8))
            }
            var knownOrganizations: Set<String> = []
            var ids: [String] = []
            for (index, event) in events.enumerated() {
                if let orgId = event.orgId, !knownOrganizations.contains(orgId) {
                    guard try OrganizationRecord.exists(db, key: orgId) else {
                        throw HeraldError.invalid("events[\(index)].org_id", "Unknown organization \(orgId)")
                    }
                    knownOrganizations.insert(orgId)
                }
                let email = event.email?.lowercased()
                let row = EventRow(
                    seq: nil, id: Identifier.make(), type: event.type, orgId: event.orgId, actorId: actor.userId,
                    actorEmail: actor.email, targetType: event.userId == nil ? nil : "user", targetId: event.userId,
                    userId: event.userId, email: email, ipAddress: event.ipAddress, userAgent: event.userAgent,
                    severity: event.severity.rawValue, data: try EventRow.encode(event.data),
                    occurredAt: event.occurredAt?.millisecondsSince1970 ?? ms, createdAt: ms)
                try row.insert(db)
                ids.append(row.id)
                try Self.applyMFA(of: event, email: email, now: ms, in: db)
            }
            if let idempotencyKey {
                try IdempotencyKeyRecord(
                    key: idempotencyKey, actorId: actorKey,
                    response: try StorageJSON.text(ids), createdAt: ms
                ).save(db)
            }
            return ids
        }
    }

    /// Updates the subject's MFA state from an `auth.mfa.enrolled|disabled|backup_codes_generated` event.
    private static func applyMFA(of event: IngestedEvent, email: String?, now: Int64, in db: Database) throws {
        let change: (inout MFAStatusRecord) -> Void
        switch EventType(event.type) {
        case .authMFAEnrolled: change = { $0.enabled = true }
        case .authMFADisabled:
            change = {
                $0.enabled = false
                $0.hasBackupCodes = false
            }
        case .authMFABackupCodesGenerated: change = { $0.hasBackupCodes = true }
        default: return
        }
        guard let user = try subject(userId: event.userId, email: email, now: now, in: db) else { return }
        var status =
            try MFAStatusRecord.fetchOne(db, key: user.id)
            ?? MFAStatusRecord(userId: user.id, enabled: false, hasBackupCodes: false, updatedAt: now)
        change(&status)
        status.updatedAt = now
        try status.save(db)
    }

    /// The user an ingested event is about: by Herald id, else by the SSO core's subject, else by email;
    /// created from the email when unknown.
    private static func subject(userId: String?, email: String?, now: Int64, in db: Database) throws -> UserRecord? {
        if let userId {
            if let user = try UserRecord.fetchOne(db, key: userId) { return user }
            if let user = try UserRecord.fetchOne(
                db, sql: "SELECT * FROM users WHERE jwt_subject = ? ORDER BY created_at LIMIT 1", arguments: [userId])
            {
                return user
            }
        }
        guard let email else { return nil }
        if let user = try user(email: email, in: db) { return user }
        let user = UserRecord(email: email, jwtSubject: userId, createdAt: Date(millisecondsSince1970: now))
        try user.insert(db)
        return user
    }

    public func auditLog(_ query: AuditQuery) async throws -> [Event] {
        try await read { db in
            var conditions = ["substr(type, 1, 5) NOT IN ('auth.', 'risk.')"]
            var arguments: StatementArguments = []
            func filter(_ condition: String, _ value: (any DatabaseValueConvertible)?) {
                guard let value else { return }
                conditions.append(condition)
                arguments += [value]
            }
            filter("org_id = ?", query.orgId)
            filter("type = ?", query.action)
            filter("actor_id = ?", query.actorId)
            filter("target_type = ?", query.targetType)
            filter("target_id = ?", query.targetId)
            filter("occurred_at >= ?", query.startDate?.millisecondsSince1970)
            filter("occurred_at <= ?", query.endDate?.millisecondsSince1970)
            let sql = """
                SELECT * FROM events WHERE \(conditions.joined(separator: " AND "))
                ORDER BY seq DESC LIMIT ? OFFSET ?
                """
            arguments += [max(0, query.limit), Self.offset(page: query.page, limit: query.limit)]
            return try EventRow.fetchAll(db, sql: sql, arguments: arguments).map(\.model)
        }
    }

    public func events(after sequence: Int64, limit: Int) async throws -> [Event] {
        try await read { db in
            try EventRow.fetchAll(
                db, sql: "SELECT * FROM events WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [sequence, max(0, limit)]
            ).map(\.model)
        }
    }
}

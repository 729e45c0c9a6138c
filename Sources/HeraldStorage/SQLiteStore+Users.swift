import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func user(id: String) async throws -> User? {
        try await read { db in try UserRecord.fetchOne(db, key: id)?.model }
    }

    public func user(email: String) async throws -> User? {
        try await read { db in try Self.user(email: email, in: db)?.model }
    }

    public func ensureUser(email: String, actor: Actor) async throws -> User {
        let address = try Validation.email(email)
        let now = self.now()
        if let user = try await user(email: address) { return user }
        return try await write { db in try Self.ensureUser(email: address, now: now, in: db).model }
    }

    public func jwtUser(issuer: String, subject: String, email: String?) async throws -> User {
        let now = self.now()
        let address: String?
        if let email {
            guard let valid = try? Validation.email(email) else {
                throw HeraldError(.unauthorized, "token email claim is not an email address")
            }
            address = valid
        } else {
            address = nil
        }
        return try await write { db in
            if let user = try UserRecord.fetchOne(
                db, sql: "SELECT * FROM users WHERE jwt_issuer = ? AND jwt_subject = ?", arguments: [issuer, subject])
            {
                return user.model
            }
            guard let address else { throw HeraldError(.unauthorized, "token has no email claim") }
            if var user = try Self.user(email: address, in: db) {
                // A user known by email only (or by the SSO core's subject from ingest) is linked on first sight.
                let linkable = user.jwtIssuer == nil && (user.jwtSubject == nil || user.jwtSubject == subject)
                guard linkable else { throw HeraldError.forbidden("The token's email belongs to another user") }
                user.jwtIssuer = issuer
                user.jwtSubject = subject
                try user.update(db)
                return user.model
            }
            let user = UserRecord(email: address, jwtIssuer: issuer, jwtSubject: subject, createdAt: now)
            try user.insert(db)
            return user.model
        }
    }

    public func listUsers(limit: Int, offset: Int) async throws -> Page<User> {
        try await read { db in
            let users = try UserRecord.fetchAll(
                db, sql: "SELECT * FROM users ORDER BY created_at, id LIMIT ? OFFSET ?",
                arguments: [max(0, limit), max(0, offset)])
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") ?? 0
            return Page(items: users.map(\.model), total: total)
        }
    }

    public func searchUsers(query: String, limit: Int) async throws -> [User] {
        try await read { db in
            try UserRecord.fetchAll(
                db,
                sql: """
                    SELECT * FROM users WHERE email LIKE ? ESCAPE '\\' OR id = ?
                    ORDER BY email LIMIT ?
                    """,
                arguments: [Self.containsPattern(query), query, max(0, limit)]
            ).map(\.model)
        }
    }

    public func promotePlatformOwner(userId: String, actor: Actor) async throws -> User {
        let now = self.now()
        return try await write { db in
            var user = try Self.requireUser(userId, in: db)
            guard !user.isPlatformOwner else {
                throw HeraldError(.alreadyPlatformOwner, "User is already a platform owner", field: "user_id")
            }
            user.isPlatformOwner = true
            try user.update(db)
            try Self.record(
                EventRecord(
                    type: .platformOwnerPromoted, orgId: nil, targetType: "user", targetId: user.id,
                    data: ["user_id": .string(user.id), "email": .string(user.email)]),
                actor: actor, now: now, in: db)
            return user.model
        }
    }

    public func demotePlatformOwner(userId: String, actor: Actor) async throws {
        let now = self.now()
        try await write { db in
            var user = try Self.requireUser(userId, in: db)
            guard user.isPlatformOwner else {
                throw HeraldError(.notPlatformOwner, "User is not a platform owner", field: "user_id")
            }
            guard actor.userId != userId else {
                throw HeraldError(.selfDemotion, "Platform owners cannot demote themselves", field: "user_id")
            }
            let owners = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users WHERE is_platform_owner = 1") ?? 0
            guard owners > 1 else {
                throw HeraldError(.lastPlatformOwner, "The last platform owner cannot be demoted", field: "user_id")
            }
            user.isPlatformOwner = false
            try user.update(db)
            try Self.record(
                EventRecord(
                    type: .platformOwnerDemoted, orgId: nil, targetType: "user", targetId: user.id,
                    data: ["user_id": .string(user.id), "email": .string(user.email)]),
                actor: actor, now: now, in: db)
        }
    }

    public func mfaStatus(userId: String) async throws -> MFAStatus {
        try await read { db in
            _ = try Self.requireUser(userId, in: db)
            return try MFAStatusRecord.fetchOne(db, key: userId)?.model
                ?? MFAStatus(enabled: false, hasBackupCodes: false)
        }
    }

    public func forceDisableMFA(userId: String, actor: Actor) async throws {
        let now = self.now()
        try await write { db in
            let user = try Self.requireUser(userId, in: db)
            guard var status = try MFAStatusRecord.fetchOne(db, key: userId), status.enabled else {
                throw HeraldError(.mfaNotEnabled, "MFA is not enabled for this user", field: "user_id")
            }
            status.enabled = false
            status.hasBackupCodes = false
            status.updatedAt = now.millisecondsSince1970
            try status.update(db)
            try Self.record(
                EventRecord(
                    type: .userMFAForceDisabled, orgId: nil, targetType: "user", targetId: user.id,
                    data: ["user_id": .string(user.id), "email": .string(user.email)]),
                actor: actor, now: now, in: db)
        }
    }

    public func suspiciousActivity(orgId: String?, limit: Int) async throws -> [SuspiciousActivity] {
        try await read { db in
            var sql = """
                SELECT * FROM events
                WHERE ((type >= 'risk.' AND type < 'risk/')
                    OR (type = 'auth.mfa.failed' AND severity IN ('medium', 'high', 'critical')))
                """
            var arguments: StatementArguments = []
            if let orgId {
                sql += " AND org_id = ?"
                arguments += [orgId]
            }
            sql += " ORDER BY seq DESC LIMIT ?"
            arguments += [max(0, limit)]
            return try EventRow.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let data = row.decodedData
                let suffix = row.type.hasPrefix("risk.") ? String(row.type.dropFirst(5)) : row.type
                return SuspiciousActivity(
                    userId: row.userId, email: row.email, orgId: row.orgId,
                    alertType: data["alert_type"]?.stringValue ?? suffix,
                    severity: Severity(rawValue: row.severity) ?? .info,
                    details: data["details"]?.stringValue ?? row.type,
                    detectedAt: Date(millisecondsSince1970: row.occurredAt), eventId: row.id)
            }
        }
    }

    public func setService(userId: String, isService: Bool) async throws {
        try await write { db in
            var user = try Self.requireUser(userId, in: db)
            user.isService = isService
            try user.update(db)
        }
    }
}

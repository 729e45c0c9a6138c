import Foundation
import GRDB
import HeraldCore

/// ``ScimStore``'s tokens: created with a secret shown once, stored as a SHA-256 hash.
extension SQLiteStore {
    static let scimTokenColumns = "id, org_id, name, prefix, created_at, expires_at, last_used_at, revoked_at"

    static func scimToken(_ row: Row) -> ScimToken {
        func date(_ index: Int) -> Date? { (row[index] as Int64?).map(Date.init(millisecondsSince1970:)) }
        return ScimToken(
            id: row[0], orgId: row[1], name: row[2], prefix: row[3],
            createdAt: Date(millisecondsSince1970: row[4]), expiresAt: date(5), lastUsedAt: date(6),
            revokedAt: date(7))
    }

    public func createScimToken(orgId: String, name: String, expiresAt: Date?, actor: Actor) async throws
        -> (ScimToken, String)
    {
        try Validation.name(name)
        let now = self.now()
        if let expiresAt, expiresAt <= now {
            throw HeraldError(.invalidField, "expires_at must be in the future", field: "expires_at")
        }
        let secret = SecretToken.generate(prefix: SecretPrefix.scimToken)
        let prefix = SecretToken.displayPrefix(secret, prefix: SecretPrefix.scimToken)
        let id = Identifier.make()
        let token = ScimToken(
            id: id, orgId: orgId, name: name, prefix: prefix, createdAt: now, expiresAt: expiresAt, lastUsedAt: nil,
            revokedAt: nil)
        try await write { db in
            _ = try Self.requireOrganization(orgId, in: db)
            try db.execute(
                sql: """
                    INSERT INTO scim_tokens (id, org_id, name, prefix, hash, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, orgId, name, prefix, SecretToken.hash(secret), now.millisecondsSince1970,
                    expiresAt?.millisecondsSince1970,
                ])
            var data: [String: JSONValue] = ["name": .string(name), "prefix": .string(prefix)]
            if let expiresAt { data["expires_at"] = .string(Timestamp.format(expiresAt)) }
            try Self.record(
                EventRecord(type: .scimTokenCreated, orgId: orgId, targetType: "scim_token", targetId: id, data: data),
                actor: actor, now: now, in: db)
        }
        return (token, secret)
    }

    public func scimTokens(orgId: String) async throws -> [ScimToken] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT \(Self.scimTokenColumns) FROM scim_tokens WHERE org_id = ? ORDER BY created_at DESC, id",
                arguments: [orgId]
            ).map(Self.scimToken)
        }
    }

    static func requireScimToken(orgId: String, id: String, in db: Database) throws -> ScimToken {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT \(scimTokenColumns) FROM scim_tokens WHERE id = ? AND org_id = ?",
                arguments: [id, orgId])
        else { throw HeraldError.notFound("SCIM token") }
        return scimToken(row)
    }

    public func revokeScimToken(orgId: String, id: String, actor: Actor) async throws -> ScimToken {
        let now = self.now()
        return try await write { db in
            var token = try Self.requireScimToken(orgId: orgId, id: id, in: db)
            guard token.revokedAt == nil else {
                throw HeraldError(.invalidState, "the SCIM token is already revoked")
            }
            try db.execute(
                sql: "UPDATE scim_tokens SET revoked_at = ? WHERE id = ?", arguments: [now.millisecondsSince1970, id])
            token.revokedAt = Date(millisecondsSince1970: now.millisecondsSince1970)
            try Self.record(
                EventRecord(
                    type: .scimTokenRevoked, orgId: orgId, targetType: "scim_token", targetId: id,
                    data: ["name": .string(token.name), "prefix": .string(token.prefix)]),
                actor: actor, now: now, in: db)
            return token
        }
    }

    public func deleteScimToken(orgId: String, id: String, actor: Actor) async throws {
        let now = self.now()
        try await write { db in
            let token = try Self.requireScimToken(orgId: orgId, id: id, in: db)
            try db.execute(sql: "DELETE FROM scim_tokens WHERE id = ?", arguments: [id])
            try Self.record(
                EventRecord(
                    type: .scimTokenDeleted, orgId: orgId, targetType: "scim_token", targetId: id,
                    data: ["name": .string(token.name), "prefix": .string(token.prefix)]),
                actor: actor, now: now, in: db)
        }
    }

    /// The token with this hash, its organization's status and user limit, in one row.
    static let scimAuthenticationSQL = """
        SELECT t.id, t.prefix, t.hash, t.org_id, t.expires_at, t.last_used_at, t.revoked_at, o.status,
            COALESCE(o.max_users, tr.max_users)
        FROM scim_tokens AS t JOIN organizations AS o ON o.id = t.org_id LEFT JOIN tiers AS tr ON tr.id = o.tier_id
        WHERE t.hash = ?
        """

    public func authenticateScimToken(_ secret: String) async throws -> ScimPrincipal? {
        guard secret.hasPrefix(SecretPrefix.scimToken) else { return nil }
        let hash = SecretToken.hash(secret)
        let now = self.now().millisecondsSince1970
        typealias Found = (
            tokenId: String, prefix: String, hash: String, orgId: String, expiresAt: Int64?, lastUsedAt: Int64?,
            revokedAt: Int64?, status: String, maxUsers: Int?
        )
        let found: Found? = try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: Self.scimAuthenticationSQL), arguments: [hash]).map {
                ($0[0], $0[1], $0[2], $0[3], $0[4], $0[5], $0[6], $0[7], $0[8])
            }
        }
        guard let found, SecretToken.constantTimeEquals(found.hash, hash) else { return nil }
        guard found.revokedAt == nil, found.expiresAt.map({ $0 > now }) ?? true else { return nil }
        let tokenId = found.tokenId
        if found.lastUsedAt.map({ now - $0 >= Self.lastUsedResolution }) ?? true {
            try await write { db in
                try db.execute(
                    sql: "UPDATE scim_tokens SET last_used_at = ? WHERE id = ?", arguments: [now, tokenId])
            }
        }
        let status = OrganizationStatus(rawValue: found.status) ?? .suspended
        return ScimPrincipal(
            tokenId: tokenId, tokenPrefix: found.prefix, orgId: found.orgId, organizationStatus: status,
            maxUsers: found.maxUsers)
    }
}

import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    /// How often `last_used_at` is written at most, so that authentication is not a write per request.
    static let lastUsedResolution: Int64 = 60_000

    public func createAPIKey(userId: String, name: String, actor: Actor) async throws -> CreatedAPIKey {
        try Validation.name(name)
        let now = self.now()
        return try await write { db in
            let user = try Self.requireUser(userId, in: db)
            return try Self.insertAPIKey(for: user, name: name, actor: actor, now: now, in: db)
        }
    }

    /// Creates a key for `user` and records `apikey.created` (its name and prefix, never the secret).
    static func insertAPIKey(for user: UserRecord, name: String, actor: Actor, now: Date, in db: Database) throws
        -> CreatedAPIKey
    {
        let secret = SecretToken.generate(prefix: SecretPrefix.apiKey)
        let key = APIKeyRecord(
            id: Identifier.make(), userId: user.id, name: name,
            prefix: SecretToken.displayPrefix(secret, prefix: SecretPrefix.apiKey), hash: SecretToken.hash(secret),
            createdAt: now.millisecondsSince1970, lastUsedAt: nil)
        try key.insert(db)
        try record(
            EventRecord(
                type: .apiKeyCreated, orgId: nil, targetType: "api_key", targetId: key.id,
                data: ["name": .string(name), "prefix": .string(key.prefix), "user_id": .string(user.id)]),
            actor: actor, now: now, in: db)
        return CreatedAPIKey(key: key.model, secret: secret)
    }

    /// The key with this hash and its user, in one row: the key's columns, then the user's.
    static let authenticationSQL = """
        SELECT \(qualified(APIKeyRecord.columns, "k")), \(qualified(UserRecord.columns, "u"))
        FROM api_keys AS k JOIN users AS u ON u.id = k.user_id WHERE k.hash = ?
        """

    /// The key with this secret and its user: from ``SQLiteDatabase/apiKeys`` while fresh (every admin request
    /// comes here), else read and kept. `last_used_at` is written at most once per ``lastUsedResolution``; that
    /// write changes `api_keys` and so renews the cache.
    public func authenticateAPIKey(secret: String) async throws -> (APIKey, User)? {
        let hash = SecretToken.hash(secret)
        let now = self.now().millisecondsSince1970
        let cache = database.apiKeys
        let entry: APIKeyCache.Entry
        if let cached = cache.entry(hash: hash) {
            entry = cached
        } else {
            let generation = cache.generation
            let found = try readNow { db in
                try SQLiteColumns.fetchOne(db.cachedStatement(sql: Self.authenticationSQL), arguments: [hash]) {
                    APIKeyCache.Entry(key: APIKeyRecord(at: $0), user: UserRecord(at: $0, offset: 7))
                }
            }
            guard let found else {
                cache.forget(hash: hash)
                return nil
            }
            cache.keep(found, hash: hash, generation: generation)
            entry = found
        }
        guard SecretToken.constantTimeEquals(entry.key.hash, hash) else { return nil }
        var key = entry.key
        if key.lastUsedAt.map({ now - $0 >= Self.lastUsedResolution }) ?? true {
            let id = key.id
            try await write { db in
                try db.execute(sql: "UPDATE api_keys SET last_used_at = ? WHERE id = ?", arguments: [now, id])
            }
            key.lastUsedAt = now
        }
        return (key.model, entry.user.model)
    }

    public func listAPIKeys(userId: String?) async throws -> [APIKey] {
        try await read { db in
            if let userId {
                return try APIKeyRecord.fetchAll(
                    db, sql: "SELECT * FROM api_keys WHERE user_id = ? ORDER BY created_at, id", arguments: [userId]
                ).map(\.model)
            }
            return try APIKeyRecord.fetchAll(db, sql: "SELECT * FROM api_keys ORDER BY created_at, id").map(\.model)
        }
    }

    public func revokeAPIKey(id: String, userId: String?, actor: Actor) async throws {
        let now = self.now()
        try await write { db in
            guard let key = try APIKeyRecord.fetchOne(db, key: id), userId == nil || key.userId == userId else {
                throw HeraldError.notFound("API key")
            }
            try key.delete(db)
            try Self.record(
                EventRecord(
                    type: .apiKeyRevoked, orgId: nil, targetType: "api_key", targetId: key.id,
                    data: ["name": .string(key.name), "prefix": .string(key.prefix), "user_id": .string(key.userId)]),
                actor: actor, now: now, in: db)
        }
    }

    public func bootstrapPlatformOwner(email: String) async throws -> CreatedAPIKey? {
        let address = try Validation.email(email)
        let now = self.now()
        return try await write { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") == 0 else { return nil }
            let user = UserRecord(email: address, isPlatformOwner: true, createdAt: now)
            try user.insert(db)
            return try Self.insertAPIKey(for: user, name: "bootstrap", actor: .system, now: now, in: db)
        }
    }
}

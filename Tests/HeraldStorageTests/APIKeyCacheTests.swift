import Foundation
import GRDB
import HeraldCore
import Testing

@testable import HeraldStorage

/// The API key cache answers repeated authentications without a read, and never outlives a change: at once for a
/// change committed by this process, within its lifetime for one made through another connection.
@Suite struct APIKeyCacheTests {
    @Test func changesOfThisProcessTakeEffectOnTheNextRequest() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let (root, rootActor) = try await fixture.platformOwner()
        let (second, _) = try await fixture.platformOwner("second@example.com")
        let key = try await store.createAPIKey(userId: second.id, name: "ci", actor: rootActor)

        // The first use writes `last_used_at`, a change of `api_keys`; the second is kept.
        #expect(try await store.authenticateAPIKey(secret: key.secret)?.1.isPlatformOwner == true)
        #expect(fixture.database.apiKeys.entry(hash: SecretToken.hash(key.secret)) == nil)
        #expect(try await store.authenticateAPIKey(secret: key.secret)?.1.isPlatformOwner == true)
        #expect(fixture.database.apiKeys.entry(hash: SecretToken.hash(key.secret)) != nil)

        try await store.demotePlatformOwner(userId: second.id, actor: rootActor)
        #expect(fixture.database.apiKeys.entry(hash: SecretToken.hash(key.secret)) == nil)
        #expect(try await store.authenticateAPIKey(secret: key.secret)?.1.isPlatformOwner == false)

        _ = try await store.promotePlatformOwner(userId: second.id, actor: rootActor)
        #expect(try await store.authenticateAPIKey(secret: key.secret)?.1.isPlatformOwner == true)

        try await store.revokeAPIKey(id: key.key.id, userId: nil, actor: rootActor)
        #expect(try await store.authenticateAPIKey(secret: key.secret) == nil)
        #expect(root.isPlatformOwner)
    }

    @Test func aReadOlderThanACommitIsNotKept() async throws {
        let fixture = try Fixture()
        let (user, actor) = try await fixture.platformOwner()
        let key = try await fixture.store.createAPIKey(userId: user.id, name: "ci", actor: actor)
        let cache = fixture.database.apiKeys
        let hash = SecretToken.hash(key.secret)
        let read = try await fixture.database.writer.read { db in
            try SQLiteColumns.fetchOne(db.makeStatement(sql: SQLiteStore.authenticationSQL), arguments: [hash]) {
                APIKeyCache.Entry(key: APIKeyRecord(at: $0), user: UserRecord(at: $0, offset: 7))
            }
        }
        let entry = try #require(read)

        let before = cache.generation
        _ = try await fixture.store.ensureUser(email: "new@example.com", actor: .system)  // commits into `users`
        #expect(cache.generation != before)
        cache.keep(entry, hash: hash, generation: before)
        #expect(cache.entry(hash: hash) == nil)

        // A commit that changes neither table leaves the cache as it is.
        cache.keep(entry, hash: hash, generation: cache.generation)
        _ = try await fixture.store.createTier(
            NewTier(id: "basic", displayName: "Basic", maxServices: nil, maxUsers: nil, priceCents: 0), actor: actor)
        #expect(cache.entry(hash: hash)?.user.id == user.id)

        // Nor does a rolled-back change of `users`.
        try? await fixture.database.writer.write { db in
            try db.execute(sql: "UPDATE users SET email = 'x@example.com' WHERE id = ?", arguments: [user.id])
            throw DatabaseError(message: "roll back")
        }
        #expect(cache.entry(hash: hash)?.user.email == user.email)
    }

    @Test func changesThroughAnotherConnectionAreSeenWithinTheLifetime() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-\(Identifier.make()).sqlite")
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path.path + suffix) }
        }
        let daemon = try SQLiteDatabase(path: path.path, synchronous: "NORMAL")
        try daemon.migrate()
        let store = daemon.store()
        let user = try await store.ensureUser(email: "ops@example.com", actor: .system)
        let key = try await store.createAPIKey(userId: user.id, name: "ci", actor: .system)
        #expect(try await store.authenticateAPIKey(secret: key.secret) != nil)
        #expect(try await store.authenticateAPIKey(secret: key.secret) != nil)
        #expect(daemon.apiKeys.entry(hash: SecretToken.hash(key.secret)) != nil)

        // The CLI on the same state directory: its own connection, whose commits this process does not observe.
        let cli = try SQLiteDatabase(path: path.path, synchronous: "NORMAL")
        try await cli.store().revokeAPIKey(id: key.key.id, userId: nil, actor: .system)

        let start = ContinuousClock.now
        while try await store.authenticateAPIKey(secret: key.secret) != nil {
            #expect(ContinuousClock.now - start < APIKeyCache.lifetime + .seconds(2))
            if ContinuousClock.now - start >= APIKeyCache.lifetime + .seconds(2) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(try await store.authenticateAPIKey(secret: key.secret) == nil)
    }
}

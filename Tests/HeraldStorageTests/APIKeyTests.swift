import Foundation
import HeraldCore
import Testing

@testable import HeraldStorage

@Suite struct APIKeyTests {
    @Test func createAuthenticateAndRevoke() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let user = try await store.ensureUser(email: "dev@example.com", actor: .system)
        let actor = Fixture.actor(user)
        let (created, event) = try await fixture.expectOneEvent(.apiKeyCreated) {
            try await store.createAPIKey(userId: user.id, name: "ci", actor: actor)
        }
        #expect(created.secret.hasPrefix("hk_"))
        #expect(created.key.prefix == String(created.secret.prefix(9)))
        #expect(event.targetType == "api_key" && event.targetId == created.key.id && event.orgId == nil)
        #expect(event.data["name"] == "ci")
        #expect(event.data["prefix"] == .string(created.key.prefix))
        #expect(!event.data.values.contains(.string(created.secret)))
        let stored = try await fixture.count("SELECT COUNT(*) FROM api_keys WHERE hash = ?", [created.secret])
        #expect(stored == 0)  // only the hash is stored

        let (key, owner) = try #require(try await store.authenticateAPIKey(secret: created.secret))
        #expect(key.id == created.key.id && owner.id == user.id)
        #expect(key.lastUsedAt == fixture.clock.now.truncatedToMilliseconds)
        #expect(try await store.authenticateAPIKey(secret: created.secret + "x") == nil)
        #expect(try await store.authenticateAPIKey(secret: "hk_unknown") == nil)

        // last_used_at moves at most once a minute.
        fixture.clock.advance(by: 30)
        #expect(try await store.authenticateAPIKey(secret: created.secret)?.0.lastUsedAt == key.lastUsedAt)
        fixture.clock.advance(by: 31)
        let later = try await store.authenticateAPIKey(secret: created.secret)?.0.lastUsedAt
        #expect(later == fixture.clock.now.truncatedToMilliseconds)
        #expect(try await store.listAPIKeys(userId: user.id).first?.lastUsedAt == later)
        #expect(try await fixture.eventCount() == 1)  // authentication records no event

        try await fixture.expectRefusal(.notFound) {
            try await store.createAPIKey(userId: "nobody", name: "x", actor: actor)
        }
        let other = try await store.ensureUser(email: "other@example.com", actor: .system)
        try await fixture.expectRefusal(.notFound) {
            try await store.revokeAPIKey(id: created.key.id, userId: other.id, actor: actor)
        }
        try await fixture.expectRefusal(.notFound) { try await store.revokeAPIKey(id: "x", userId: nil, actor: actor) }
        let (_, revoked) = try await fixture.expectOneEvent(.apiKeyRevoked) {
            try await store.revokeAPIKey(id: created.key.id, userId: user.id, actor: actor)
        }
        #expect(revoked.targetId == created.key.id)
        #expect(try await store.authenticateAPIKey(secret: created.secret) == nil)
        #expect(try await store.listAPIKeys(userId: nil).isEmpty)
    }

    @Test func listAPIKeysOfOneUserOrEveryone() async throws {
        let fixture = try Fixture()
        let a = try await fixture.store.ensureUser(email: "a@example.com", actor: .system)
        let b = try await fixture.store.ensureUser(email: "b@example.com", actor: .system)
        _ = try await fixture.store.createAPIKey(userId: a.id, name: "one", actor: .system)
        fixture.clock.advance(by: 1)
        _ = try await fixture.store.createAPIKey(userId: b.id, name: "two", actor: .system)
        #expect(try await fixture.store.listAPIKeys(userId: a.id).map(\.name) == ["one"])
        #expect(try await fixture.store.listAPIKeys(userId: nil).map(\.name) == ["one", "two"])
        try await fixture.expectRefusal(.invalidField, field: "name") {
            _ = try await fixture.store.createAPIKey(userId: a.id, name: " ", actor: .system)
        }
    }

    @Test func bootstrapOnlyOnAnEmptyStore() async throws {
        let fixture = try Fixture()
        let (created, event) = try await fixture.expectOneEvent(.apiKeyCreated) {
            try await fixture.store.bootstrapPlatformOwner(email: "admin@localhost")
        }
        let bootstrap = try #require(created)
        #expect(bootstrap.key.name == "bootstrap")
        #expect(event.actorEmail == "system")
        let (_, user) = try #require(try await fixture.store.authenticateAPIKey(secret: bootstrap.secret))
        #expect(user.email == "admin@localhost" && user.isPlatformOwner)
        #expect(try await fixture.store.bootstrapPlatformOwner(email: "admin@localhost") == nil)
        #expect(try await fixture.eventCount() == 1)
    }
}

extension Date {
    /// The date as stored (whole milliseconds).
    var truncatedToMilliseconds: Date { Date(millisecondsSince1970: millisecondsSince1970) }
}

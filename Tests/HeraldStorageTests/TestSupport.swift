import Foundation
import GRDB
import HeraldCore
import Synchronization
import Testing

@testable import HeraldStorage

/// A clock that tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_750_000_000)) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// An in-memory, migrated database with a store on a test clock, and a few ready-made principals.
struct Fixture {
    let database: SQLiteDatabase
    let store: SQLiteStore
    let clock: TestClock

    init() throws {
        let database = try SQLiteDatabase.inMemory()
        try database.migrate()
        let clock = TestClock()
        self.database = database
        self.clock = clock
        self.store = SQLiteStore(database: database, now: { clock.now })
    }

    /// A platform owner and the actor for it.
    func platformOwner(_ email: String = "root@example.com") async throws -> (User, Actor) {
        let user = try await store.ensureUser(email: email, actor: .system)
        let promoted = try await store.promotePlatformOwner(userId: user.id, actor: .system)
        return (promoted, Self.actor(promoted))
    }

    static func actor(_ user: User) -> Actor {
        Actor(userId: user.id, email: user.email, ipAddress: "192.0.2.1", userAgent: "tests")
    }

    /// A user, an active organization it owns (on a tier with `maxUsers`), and the owner's actor.
    func organization(
        slug: String = "acme", maxUsers: Int? = nil, ownerEmail: String = "owner@example.com"
    ) async throws -> (Organization, User, Actor) {
        let owner = try await store.ensureUser(email: ownerEmail, actor: .system)
        let actor = Self.actor(owner)
        let tierId = "tier-\(slug)"
        if try await store.tier(id: tierId) == nil {
            _ = try await store.createTier(
                NewTier(id: tierId, displayName: "Tier", maxServices: nil, maxUsers: maxUsers, priceCents: 0),
                actor: .system)
        }
        let organization = try await store.createOrganization(
            slug: slug, name: "Acme \(slug)", owner: owner, autoApproveTierId: tierId, actor: actor)
        return (organization, owner, actor)
    }

    func eventCount() async throws -> Int {
        try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0 }
    }

    func lastEvent() async throws -> Event? {
        try await store.events(after: 0, limit: 1_000_000).last
    }

    func count(_ sql: String, _ arguments: StatementArguments = []) async throws -> Int {
        try await database.writer.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    /// Runs a mutation and checks that it recorded exactly one event, of `type`; returns the result and the event.
    @discardableResult
    func expectOneEvent<T>(
        _ type: EventType, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
    ) async throws -> (T, Event) {
        let before = try await eventCount()
        let result = try await body()
        let after = try await eventCount()
        #expect(after == before + 1, "expected exactly one event", sourceLocation: sourceLocation)
        let event = try #require(try await lastEvent(), sourceLocation: sourceLocation)
        #expect(event.type == type.name, sourceLocation: sourceLocation)
        return (result, event)
    }

    /// Runs a call that must be refused with `code` (and `field` when given) without recording any event.
    func expectRefusal(
        _ code: HeraldError.Code, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> Void
    ) async throws {
        let before = try await eventCount()
        do {
            try await body()
            Issue.record("expected \(code.name), but the call succeeded", sourceLocation: sourceLocation)
        } catch let error as HeraldError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            if let field { #expect(error.field == field, "\(error)", sourceLocation: sourceLocation) }
        } catch {
            Issue.record("expected HeraldError \(code.name), got \(error)", sourceLocation: sourceLocation)
        }
        #expect(try await eventCount() == before, "a refused call recorded an event", sourceLocation: sourceLocation)
    }
}

extension SQLiteDatabase {
    /// Deletes a file database (``temporaryFile()``) with its WAL and shared-memory files.
    func removeFiles() {
        guard let path else { return }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}

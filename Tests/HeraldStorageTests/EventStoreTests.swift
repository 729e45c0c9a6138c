import Foundation
import HeraldCore
import Testing

@testable import HeraldStorage

@Suite struct EventStoreTests {
    private let service = Actor(userId: "svc-user", email: "core@example.com")

    private func login(_ type: String = "auth.login.succeeded", orgId: String? = nil, userId: String? = "u1",
        occurredAt: Date? = nil) -> IngestedEvent
    {
        IngestedEvent(
            type: type, orgId: orgId, userId: userId, email: nil, ipAddress: "203.0.113.9", userAgent: "ua",
            severity: .info, occurredAt: occurredAt, data: ["method": "password"])
    }

    @Test func ingestStoresEveryEventInOrder() async throws {
        let fixture = try Fixture()
        let (organization, _, _) = try await fixture.organization()
        let occurred = Date(timeIntervalSince1970: 1_700_000_000)
        let before = try await fixture.eventCount()
        let ids = try await fixture.store.ingest(
            [login(orgId: organization.id, occurredAt: occurred), login("service.created", orgId: organization.id)],
            actor: service, idempotencyKey: nil)
        #expect(ids.count == 2 && Set(ids).count == 2)
        let events = try await fixture.store.events(after: 0, limit: 100)
        #expect(events.count == before + 2)
        let stored = Array(events.suffix(2))
        #expect(stored.map(\.id) == ids)
        #expect(stored[0].type == "auth.login.succeeded" && stored[0].orgId == organization.id)
        #expect(stored[0].occurredAt == occurred && stored[0].userId == "u1" && stored[0].ipAddress == "203.0.113.9")
        #expect(stored[0].actorId == "svc-user" && stored[0].data["method"] == "password")
        #expect(stored[1].occurredAt == fixture.clock.now.truncatedToMilliseconds)
        #expect(stored[0].sequence < stored[1].sequence)
        let after = try await fixture.store.events(after: stored[0].sequence, limit: 10)
        #expect(after.map(\.id) == [ids[1]])
        #expect(try await fixture.store.events(after: 0, limit: 1).count == 1)
    }

    /// A row inserted through the hand-written column list reads back whole by column name (`init(row:)`), and
    /// SQLite assigns `seq`.
    @Test func insertedRowsHaveEveryColumn() async throws {
        let fixture = try Fixture()
        let row = EventRow(
            seq: nil, id: "evt-1", type: "audit.example", orgId: "org-1", actorId: "a-1", actorEmail: "a@example.com",
            targetType: "user", targetId: "t-1", userId: "u-1", email: "u@example.com", ipAddress: "192.0.2.7",
            userAgent: "agent", severity: "high", data: #"{"k":"v"}"#, occurredAt: 1_700_000_000_123,
            createdAt: 1_700_000_000_456)
        let read = try await fixture.database.writer.write { db -> EventRow? in
            try row.insert(db)
            return try EventRow.fetchOne(db, sql: "SELECT * FROM events WHERE id = 'evt-1'")
        }
        let stored = try #require(read)
        #expect(stored.seq != nil)
        var expected = row
        expected.seq = stored.seq
        #expect(stored.model == expected.model)
        #expect(stored.data == row.data && stored.severity == "high")
    }

    @Test func idempotentIngestReturnsTheFirstAnswerFor24Hours() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let first = try await store.ingest([login(), login()], actor: service, idempotencyKey: "k1")
        let repeated = try await store.ingest([login()], actor: service, idempotencyKey: "k1")
        #expect(repeated == first)
        #expect(try await fixture.eventCount() == 2)
        // Another caller's key is its own.
        let other = Actor(userId: "other-svc", email: nil)
        let otherIds = try await store.ingest([login()], actor: other, idempotencyKey: "k1")
        #expect(otherIds != first && otherIds.count == 1)
        // After 24 h the key is forgotten.
        fixture.clock.advance(by: 24 * 3600 + 1)
        let later = try await store.ingest([login()], actor: service, idempotencyKey: "k1")
        #expect(later.count == 1 && later != first)
        #expect(try await store.ingest([login()], actor: service, idempotencyKey: "k1") == later)
        #expect(try await fixture.eventCount() == 4)
    }

    @Test func ingestRefusesUnknownOrganizationsAtomically() async throws {
        let fixture = try Fixture()
        let (organization, _, _) = try await fixture.organization()
        try await fixture.expectRefusal(.invalidField, field: "events[1].org_id") {
            _ = try await fixture.store.ingest(
                [login(orgId: organization.id), login(orgId: "ghost")], actor: service, idempotencyKey: "k")
        }
        try await fixture.expectRefusal(.unknownEventType, field: "events[0].type") {
            _ = try await fixture.store.ingest([login("organization.created")], actor: service, idempotencyKey: nil)
        }
        #expect(try await fixture.count("SELECT COUNT(*) FROM idempotency_keys") == 0)
    }

    @Test func auditLogFilters() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let (root, rootActor) = try await fixture.platformOwner()
        let start = fixture.clock.now
        fixture.clock.advance(by: 10)
        let (organization, owner, ownerActor) = try await fixture.organization()
        fixture.clock.advance(by: 10)
        let member = try await store.addMember(
            orgId: organization.id, email: "m@example.com", role: .member, actor: ownerActor)
        fixture.clock.advance(by: 10)
        _ = try await store.transitionOrganization(
            id: organization.id, .suspend, tierId: nil, reason: nil, actor: rootActor)
        _ = try await store.ingest(
            [login(orgId: organization.id), login("risk.impossible_travel", orgId: organization.id),
             login("audit.settings_changed", orgId: organization.id)],
            actor: service, idempotencyKey: nil)

        let all = try await store.auditLog(AuditQuery())
        // platform.owner_promoted, tier.created, organization.created, member.added, organization.suspended, audit.*
        #expect(all.map(\.type) == [
            "audit.settings_changed", "organization.suspended", "member.added", "organization.created", "tier.created",
            "platform.owner_promoted",
        ])
        #expect(try await store.auditLog(AuditQuery(action: "member.added")).map(\.targetId) == [member.userId])
        #expect(try await store.auditLog(AuditQuery(actorId: root.id)).map(\.type) == ["organization.suspended"])
        #expect(try await store.auditLog(AuditQuery(actorId: owner.id)).count == 2)
        #expect(try await store.auditLog(AuditQuery(targetType: "user", targetId: member.userId)).count == 1)
        #expect(try await store.auditLog(AuditQuery(targetType: "organization")).count == 2)
        let scoped = try await store.auditLog(AuditQuery(orgId: organization.id))
        #expect(scoped.map(\.type) == ["audit.settings_changed", "organization.suspended", "member.added",
            "organization.created"])
        let windowed = try await store.auditLog(
            AuditQuery(startDate: start.addingTimeInterval(15), endDate: start.addingTimeInterval(25)))
        #expect(windowed.map(\.type) == ["member.added"])
        let paged = try await store.auditLog(AuditQuery(page: 2, limit: 2))
        #expect(paged.map(\.type) == ["member.added", "organization.created"])
        #expect(try await store.auditLog(AuditQuery(action: "auth.login.succeeded")).isEmpty)
    }
}

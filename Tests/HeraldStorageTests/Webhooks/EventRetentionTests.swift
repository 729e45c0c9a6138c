import Foundation
import GRDB
import HeraldCore
import Testing

@testable import HeraldStorage

/// Retention of events: only what is old enough, what the fan-out has read and what no pending delivery refers to.
@Suite struct EventRetentionTests {
    func eventIds(_ fixture: WebhookFixture) async throws -> [String] {
        try await fixture.database.writer.read { db in try String.fetchAll(db, sql: "SELECT id FROM events ORDER BY seq") }
    }

    @Test func oldEventsGoOnceTheFanOutPassedThemAndNoPendingDeliveryNeedsThem() async throws {
        let fixture = try WebhookFixture()
        let (organization, actor) = try await fixture.organization("acme")
        _ = try await fixture.endpoint(organization.id, actor, eventTypes: ["audit.*"])
        let delivered = try await fixture.ingest(["audit.a", "audit.b"], orgId: organization.id)
        #expect(try await fixture.drain() == 2)
        let setup = try await eventIds(fixture).filter { !delivered.contains($0) }
        #expect(!setup.isEmpty, "the organization and endpoint made events of their own")

        fixture.clock.advance(by: 2 * 86_400)
        let unread = try await fixture.ingest(["audit.c"], orgId: organization.id)
        let cutoff = fixture.clock.now.addingTimeInterval(-86_400)
        // The setup events go; the two still wait for their deliveries; the new one is neither old nor read.
        #expect(try await fixture.store.pruneEvents(recordedBefore: cutoff, limit: 1_000) == setup.count)
        #expect(try await eventIds(fixture) == delivered + unread)

        for lease in try await fixture.jobs.claim(limit: 10, owner: "w", leaseDuration: .seconds(60), now: fixture.clock.now) {
            let now = fixture.clock.now
            #expect(try await fixture.jobs.ack(lease, attempt: JobAttempt(lease, startedAt: now, now: now, outcome: .success)))
        }
        #expect(try await fixture.store.pruneEvents(recordedBefore: cutoff, limit: 1) == 1, "the limit bounds one call")
        #expect(try await fixture.store.pruneEvents(recordedBefore: cutoff, limit: 1_000) == 1)
        #expect(try await eventIds(fixture) == unread)
        // The delivery log keeps its records (they carry the event's id and type themselves).
        #expect(try await fixture.deliveryPairs().map(\.event) == delivered)
    }

    @Test func nothingAfterTheFanOutCursorGoesHoweverOld() async throws {
        let fixture = try WebhookFixture()
        let (organization, _) = try await fixture.organization("acme")
        try await fixture.ingest(["audit.a"], orgId: organization.id)
        fixture.clock.advance(by: 10 * 86_400)
        #expect(try await fixture.store.pruneEvents(recordedBefore: fixture.clock.now, limit: 1_000) == 0)
        try await fixture.drain()
        #expect(try await fixture.store.pruneEvents(recordedBefore: fixture.clock.now, limit: 1_000) > 0)
        #expect(try await eventIds(fixture).isEmpty)
    }

    @Test func idempotencyKeysPastTheirWindowAreDeleted() async throws {
        let fixture = try WebhookFixture()
        let (organization, _) = try await fixture.organization("acme")
        let event = IngestedEvent(
            type: "auth.login.succeeded", orgId: organization.id, userId: "u1", email: nil, ipAddress: nil,
            userAgent: nil, severity: .info, occurredAt: nil, data: [:])
        _ = try await fixture.store.ingest([event], actor: .system, idempotencyKey: "k1")
        let keys = { try await fixture.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM idempotency_keys") } }
        fixture.clock.advance(by: 3600)
        _ = try await fixture.store.pruneEvents(recordedBefore: fixture.clock.now.addingTimeInterval(-86_400), limit: 10)
        #expect(try await keys() == 1, "a key inside its 24 h window stays")
        fixture.clock.advance(by: 86_400)
        _ = try await fixture.store.pruneEvents(recordedBefore: fixture.clock.now.addingTimeInterval(-86_400), limit: 10)
        #expect(try await keys() == 0)
    }
}

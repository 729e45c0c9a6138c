import Foundation
import GRDB
import HeraldCore
import Testing

@testable import HeraldStorage

/// The SIEM store: scopes, sealed credentials, the cursor and its generation, flush scheduling, dead letters.
@Suite struct SiemStoreTests {
    static func new(
        provider: String = "http", credentials: [String: String] = ["token": "s3cret-token"],
        eventTypes: [String] = [], minSeverity: Severity = .info
    ) -> NewSiemIntegration {
        NewSiemIntegration(
            provider: provider, name: "Splunk", endpoint: "https://siem.example", credentials: credentials,
            eventTypes: eventTypes, minSeverity: minSeverity, schema: .native, options: [:], enabled: true)
    }

    static func ingest(_ store: SQLiteStore, orgId: String?, _ types: [String], severity: Severity = .info)
        async throws
    {
        let events = types.map {
            IngestedEvent(
                type: $0, orgId: orgId, userId: "u1", email: "u@example.com", ipAddress: "198.51.100.7",
                userAgent: "ua", severity: severity, occurredAt: nil, data: ["k": "v"])
        }
        _ = try await store.ingest(events, actor: .system, idempotencyKey: nil)
    }

    @Test func createStartsAtTheHeadOfItsScopeAndSealsCredentials() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        try await Self.ingest(fixture.store, orgId: acme.id, ["auth.login.succeeded", "auth.login.failed"])
        let integration = try await fixture.store.createSiemIntegration(orgId: acme.id, Self.new(), actor: actor)
        #expect(integration.credentialNames == ["token"])
        #expect(integration.status == .active)
        // Only the creation event (after the cursor) is behind.
        #expect(try await fixture.store.siemLag(integrationId: integration.id).events == 1)
        let sealed = try await fixture.database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT credentials_sealed FROM siem_integrations")
        }
        #expect(sealed?.contains("s3cret") == false)
        #expect(try await fixture.store.siemCredentials(integrationId: integration.id) == ["token": "s3cret-token"])
        let recorded = try await fixture.base.lastEvent()
        #expect(recorded?.type == "siem.integration.created")
        #expect(recorded.map { "\($0.data)".contains("s3cret") } == false)
    }

    @Test func scopesAreIsolated() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        let (globex, _) = try await fixture.organization("globex")
        let mine = try await fixture.store.createSiemIntegration(orgId: acme.id, Self.new(), actor: actor)
        let platform = try await fixture.store.createSiemIntegration(orgId: nil, Self.new(), actor: .system)
        #expect(try await fixture.store.siemIntegrations(orgId: acme.id).map(\.id) == [mine.id])
        #expect(try await fixture.store.siemIntegrations(orgId: nil).map(\.id) == [platform.id])
        #expect(try await fixture.store.siemIntegrations(orgId: globex.id).isEmpty)
        await #expect(throws: HeraldError.self) { try await fixture.store.siemIntegration(orgId: globex.id, id: mine.id) }
        await #expect(throws: HeraldError.self) { try await fixture.store.siemIntegration(orgId: nil, id: mine.id) }
        await #expect(throws: HeraldError.self) {
            try await fixture.store.deleteSiemIntegration(orgId: acme.id, id: platform.id, actor: actor)
        }
        // An organization's integration reads only its events; the platform's reads every event.
        try await Self.ingest(fixture.store, orgId: globex.id, ["auth.login.succeeded"])
        try await Self.ingest(fixture.store, orgId: acme.id, ["auth.logout"])
        let acmeStored = try await fixture.store.siemEvents(orgId: acme.id, after: mine.cursor, limit: 100)
        let acmeEvents = acmeStored.map(\.columns)
        #expect(acmeEvents.allSatisfy { $0.orgId == acme.id })
        #expect(acmeEvents.map(\.type).contains("auth.logout"))
        // The data comes as stored: compact JSON with sorted keys, empty in the columns, whole once parsed.
        let logout = try #require(acmeStored.first { $0.columns.type == "auth.logout" })
        #expect(String(decoding: logout.dataJSON, as: UTF8.self) == #"{"k":"v"}"#)
        #expect(logout.spliceableData == logout.dataJSON)
        #expect(logout.columns.data.isEmpty)
        #expect(logout.parsed().data == ["k": "v"])
        let all = try await fixture.store.siemEvents(orgId: nil, after: platform.cursor, limit: 100).map(\.columns)
        #expect(Set(all.compactMap(\.orgId)) == [acme.id, globex.id])
    }

    @Test("the forwarder's page read decodes every column as the events read does, data as stored")
    func forwardingReadMatchesTheEventsRead() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        let integration = try await fixture.store.createSiemIntegration(orgId: acme.id, Self.new(), actor: actor)
        let ingested = [
            IngestedEvent(
                type: "risk.flagged", orgId: acme.id, userId: "u\"1", email: "zoë@example.com", ipAddress: "2001:db8::7",
                userAgent: "Mozilla/5.0 \u{1F600}", severity: .critical, occurredAt: Date(timeIntervalSince1970: 1_796_134_304.123),
                data: ["nested": ["b": 1, "a": [true, .null, "x\ny"]], "é": "ü"]),
            IngestedEvent(
                type: "auth.logout", orgId: acme.id, userId: nil, email: nil, ipAddress: nil, userAgent: nil,
                severity: .low, occurredAt: nil, data: [:]),
        ]
        _ = try await fixture.store.ingest(ingested, actor: .system, idempotencyKey: nil)
        let stored = try await fixture.store.siemEvents(orgId: acme.id, after: integration.cursor, limit: 100)
        let read = try await fixture.store.events(after: integration.cursor, limit: 100).filter { $0.orgId == acme.id }
        try #require(stored.count == 3)  // the integration's creation event, then the two ingested
        #expect(stored.map { $0.parsed() } == read)
        #expect(stored.allSatisfy { $0.columns.data.isEmpty })
        #expect(stored.dropFirst().map { String(decoding: $0.dataJSON, as: UTF8.self) } == [
            #"{"nested":{"a":[true,null,"x\ny"],"b":1},"é":"ü"}"#, "{}",
        ])
        // A page limit is a limit; the page after the last event is empty.
        #expect(try await fixture.store.siemEvents(orgId: acme.id, after: integration.cursor, limit: 1).count == 1)
        #expect(try await fixture.store.siemEvents(orgId: acme.id, after: read[2].sequence, limit: 100).isEmpty)
    }

    @Test func cursorMovesOnlyForwardAndOnlyInItsGeneration() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        let integration = try await fixture.store.createSiemIntegration(orgId: acme.id, Self.new(), actor: actor)
        try await Self.ingest(fixture.store, orgId: acme.id, ["auth.login.succeeded", "auth.login.failed", "auth.logout"])
        let events = try await fixture.store.siemEvents(orgId: acme.id, after: integration.cursor, limit: 100)
            .map(\.columns)
        guard let (_, generation) = try await fixture.store.siemIntegrationForDelivery(id: integration.id) else {
            Issue.record("no integration")
            return
        }
        let letter = SiemDeadLetter(
            eventSequence: events[1].sequence, eventId: events[1].id, eventType: events[1].type, reason: "too large",
            createdAt: fixture.clock.now)
        #expect(
            try await fixture.store.advanceSiemCursor(
                integrationId: integration.id, generation: generation, to: events[2].sequence, deadLetters: [letter],
                at: fixture.clock.now))
        var current = try await fixture.store.siemIntegration(orgId: acme.id, id: integration.id)
        #expect(current.cursor == events[2].sequence)
        #expect(current.droppedEvents == 1)
        #expect(current.lastSuccessAt != nil)
        #expect(try await fixture.store.siemDeadLetters(orgId: acme.id, integrationId: integration.id, limit: 10).map(\.eventId) == [events[1].id])
        // A replay back to the start bumps the generation: a flush that read before it cannot move the cursor.
        let behind = try await fixture.store.replaySiemIntegration(
            orgId: acme.id, id: integration.id, since: Date(timeIntervalSince1970: 0), actor: actor)
        #expect(behind > 3)
        #expect(
            try await fixture.store.advanceSiemCursor(
                integrationId: integration.id, generation: generation, to: events[2].sequence + 1, deadLetters: [],
                at: fixture.clock.now) == false)
        current = try await fixture.store.siemIntegration(orgId: acme.id, id: integration.id)
        #expect(current.cursor < events[0].sequence)
        // Never backwards within a generation.
        guard let (_, fresh) = try await fixture.store.siemIntegrationForDelivery(id: integration.id) else { return }
        #expect(
            try await fixture.store.advanceSiemCursor(
                integrationId: integration.id, generation: fresh, to: events[2].sequence, deadLetters: [],
                at: fixture.clock.now))
        #expect(
            try await fixture.store.advanceSiemCursor(
                integrationId: integration.id, generation: fresh, to: events[0].sequence, deadLetters: [],
                at: fixture.clock.now))
        #expect(try await fixture.store.siemIntegration(orgId: acme.id, id: integration.id).cursor == events[2].sequence)
    }

    @Test func flushesAreScheduledOncePerIntegrationWithEventsBehind() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        let integration = try await fixture.store.createSiemIntegration(orgId: acme.id, Self.new(), actor: actor)
        let runAt = fixture.clock.now.addingTimeInterval(0.2)
        #expect(try await fixture.store.scheduleSiemFlushes(runAt: runAt, maxAttempts: 5) == 1)
        // A pending flush holds the key: nothing more, however many events come.
        try await Self.ingest(fixture.store, orgId: acme.id, ["auth.login.succeeded"])
        #expect(try await fixture.store.scheduleSiemFlushes(runAt: runAt, maxAttempts: 5) == 0)
        let job = try #require(try await fixture.jobs.list(JobFilter(kind: .siemFlush, orgId: acme.id), page: 1, limit: 10).jobs.first)
        #expect(job.destination == integration.id)
        #expect(job.uniqueKey == "siem.flush:\(integration.id)")
        // Paused: none scheduled; stopped by the destination: none either.
        _ = try await fixture.store.updateSiemIntegration(
            orgId: acme.id, id: integration.id, SiemIntegrationPatch(enabled: false), actor: actor)
        try await fixture.database.writer.write { db in try db.execute(sql: "DELETE FROM jobs") }
        #expect(try await fixture.store.scheduleSiemFlushes(runAt: runAt, maxAttempts: 5) == 0)
        #expect(try await fixture.store.siemIntegration(orgId: acme.id, id: integration.id).status == .paused)
        _ = try await fixture.store.updateSiemIntegration(
            orgId: acme.id, id: integration.id, SiemIntegrationPatch(enabled: true), actor: actor)
        try await fixture.store.recordSiemFailure(
            integrationId: integration.id, error: "HTTP 403 (code 4: Invalid token)", disable: true, at: fixture.clock.now)
        let stopped = try await fixture.store.siemIntegration(orgId: acme.id, id: integration.id)
        #expect(stopped.status == .error)
        #expect(stopped.disabledReason == "HTTP 403 (code 4: Invalid token)")
        #expect(try await fixture.base.lastEvent()?.type == "siem.integration.error")
        #expect(try await fixture.store.scheduleSiemFlushes(runAt: runAt, maxAttempts: 5) == 0)
        // New credentials are a fresh start.
        let restarted = try await fixture.store.updateSiemIntegration(
            orgId: acme.id, id: integration.id, SiemIntegrationPatch(credentials: ["token": "new"]), actor: actor)
        #expect(restarted.disabledReason == nil)
        #expect(try await fixture.store.siemCredentials(integrationId: integration.id) == ["token": "new"])
        #expect(try await fixture.store.scheduleSiemFlushes(runAt: runAt, maxAttempts: 5) == 1)
    }

    @Test func deletingTheOrganizationDeletesItsIntegrations() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        _ = try await fixture.store.createSiemIntegration(orgId: acme.id, Self.new(), actor: actor)
        _ = try await fixture.store.scheduleSiemFlushes(runAt: fixture.clock.now, maxAttempts: 5)
        try await fixture.store.deleteOrganization(id: acme.id, actor: actor)
        #expect(try await fixture.base.count("SELECT COUNT(*) FROM siem_integrations") == 0)
        #expect(try await fixture.base.count("SELECT COUNT(*) FROM jobs WHERE kind = 'siem.flush'") == 0)
    }

    @Test func riskEventsAreTheOrganizationsOwn() async throws {
        let fixture = try WebhookFixture()
        let (acme, _) = try await fixture.organization("acme")
        let (globex, _) = try await fixture.organization("globex")
        try await Self.ingest(fixture.store, orgId: acme.id, ["risk.impossible_travel"], severity: .high)
        try await Self.ingest(fixture.store, orgId: acme.id, ["risk.suspicious_activity", "auth.login.failed"])
        try await Self.ingest(fixture.store, orgId: globex.id, ["risk.impossible_travel"], severity: .high)
        let all = try await fixture.store.riskEvents(orgId: acme.id, severity: nil, type: nil, since: nil, limit: 10)
        #expect(all.map(\.type) == ["risk.suspicious_activity", "risk.impossible_travel"])
        #expect(all.allSatisfy { $0.orgId == acme.id })
        let high = try await fixture.store.riskEvents(orgId: acme.id, severity: .high, type: nil, since: nil, limit: 10)
        #expect(high.map(\.type) == ["risk.impossible_travel"])
        let typed = try await fixture.store.riskEvents(
            orgId: acme.id, severity: nil, type: "risk.suspicious_activity", since: nil, limit: 10)
        #expect(typed.count == 1)
        let later = try await fixture.store.riskEvents(
            orgId: acme.id, severity: nil, type: nil, since: fixture.clock.now.addingTimeInterval(60), limit: 10)
        #expect(later.isEmpty)
    }

    @Test func retentionKeepsWhatAnIntegrationHasNotForwarded() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        let integration = try await fixture.store.createSiemIntegration(orgId: acme.id, Self.new(), actor: actor)
        try await Self.ingest(fixture.store, orgId: acme.id, ["auth.login.succeeded", "auth.logout"])
        // Move the webhook cursor past everything so that only the integration holds events back.
        try await fixture.database.writer.write { db in
            try db.execute(sql: "UPDATE cursors SET position = (SELECT MAX(seq) FROM events)")
        }
        let before = try await fixture.base.eventCount()
        fixture.clock.advance(by: 86_400)
        _ = try await fixture.store.pruneEvents(recordedBefore: fixture.clock.now, limit: 10_000)
        let kept = try await fixture.store.siemEvents(orgId: acme.id, after: integration.cursor, limit: 100)
        #expect(kept.count == 3)  // the creation event and the two ingested
        #expect(try await fixture.base.eventCount() < before)
    }
}

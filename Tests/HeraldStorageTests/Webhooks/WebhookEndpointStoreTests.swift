import Foundation
import GRDB
import HeraldCore
import Testing

@testable import HeraldStorage

@Suite struct WebhookEndpointStoreTests {
    @Test func createListGetUpdateDeleteRecordOneEventEach() async throws {
        let fixture = try WebhookFixture()
        let (org, actor) = try await fixture.organization("acme")
        let ((created, secret), createdEvent) = try await fixture.base.expectOneEvent(.webhookEndpointCreated) {
            try await fixture.store.createEndpoint(
                orgId: org.id,
                NewWebhookEndpoint(
                    url: "https://hooks.acme.example/a", description: "main", eventTypes: ["member.*"],
                    rateLimitPerSecond: 10, ordered: true, headers: ["x-team": "ops"]),
                actor: actor)
        }
        #expect(secret.hasPrefix("whsec_"))
        #expect(try WebhookSecret(parsing: secret).bytes.count == 32)
        #expect(created.orgId == org.id && created.enabled && created.signing == .v1)
        #expect(created.eventTypes == ["member.*"] && created.headers == ["x-team": "ops"])
        #expect(created.rateLimitPerSecond == 10 && created.ordered && created.description == "main")
        #expect(createdEvent.orgId == org.id && createdEvent.targetType == "webhook_endpoint")
        #expect(createdEvent.targetId == created.id && createdEvent.actorId == actor.userId)
        #expect(createdEvent.data["url"] == .string("https://hooks.acme.example/a"))
        #expect(createdEvent.data["event_types"] == .array(["member.*"]))
        #expect(!createdEvent.data.values.contains(.string(secret)))

        fixture.clock.advance(by: 1)
        let (second, _) = try await fixture.endpoint(org.id, actor)
        #expect(try await fixture.store.endpoints(orgId: org.id).map(\.id) == [second.id, created.id])
        #expect(try await fixture.store.endpoint(orgId: org.id, id: created.id) == created)

        let (updated, updatedEvent) = try await fixture.base.expectOneEvent(.webhookEndpointUpdated) {
            try await fixture.store.updateEndpoint(
                orgId: org.id, id: created.id,
                WebhookEndpointPatch(url: "https://hooks.acme.example/b", description: .some(nil), eventTypes: []),
                actor: actor)
        }
        #expect(updated.url == "https://hooks.acme.example/b" && updated.description == nil && updated.eventTypes == [])
        #expect(updated.rateLimitPerSecond == 10 && updated.ordered)
        #expect(updatedEvent.data["changed"] == .array(["url", "description", "event_types"]))
        #expect(try await fixture.store.endpoint(orgId: org.id, id: created.id) == updated)

        let (disabled, _) = try await fixture.base.expectOneEvent(.webhookEndpointDisabled) {
            try await fixture.store.updateEndpoint(
                orgId: org.id, id: created.id, WebhookEndpointPatch(enabled: false), actor: actor)
        }
        #expect(!disabled.enabled)
        let (enabled, _) = try await fixture.base.expectOneEvent(.webhookEndpointEnabled) {
            try await fixture.store.updateEndpoint(
                orgId: org.id, id: created.id, WebhookEndpointPatch(enabled: true, ordered: false), actor: actor)
        }
        #expect(enabled.enabled && !enabled.ordered)
        // Enabling an endpoint that is enabled is an ordinary update.
        try await fixture.base.expectOneEvent(.webhookEndpointUpdated) {
            try await fixture.store.updateEndpoint(
                orgId: org.id, id: created.id, WebhookEndpointPatch(enabled: true), actor: actor)
        }

        let (_, deletedEvent) = try await fixture.base.expectOneEvent(.webhookEndpointDeleted) {
            try await fixture.store.deleteEndpoint(orgId: org.id, id: created.id, actor: actor)
        }
        #expect(deletedEvent.targetId == created.id)
        try await fixture.base.expectRefusal(.notFound) {
            _ = try await fixture.store.endpoint(orgId: org.id, id: created.id)
        }
        #expect(try await fixture.store.endpoints(orgId: org.id).map(\.id) == [second.id])
        #expect(try await fixture.store.endpointForDelivery(id: created.id) == nil)
        #expect(try await fixture.store.endpointForDelivery(id: second.id)?.id == second.id)
        #expect(try await fixture.store.organizationStatus(orgId: org.id) == .active)
        #expect(try await fixture.store.organizationStatus(orgId: "nope") == nil)
    }

    @Test func secretIsSealedAtRestAndRevealed() async throws {
        let fixture = try WebhookFixture()
        let (org, actor) = try await fixture.organization("acme")
        let (endpoint, secret) = try await fixture.endpoint(org.id, actor)
        let sealed = try await fixture.database.writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT secret_sealed FROM webhook_endpoints WHERE id = ?", arguments: [endpoint.id])
        }
        let column = try #require(sealed)
        #expect(column.hasPrefix("v1:"))
        #expect(!column.contains(secret) && !column.contains(String(secret.dropFirst("whsec_".count))))
        // No event, no other column holds the secret either.
        let dump = try await fixture.database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT data FROM events")
                + String.fetchAll(db, sql: "SELECT url || headers FROM webhook_endpoints")
        }
        #expect(!dump.contains { $0.contains(String(secret.dropFirst("whsec_".count))) })
        #expect(try await fixture.store.revealSecret(orgId: org.id, id: endpoint.id) == secret)
        #expect(try await fixture.store.signingKeys(endpointId: endpoint.id).current.text == secret)
        // The sealed value is bound to its endpoint: copied to another row, it does not open.
        let (other, _) = try await fixture.endpoint(org.id, actor)
        try await fixture.database.writer.write { db in
            try db.execute(
                sql: "UPDATE webhook_endpoints SET secret_sealed = ? WHERE id = ?", arguments: [column, other.id])
        }
        await #expect(throws: HeraldError.self) { try await fixture.store.revealSecret(orgId: org.id, id: other.id) }
    }

    @Test func withoutASealerCreatingIsAnInternalError() async throws {
        let fixture = try WebhookFixture()
        let (org, actor) = try await fixture.organization("acme")
        try await fixture.base.expectRefusal(.internalError) {
            _ = try await fixture.base.store.createEndpoint(
                orgId: org.id, NewWebhookEndpoint(url: "https://hooks.example/x"), actor: actor)
        }
    }

    @Test func unknownOrganizationIsNotFound() async throws {
        let fixture = try WebhookFixture()
        let (_, actor) = try await fixture.organization("acme")
        try await fixture.base.expectRefusal(.notFound) {
            _ = try await fixture.endpoint("no-such-org", actor)
        }
    }

    @Test func rotationSignsWithBothKeysDuringTheGracePeriodOnly() async throws {
        let fixture = try WebhookFixture()
        let (org, actor) = try await fixture.organization("acme")
        let (endpoint, original) = try await fixture.endpoint(org.id, actor)
        let (rotated, event) = try await fixture.base.expectOneEvent(.webhookEndpointUpdated) {
            try await fixture.store.rotateSecret(
                orgId: org.id, id: endpoint.id, gracePeriod: .seconds(3600), actor: actor)
        }
        #expect(event.data["rotated"] == .bool(true))
        #expect(rotated != original && rotated.hasPrefix("whsec_"))
        #expect(try await fixture.store.revealSecret(orgId: org.id, id: endpoint.id) == rotated)

        let during = try await fixture.store.signingKeys(endpointId: endpoint.id)
        #expect(during.current.text == rotated && during.previous?.text == original)
        #expect(during.previousValidUntil == fixture.clock.now.addingTimeInterval(3600))
        #expect(during.activeKeys(at: fixture.clock.now).map(\.text) == [rotated, original])

        fixture.clock.advance(by: 3601)
        let after = try await fixture.store.signingKeys(endpointId: endpoint.id)
        #expect(after.current.text == rotated && after.previous == nil)
        #expect(after.activeKeys(at: fixture.clock.now).map(\.text) == [rotated])

        // A second rotation keeps only the key it replaces.
        let third = try await fixture.store.rotateSecret(
            orgId: org.id, id: endpoint.id, gracePeriod: .seconds(60), actor: actor)
        let keys = try await fixture.store.signingKeys(endpointId: endpoint.id)
        #expect(keys.activeKeys(at: fixture.clock.now).map(\.text) == [third, rotated])
    }

    @Test func v1aEndpointsHaveAnEd25519KeyPair() async throws {
        let fixture = try WebhookFixture()
        let (org, actor) = try await fixture.organization("acme")
        let (endpoint, key) = try await fixture.endpoint(org.id, actor, signing: .v1a)
        #expect(endpoint.signing == .v1a && key.hasPrefix("whsk_"))
        let parsed = try WebhookSigningKey(parsing: key)
        let keys = try await fixture.store.signingKeys(endpointId: endpoint.id)
        guard case .asymmetric(let current) = keys.current else {
            Issue.record("a v1a endpoint signs with an Ed25519 key")
            return
        }
        #expect(current.publicKey == parsed.publicKey)
        #expect(keys.current.version == "v1a")
        let rotated = try await fixture.store.rotateSecret(
            orgId: org.id, id: endpoint.id, gracePeriod: .seconds(60), actor: actor)
        #expect(rotated.hasPrefix("whsk_"))
        let after = try await fixture.store.signingKeys(endpointId: endpoint.id)
        #expect(after.activeKeys(at: fixture.clock.now).map(\.version) == ["v1a", "v1a"])
    }

    @Test func anotherOrganizationsEndpointIsNotFound() async throws {
        let fixture = try WebhookFixture()
        let (acme, acmeActor) = try await fixture.organization("acme")
        let (globex, globexActor) = try await fixture.organization("globex")
        let (endpoint, _) = try await fixture.endpoint(acme.id, acmeActor)
        let (globexEndpoint, _) = try await fixture.endpoint(globex.id, globexActor)
        try await fixture.ingest(["auth.logout"], orgId: acme.id)
        try await fixture.drain()
        let delivery = try #require(
            try await fixture.store.deliveries(orgId: acme.id, endpointId: endpoint.id, status: nil, page: 1, limit: 10)
                .items.first)
        let store = fixture.store
        let calls: [@Sendable () async throws -> Void] = [
            { _ = try await store.endpoint(orgId: globex.id, id: endpoint.id) },
            {
                _ = try await store.updateEndpoint(
                    orgId: globex.id, id: endpoint.id, WebhookEndpointPatch(url: "https://x.example"),
                    actor: globexActor)
            },
            { try await store.deleteEndpoint(orgId: globex.id, id: endpoint.id, actor: globexActor) },
            {
                _ = try await store.rotateSecret(
                    orgId: globex.id, id: endpoint.id, gracePeriod: .seconds(1), actor: globexActor)
            },
            { _ = try await store.revealSecret(orgId: globex.id, id: endpoint.id) },
            {
                _ = try await store.deliveries(
                    orgId: globex.id, endpointId: endpoint.id, status: nil, page: 1, limit: 10)
            },
            { _ = try await store.delivery(orgId: globex.id, endpointId: endpoint.id, id: delivery.id) },
            { _ = try await store.delivery(orgId: globex.id, endpointId: globexEndpoint.id, id: delivery.id) },
            { _ = try await store.delivery(orgId: acme.id, endpointId: endpoint.id, id: 999_999) },
            {
                _ = try await store.resend(
                    orgId: globex.id, endpointId: globexEndpoint.id, deliveryId: delivery.id, actor: globexActor)
            },
            {
                _ = try await store.replay(
                    orgId: globex.id, endpointId: endpoint.id, since: .distantPast, actor: globexActor)
            },
            { _ = try await store.enqueueTestPing(orgId: globex.id, endpointId: endpoint.id) },
        ]
        for call in calls {
            try await fixture.base.expectRefusal(.notFound) { try await call() }
        }
        #expect(try await fixture.store.endpoint(orgId: acme.id, id: endpoint.id).url == endpoint.url)
    }
}

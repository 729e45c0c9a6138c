import Foundation
import HeraldCore
import HeraldDelivery
import Testing

/// `_bulk` against a real OpenSearch-compatible server (`osmem-server`): documents land with the event id as
/// `_id`; a replay sends the same `create` actions, the server answers 409 for each, and they count as delivered
/// (no duplicates, nothing set aside). Fails (never skips) when the peer is missing.
@Suite("OpenSearch peer", .serialized)
struct OpenSearchForwardingTests {
    @Test func bulkCreatesWithTheEventIdAndReplaysAreIdempotent() async throws {
        let peer = try await OpenSearchPeer.start()
        defer { peer.stop() }
        let fixture = try DeliveryFixture()
        defer { Task { await fixture.clients.shutdown() } }
        let (organization, _) = try await fixture.organization("acme")
        let integration = try await fixture.integration(
            organization.id, provider: "opensearch", endpoint: peer.url,
            credentials: ["username": "admin", "password": "admin"], schema: .ecs, eventTypes: ["auth.*"],
            options: ["index": "herald-audit"])
        let ids = try await fixture.ingest(organization.id, count: 1_500)
        let forwarder = fixture.forwarder(catalogue: try ShippedConnectors.catalogue())
        #expect(await fixture.flushUntilDone(forwarder, integration).isSuccess)
        _ = try await peer.json("POST", "/herald-audit/_refresh")
        #expect(try await peer.json("GET", "/herald-audit/_count")["count"] as? Int == 1_500)
        let document = try await peer.json("GET", "/herald-audit/_doc/\(ids[42])")
        #expect(document["found"] as? Bool == true)
        let source = try #require(document["_source"] as? [String: Any])
        #expect((source["event"] as? [String: Any])?["id"] as? String == ids[42])
        #expect(source["@timestamp"] != nil)

        // Replay everything: 1,500 duplicate creates, each answered 409 and counted as delivered.
        _ = try await fixture.store.replaySiemIntegration(
            orgId: organization.id, id: integration.id, since: Date(timeIntervalSince1970: 0), actor: .system)
        #expect(await fixture.flushUntilDone(forwarder, integration).isSuccess)
        _ = try await peer.json("POST", "/herald-audit/_refresh")
        #expect(try await peer.json("GET", "/herald-audit/_count")["count"] as? Int == 1_500)
        let after = try await fixture.current(integration)
        #expect(after.droppedEvents == 0)
        #expect(try await fixture.store.siemLag(integrationId: integration.id).events == 0)
    }
}

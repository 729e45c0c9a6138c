import Foundation
import HeraldCore
import HeraldDelivery
import Synchronization
import Testing

/// `_bulk` answers item by item (the semantics the real OpenSearch peer test checks end to end): only items that
/// answered 429 or 5xx go again, refused ones are set aside, 409 on `create` counts as delivered.
@Suite struct BulkItemForwardingTests {
    @Test func onlyRetryableItemsAreSentAgain() async throws {
        let bodies = Mutex<[[UInt8]]>([])
        let receiver = try await TestReceiver.start { request, number in
            let body = (try? ReceivedBody.bytes(request)) ?? []
            bodies.withLock { $0.append(body) }
            let actions = body.split(separator: 0x0A).enumerated().filter { $0.offset % 2 == 0 }
            var items: [String] = []
            for (index, _) in actions.enumerated() {
                let status: Int
                switch (number, index) {
                case (1, 1): status = 429
                case (1, 2): status = 400
                case (1, 3): status = 409
                default: status = 201
                }
                let error = status == 400 ? #","error":{"type":"mapper_parsing_exception","reason":"failed to parse"}"# : ""
                items.append(#"{"create":{"_index":"herald-events","status":\#(status)\#(error)}}"#)
            }
            let errors = items.contains { !$0.contains("201") }
            return .respond(
                status: 200, headers: [("Content-Type", "application/json")],
                body: #"{"took":1,"errors":\#(errors),"items":[\#(items.joined(separator: ","))]}"#)
        }
        defer { Task { await receiver.stop() } }
        let fixture = try DeliveryFixture()
        defer { Task { await fixture.clients.shutdown() } }
        let (organization, _) = try await fixture.organization("acme")
        let integration = try await fixture.integration(
            organization.id, provider: "opensearch", endpoint: "http://\(receiver.host):\(receiver.port)",
            credentials: ["username": "admin", "password": "pw"], schema: .ecs, eventTypes: ["auth.*"])
        let ids = try await fixture.ingest(organization.id, count: 5)
        #expect(await fixture.flush(fixture.forwarder(catalogue: try ShippedConnectors.catalogue()), integration).isSuccess)
        let sent = bodies.withLock { $0 }
        #expect(sent.count == 2)
        let request = try #require(receiver.received.first)
        #expect(request.path == "/_bulk")
        #expect(request.headers["content-type"] == "application/x-ndjson")
        #expect(request.headers["authorization"] == "Basic " + Data("admin:pw".utf8).base64EncodedString())
        let first = try ReceivedBody.lines(sent[0])
        #expect(first.count == 10)
        #expect(first[0]["create"]?.objectValue?["_id"]?.stringValue == ids[0])
        #expect(first[1]["@timestamp"] != nil)
        #expect(sent[0].last == 0x0A)
        // The second request holds the 429 item alone.
        let second = try ReceivedBody.lines(sent[1])
        #expect(second.count == 2)
        #expect(second[0]["create"]?.objectValue?["_id"]?.stringValue == ids[1])
        let letters = try await fixture.store.siemDeadLetters(orgId: organization.id, integrationId: integration.id, limit: 10)
        #expect(letters.map(\.eventId) == [ids[2]])
        #expect(letters.first?.reason.contains("mapper_parsing_exception") == true)
        #expect(try await fixture.store.siemLag(integrationId: integration.id).events == 0)
    }
}

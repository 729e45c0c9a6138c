import Foundation
import HeraldCore
import HeraldDelivery
import Testing

/// Forwarding to Datadog's logs intake, against a receiver that follows its documented limits and statuses.
@Suite struct DatadogForwardingTests {
    @Test func sendsGzippedArraysOfAtMostAThousandEntriesWithTheKey() async throws {
        let datadog = try await DatadogLogsReceiver.start()
        defer { Task { await datadog.stop() } }
        let fixture = try DeliveryFixture()
        defer { Task { await fixture.clients.shutdown() } }
        let (organization, _) = try await fixture.organization("acme")
        let integration = try await fixture.integration(
            organization.id, provider: "datadog", endpoint: datadog.url, credentials: ["api_key": "dd-key"],
            schema: .ocsf, eventTypes: ["auth.*"], options: ["service": "sso", "ddtags": "env:test"])
        let ids = try await fixture.ingest(organization.id, count: 2_300)
        #expect(await fixture.flushUntilDone(fixture.forwarder(catalogue: try ShippedConnectors.catalogue()), integration).isSuccess)
        #expect(datadog.acceptedBatchSizes == [1000, 1000, 300])
        for request in datadog.requests {
            #expect(request.path == "/api/v2/logs")
            #expect(request.headers["dd-api-key"] == "dd-key")
            #expect(request.headers["content-encoding"] == "gzip")
            #expect(try ReceivedBody.bytes(request).first == UInt8(ascii: "["))
        }
        let entries = datadog.accepted
        #expect(entries.compactMap { $0["event_id"]?.stringValue } == ids)
        let entry = try #require(entries.first)
        #expect(entry["service"] == "sso")
        #expect(entry["ddsource"] == "herald")
        #expect(entry["ddtags"] == "env:test")
        #expect(entry["hostname"] == "herald-test")
        #expect(entry["timestamp"] != nil)
        // The message is the OCSF rendering, as JSON text (Datadog parses JSON messages).
        let message = try #require(entry["message"]?.stringValue)
        let ocsf = try #require(try JSONValue.parse(message).objectValue)
        #expect(ocsf["class_uid"] == 3002)
        #expect(ocsf["metadata"]?.objectValue?["uid"]?.stringValue == ids.first)
    }

    @Test func payloadTooLargeIsSplitUntilItFits() async throws {
        let datadog = try await DatadogLogsReceiver.start(maxPayloadBytes: 30_000)
        defer { Task { await datadog.stop() } }
        let fixture = try DeliveryFixture()
        defer { Task { await fixture.clients.shutdown() } }
        let (organization, _) = try await fixture.organization("acme")
        let integration = try await fixture.integration(
            organization.id, provider: "datadog", endpoint: datadog.url, credentials: ["api_key": "dd-key"],
            eventTypes: ["auth.*"])
        let ids = try await fixture.ingest(organization.id, count: 300)
        #expect(await fixture.flush(fixture.forwarder(catalogue: try ShippedConnectors.catalogue()), integration).isSuccess)
        #expect(datadog.requests.count > datadog.acceptedBatchSizes.count)  // some answered 413
        #expect(datadog.acceptedBatchSizes.count > 1)
        #expect(datadog.accepted.compactMap { $0["event_id"]?.stringValue } == ids)
        #expect(try await fixture.current(integration).droppedEvents == 0)
    }

    @Test func throttlingHonoursRetryAfterAndAWrongKeyStops() async throws {
        let datadog = try await DatadogLogsReceiver.start()
        defer { Task { await datadog.stop() } }
        datadog.throttle(retryAfter: 42)
        let fixture = try DeliveryFixture()
        defer { Task { await fixture.clients.shutdown() } }
        let (organization, _) = try await fixture.organization("acme")
        let integration = try await fixture.integration(
            organization.id, provider: "datadog", endpoint: datadog.url, credentials: ["api_key": "dd-key"])
        let forwarder = fixture.forwarder(catalogue: try ShippedConnectors.catalogue())
        #expect(await fixture.flush(forwarder, integration).retryAfter == .some(.seconds(42)))
        #expect(try await fixture.current(integration).cursor == integration.cursor)

        let wrong = try await fixture.integration(
            organization.id, provider: "datadog", endpoint: datadog.url, credentials: ["api_key": "nope"])
        datadog.throttle(retryAfter: nil)
        let outcome = await fixture.flush(forwarder, wrong)
        #expect(outcome.deadReason?.hasPrefix("HTTP 403") == true)
        #expect(try await fixture.current(wrong).status == .error)
    }

    @Test func eventsOlderThanTheIntakeWindowKeepTheirTimeInTheMessageOnly() async throws {
        let datadog = try await DatadogLogsReceiver.start()
        defer { Task { await datadog.stop() } }
        let fixture = try DeliveryFixture()
        defer { Task { await fixture.clients.shutdown() } }
        let (organization, _) = try await fixture.organization("acme")
        let integration = try await fixture.integration(
            organization.id, provider: "datadog", endpoint: datadog.url, credentials: ["api_key": "dd-key"],
            eventTypes: ["auth.*"])
        try await fixture.ingest(organization.id, count: 1, occurredAt: fixture.clock.now.addingTimeInterval(-2 * 86_400))
        #expect(await fixture.flush(fixture.forwarder(catalogue: try ShippedConnectors.catalogue()), integration).isSuccess)
        let entry = try #require(datadog.accepted.first)
        #expect(entry["timestamp"] == nil)
        #expect(entry["message"]?.stringValue?.contains("timestamp") == true)
    }
}

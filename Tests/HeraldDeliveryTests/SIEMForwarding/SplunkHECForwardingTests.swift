import Foundation
import HeraldCore
import HeraldDelivery
import Testing

/// Forwarding to Splunk HEC, against a receiver that follows HEC's documented envelope and error codes.
@Suite struct SplunkHECForwardingTests {
    @Test func sendsGzippedConcatenatedEnvelopesInBatchesOfAtMostAThousand() async throws {
        let hec = try await SplunkHECReceiver.start()
        defer { Task { await hec.stop() } }
        let fixture = try DeliveryFixture()
        defer { Task { await fixture.clients.shutdown() } }
        let (organization, _) = try await fixture.organization("acme")
        let integration = try await fixture.integration(
            organization.id, provider: "splunk-hec", endpoint: hec.url, credentials: ["token": "hec-token"],
            options: ["index": "security"])
        let ids = try await fixture.ingest(organization.id, count: 2_500)
        let forwarder = fixture.forwarder(catalogue: try ShippedConnectors.catalogue())
        #expect(await fixture.flushUntilDone(forwarder, integration).isSuccess)

        let requests = hec.requests
        #expect(requests.count == 3)
        for request in requests {
            #expect(request.path == "/services/collector/event")
            #expect(request.headers["authorization"] == "Splunk hec-token")
            #expect(request.headers["content-encoding"] == "gzip")
            #expect(request.headers["content-type"] == "application/json")
            // Concatenated objects, no array and no separators.
            let body = try ReceivedBody.bytes(request)
            #expect(body.first == UInt8(ascii: "{"))
            #expect(!body.contains(0x0A))
        }
        let accepted = hec.accepted
        // The creation event is forwarded too (it is after the cursor), then the 2,500 in order.
        let forwardedIds = accepted.compactMap { $0["fields"]?.objectValue?["event_id"]?.stringValue }
        #expect(Array(forwardedIds.suffix(2_500)) == ids)
        let first = try #require(accepted.last)
        #expect(first["index"] == "security")
        #expect(first["sourcetype"] == "herald:native")
        #expect(first["source"] == "herald")
        #expect(first["host"] == "herald-test")
        if case .number(let time)? = first["time"] { #expect(time > 1_700_000_000) } else { Issue.record("no time") }
        let event = try #require(first["event"]?.objectValue)
        #expect(event["id"]?.stringValue == ids.last)
        #expect(event["type"] == "auth.login.succeeded")
        #expect(event["org_id"]?.stringValue == organization.id)
        let done = try await fixture.current(integration)
        #expect(try await fixture.store.siemLag(integrationId: integration.id).events == 0)
        #expect(done.lastSuccessAt != nil)
        #expect(done.status == .active)
    }

    @Test func invalidTokenStopsTheIntegrationWithHECsReason() async throws {
        let hec = try await SplunkHECReceiver.start(token: "right")
        defer { Task { await hec.stop() } }
        let fixture = try DeliveryFixture()
        defer { Task { await fixture.clients.shutdown() } }
        let (organization, _) = try await fixture.organization("acme")
        let integration = try await fixture.integration(
            organization.id, provider: "splunk-hec", endpoint: hec.url, credentials: ["token": "wrong"])
        try await fixture.ingest(organization.id, count: 3)
        let outcome = await fixture.flush(fixture.forwarder(catalogue: try ShippedConnectors.catalogue()), integration)
        #expect(outcome.deadReason?.contains("code 4: Invalid token") == true)
        #expect(outcome.attempt?.statusCode == 403)
        let stopped = try await fixture.current(integration)
        #expect(stopped.status == .error)
        #expect(stopped.disabledReason == "HTTP 403 (code 4: Invalid token)")
        #expect(stopped.cursor == integration.cursor)
        // Stopped: no flush is scheduled until the integration is updated.
        #expect(try await fixture.store.scheduleSiemFlushes(runAt: fixture.clock.now, maxAttempts: 5) == 0)
    }

    @Test func incorrectIndexIsVendorCodeSevenAndStops() async throws {
        let hec = try await SplunkHECReceiver.start()
        defer { Task { await hec.stop() } }
        hec.set(.incorrectIndex)
        let fixture = try DeliveryFixture()
        defer { Task { await fixture.clients.shutdown() } }
        let (organization, _) = try await fixture.organization("acme")
        let integration = try await fixture.integration(
            organization.id, provider: "splunk-hec", endpoint: hec.url, credentials: ["token": "hec-token"],
            options: ["index": "nope"])
        let outcome = await fixture.flush(fixture.forwarder(catalogue: try ShippedConnectors.catalogue()), integration)
        #expect(outcome.deadReason == "HTTP 400 (code 7: Incorrect index)")
        #expect(try await fixture.current(integration).disabledReason == "HTTP 400 (code 7: Incorrect index)")
    }

    @Test func serverBusyRetriesAfterWhatItAsksAndKeepsTheCursor() async throws {
        let hec = try await SplunkHECReceiver.start()
        defer { Task { await hec.stop() } }
        hec.set(.busy(retryAfter: 7))
        let fixture = try DeliveryFixture()
        defer { Task { await fixture.clients.shutdown() } }
        let (organization, _) = try await fixture.organization("acme")
        let integration = try await fixture.integration(
            organization.id, provider: "splunk-hec", endpoint: hec.url, credentials: ["token": "hec-token"])
        try await fixture.ingest(organization.id, count: 5)
        let forwarder = fixture.forwarder(catalogue: try ShippedConnectors.catalogue())
        let outcome = await fixture.flush(forwarder, integration)
        #expect(outcome.retryAfter == .some(.seconds(7)))
        let failing = try await fixture.current(integration)
        #expect(failing.cursor == integration.cursor)
        #expect(failing.status == .error)
        #expect(failing.lastError == "HTTP 503 (code 9: Server is busy)")
        #expect(failing.disabledReason == nil)
        // Once HEC takes them again, everything goes, in order, and the status is active again.
        hec.set(.normal)
        #expect(await fixture.flush(forwarder, integration, attempt: 2).isSuccess)
        #expect(hec.accepted.count == 6)
        #expect(try await fixture.current(integration).status == .active)
    }

    @Test func aRefusedEventIsFoundBySplittingAndSetAsideWithoutBlockingTheRest() async throws {
        let hec = try await SplunkHECReceiver.start()
        defer { Task { await hec.stop() } }
        let fixture = try DeliveryFixture()
        defer { Task { await fixture.clients.shutdown() } }
        let (organization, _) = try await fixture.organization("acme")
        let integration = try await fixture.integration(
            organization.id, provider: "splunk-hec", endpoint: hec.url, credentials: ["token": "hec-token"],
            eventTypes: ["auth.*"])
        let ids = try await fixture.ingest(organization.id, count: 40) { n in
            n == 23 ? ["note": "POISON"] : ["n": .number(Double(n))]
        }
        #expect(await fixture.flush(fixture.forwarder(catalogue: try ShippedConnectors.catalogue()), integration).isSuccess)
        let forwarded = hec.accepted.compactMap { $0["fields"]?.objectValue?["event_id"]?.stringValue }
        #expect(forwarded == ids.enumerated().filter { $0.offset != 23 }.map(\.element))
        let after = try await fixture.current(integration)
        #expect(after.droppedEvents == 1)
        let letters = try await fixture.store.siemDeadLetters(orgId: organization.id, integrationId: integration.id, limit: 10)
        #expect(letters.map(\.eventId) == [ids[23]])
        #expect(letters.first?.reason.contains("code 6: Invalid data format") == true)
        #expect(try await fixture.store.siemLag(integrationId: integration.id).events == 0)
    }

    @Test func tooLargeSplitsAndAnEventOverTheLimitIsSetAside() async throws {
        let hec = try await SplunkHECReceiver.start(maxBodyBytes: 20_000)
        defer { Task { await hec.stop() } }
        let fixture = try DeliveryFixture()
        defer { Task { await fixture.clients.shutdown() } }
        let (organization, _) = try await fixture.organization("acme")
        let integration = try await fixture.integration(
            organization.id, provider: "splunk-hec", endpoint: hec.url, credentials: ["token": "hec-token"],
            eventTypes: ["auth.*"])
        let catalogue = try ShippedConnectors.modified("splunk-hec") { manifest in
            manifest["batch"] = ["max_events": 1000, "max_bytes": 1_000_000, "max_event_bytes": 4000]
        }
        let big = String(repeating: "x", count: 5000)
        let ids = try await fixture.ingest(organization.id, count: 120) { n in
            n == 7 ? ["blob": .string(big)] : ["n": .number(Double(n))]
        }
        #expect(await fixture.flush(fixture.forwarder(catalogue: catalogue), integration).isSuccess)
        // More than one request: the first (all 119, over 20 kB) answered 413 and was halved.
        #expect(hec.requests.contains { $0.headers["content-length"].flatMap(Int.init).map { $0 > 0 } == true })
        #expect(hec.requests.count > 2)
        let forwarded = hec.accepted.compactMap { $0["fields"]?.objectValue?["event_id"]?.stringValue }
        #expect(forwarded == ids.enumerated().filter { $0.offset != 7 }.map(\.element))
        let letters = try await fixture.store.siemDeadLetters(orgId: organization.id, integrationId: integration.id, limit: 10)
        #expect(letters.map(\.eventId) == [ids[7]])
        #expect(letters.first?.reason.contains("takes at most 4000") == true)
    }
}

/// Indexer acknowledgement: the cursor moves only once HEC says the batch is stored; a batch whose ack does not
/// come is sent again.
@Suite struct SplunkHECAcknowledgementTests {
    static func catalogue() throws -> SiemConnectorCatalogue {
        try ShippedConnectors.modified("splunk-hec") { manifest in
            manifest["ack"] = [
                "path": "/services/collector/ack", "channel_header": "X-Splunk-Request-Channel", "id_field": "ackId",
                "poll_interval_ms": 50, "timeout_ms": 400,
            ]
        }
    }

    @Test func theCursorMovesOnceTheBatchIsAcknowledged() async throws {
        let hec = try await SplunkHECReceiver.start()
        defer { Task { await hec.stop() } }
        hec.acknowledge(.afterPolls(2))
        let fixture = try DeliveryFixture()
        defer { Task { await fixture.clients.shutdown() } }
        let (organization, _) = try await fixture.organization("acme")
        let integration = try await fixture.integration(
            organization.id, provider: "splunk-hec", endpoint: hec.url, credentials: ["token": "hec-token"],
            eventTypes: ["auth.*"], options: ["ack": "true"])
        let ids = try await fixture.ingest(organization.id, count: 10)
        let outcome = await fixture.flush(fixture.forwarder(catalogue: try Self.catalogue()), integration)
        #expect(outcome.isSuccess)
        #expect(hec.channels == [integration.id])
        #expect(hec.requests.filter { $0.path == "/services/collector/ack" }.count == 2)
        #expect(hec.accepted.compactMap { $0["fields"]?.objectValue?["event_id"]?.stringValue } == ids)
        #expect(try await fixture.store.siemLag(integrationId: integration.id).events == 0)
    }

    @Test func aBatchNeverAcknowledgedIsSentAgain() async throws {
        let hec = try await SplunkHECReceiver.start()
        defer { Task { await hec.stop() } }
        hec.acknowledge(.afterPolls(nil))
        let fixture = try DeliveryFixture()
        defer { Task { await fixture.clients.shutdown() } }
        let (organization, _) = try await fixture.organization("acme")
        let integration = try await fixture.integration(
            organization.id, provider: "splunk-hec", endpoint: hec.url, credentials: ["token": "hec-token"],
            eventTypes: ["auth.*"], options: ["ack": "true"])
        let ids = try await fixture.ingest(organization.id, count: 5)
        let forwarder = fixture.forwarder(catalogue: try Self.catalogue())
        let first = await fixture.flush(forwarder, integration)
        #expect(first.retryAfter != nil)
        #expect(first.attempt?.error?.contains("did not acknowledge") == true)
        // Only the filtered-out creation event is behind the cursor; the five wait.
        #expect(try await fixture.store.siemLag(integrationId: integration.id).events == 5)
        hec.acknowledge(.afterPolls(1))
        #expect(await fixture.flush(forwarder, integration, attempt: 2).isSuccess)
        // The same events twice, recognisable by their ids.
        let sent = hec.accepted.compactMap { $0["fields"]?.objectValue?["event_id"]?.stringValue }
        #expect(sent == ids + ids)
        #expect(try await fixture.store.siemLag(integrationId: integration.id).events == 0)
    }
}

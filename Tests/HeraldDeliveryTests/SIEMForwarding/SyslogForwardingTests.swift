import Foundation
import HeraldCore
import HeraldDelivery
import Testing

/// The forwarder's syslog connector into a real rsyslog, over plain TCP and over TLS (its CA given as the
/// integration's `ca_pem` credential): every event one RFC 5424 message, octet-counted, with its id in the
/// structured data and its rendering as MSG. Fails (never skips) when rsyslog is not installed.
@Suite("SIEM syslog into rsyslog", .serialized)
struct SyslogForwardingTests {
    @Test("events forwarded over tcp:// and tls:// arrive once each, parsed as RFC 5424 with their ids")
    func forwardsOverTCPAndTLS() async throws {
        try await RsyslogPeer.with { peer in
            let fixture = try DeliveryFixture()
            defer { Task { await fixture.clients.shutdown() } }
            let (organization, _) = try await fixture.organization("acme")
            let tcp = try await fixture.integration(
                organization.id, provider: "syslog", endpoint: "tcp://127.0.0.1:\(peer.tcpPort)", credentials: [:],
                eventTypes: ["auth.*"])
            let tls = try await fixture.integration(
                organization.id, provider: "syslog", endpoint: "tls://localhost:\(peer.tlsPort)",
                credentials: ["ca_pem": peer.caPEM], schema: .cef, eventTypes: ["auth.*"], options: ["facility": "13"])
            let ids = try await fixture.ingest(organization.id, count: 4) { n in
                ["note": .string("quote \" bracket ] backslash \\ pipe | equals = ünïcödé \(n)")]
            }
            let forwarder = fixture.forwarder(catalogue: try ShippedConnectors.catalogue())
            #expect(await fixture.flush(forwarder, tcp).isSuccess)
            #expect(await fixture.flush(forwarder, tls).isSuccess)
            let received = try await peer.received(8)
            #expect(received.count == 8)
            for (input, facility) in [("tcp", "10"), ("tls", "13")] {
                let messages = received.filter { $0.input == input }
                #expect(messages.count == 4)
                for (message, id) in zip(messages, ids) {
                    #expect(message.protocolVersion == "1")
                    #expect(message.facility == facility)
                    #expect(message.severity == "6")
                    #expect(message.appName == "herald")
                    #expect(message.hostname == "herald-test")
                    #expect(message.msgID == "auth.login.succeeded")
                    let elements = try message.elements()
                    #expect(elements["herald@32473"]?["event_id"] == id)
                    #expect(elements["herald@32473"]?["org_id"] == organization.id)
                }
            }
            // TCP carried the native JSON rendering, TLS the CEF line.
            let json = try #require(received.first { $0.input == "tcp" })
            let object = try #require(try JSONValue.parse(json.msg).objectValue)
            #expect(object["id"]?.stringValue == ids[0])
            let cef = try #require(received.first { $0.input == "tls" })
            #expect(cef.msg.hasPrefix("CEF:0|Herald|Herald|"))
            #expect(cef.msg.contains("externalId=\(ids[0])"))
            #expect(try await fixture.store.siemLag(integrationId: tcp.id).events == 0)
            #expect(try await fixture.store.siemLag(integrationId: tls.id).events == 0)
        }
    }

    @Test("an untrusted certificate is a failed flush with the TLS reason; the cursor waits")
    func untrustedCertificate() async throws {
        try await RsyslogPeer.with { peer in
            let fixture = try DeliveryFixture()
            defer { Task { await fixture.clients.shutdown() } }
            let (organization, _) = try await fixture.organization("acme")
            let integration = try await fixture.integration(
                organization.id, provider: "syslog", endpoint: "tls://localhost:\(peer.tlsPort)", credentials: [:])
            try await fixture.ingest(organization.id, count: 2)
            let outcome = await fixture.flush(fixture.forwarder(catalogue: try ShippedConnectors.catalogue()), integration)
            #expect(outcome.retryAfter != nil)
            let failing = try await fixture.current(integration)
            #expect(failing.cursor == integration.cursor)
            #expect(failing.lastError?.contains("CERTIFICATE_VERIFY_FAILED") == true, "\(failing.lastError ?? "")")
        }
    }
}

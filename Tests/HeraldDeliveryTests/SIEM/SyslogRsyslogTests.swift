import Foundation
import HeraldCore
import HeraldDelivery
import NIOCore
import Testing

/// Herald's syslog wire against a real rsyslog: octet-counted RFC 5424 over plain TCP, TLS and mutual TLS,
/// checked from what rsyslog parsed. Fails (never skips) when rsyslog is not installed.
@Suite("syslog into rsyslog", .serialized)
struct SyslogRsyslogTests {
    static let hostname = "herald-test.example"

    /// Three events: a plain one, one whose body has an embedded newline and multi-byte UTF-8 (a newline-framed
    /// reader would split it), and one whose id and organization need SD escaping and whose type is longer
    /// than MSGID allows.
    static let events: [(event: Event, body: String)] = [
        (SyslogMessageTests.event(id: "evt_1", type: "user.login", orgId: "org_1", severity: .info),
         #"{"type":"user.login","user":"alice"}"#),
        (SyslogMessageTests.event(id: "evt_2", type: "risk.detected", orgId: nil, severity: .high),
         "line one\nline two: héllo wörld ✓ 日本語"),
        (SyslogMessageTests.event(
            id: #"evt_"3"]\x"#, type: "scim.group.membership.bulk.replaced", orgId: #"org_[x]"#, severity: .critical),
         "third ünïcödé"),
    ]

    static func message(_ index: Int, byteOrderMark: Bool = false) -> SyslogMessage {
        SyslogMessage(
            event: events[index].event, body: Array(events[index].body.utf8), hostname: hostname,
            byteOrderMark: byteOrderMark)
    }

    static func frame(_ index: Int) -> [UInt8] { SyslogFraming.octetCounted(message(index).formatted()) }

    /// Checks one message as rsyslog parsed it against the event it came from.
    static func check(_ received: RsyslogPeer.Received, _ index: Int, input: String) throws {
        let (event, body) = events[index]
        let severity = SyslogMessage.severityCode(for: event.severity)
        #expect(received.input == input)
        #expect(received.pri == "\(80 + severity)")
        #expect(received.facility == "10")
        #expect(received.severity == "\(severity)")
        #expect(received.protocolVersion == "1")
        #expect(received.timestamp == "2026-12-01T14:11:44.123Z")
        #expect(received.hostname == hostname)
        #expect(received.appName == "herald")
        #expect(received.procID == "-")
        #expect(received.msgID == String(event.type.prefix(32)))
        var parameters = ["event_id": event.id, "event_type": event.type, "severity": event.severity.rawValue]
        parameters["org_id"] = event.orgId
        #expect(try received.elements() == ["herald@32473": parameters])
        #expect(received.msg == body)
        #expect(received.rawMessage == String(decoding: message(index).formatted(), as: UTF8.self))
    }

    @Test("events arrive octet-counted over TCP and TLS, one message each, parsed as RFC 5424")
    func tcpAndTLS() async throws {
        try await RsyslogPeer.with { peer in
            let tcp = SyslogConnection(
                client: try SyslogClient(
                    configuration: .init(endpoint: .init(transport: .tcp, host: "127.0.0.1", port: peer.tcpPort))))
            // TLS to the name on the certificate, connecting to the address a resolver (the SSRF guard) chose.
            let tls = SyslogConnection(
                client: try SyslogClient(
                    configuration: .init(
                        endpoint: .init(transport: .tls, host: "localhost", port: peer.tlsPort),
                        tls: .init(trustedCertificatesPEM: peer.caPEM))),
                resolveAddress: { try SocketAddress(ipAddress: "127.0.0.1", port: $0.port) })
            for connection in [tcp, tls] {
                try await connection.send([Self.frame(0)])
                try await connection.send([Self.frame(1), Self.frame(2)])  // the same connection, a second batch
                #expect(await connection.isConnected)
                await connection.close()
            }
            let received = try await peer.received(6)
            #expect(received.count == 6, "\(received.map(\.rawMessage))")
            for (offset, input) in [(0, "tcp"), (3, "tls")] {
                for index in 0..<3 where offset + index < received.count {
                    try Self.check(received[offset + index], index, input: input)
                }
            }
        }
    }

    @Test("mutual TLS: the client certificate is accepted by an x509/certvalid input")
    func mutualTLS() async throws {
        try await RsyslogPeer.with { peer in
            let client = try SyslogClient(
                configuration: .init(
                    endpoint: .init(transport: .tls, host: "localhost", port: peer.mutualTLSPort),
                    tls: .init(
                        trustedCertificatesPEM: peer.caPEM, clientCertificatePEM: peer.clientCertificatePEM,
                        clientPrivateKeyPEM: peer.clientKeyPEM)))
            try await client.send([Self.frame(1)], to: try SocketAddress(ipAddress: "127.0.0.1", port: peer.mutualTLSPort))
            let received = try await peer.received(1)
            #expect(received.count == 1)
            if let first = received.first { try Self.check(first, 1, input: "mtls") }
        }
    }

    @Test("the BOM option: rsyslog parses the message and keeps U+FEFF at the start of MSG")
    func byteOrderMark() async throws {
        try await RsyslogPeer.with { peer in
            let client = try SyslogClient(
                configuration: .init(endpoint: .init(transport: .tcp, host: "127.0.0.1", port: peer.tcpPort)))
            try await client.send([SyslogFraming.octetCounted(Self.message(0, byteOrderMark: true).formatted())])
            let received = try await peer.received(1)
            #expect(received.count == 1)
            #expect(received.first?.msgID == "user.login")
            #expect(received.first?.msg == "\u{FEFF}" + Self.events[0].body)
        }
    }

    @Test("TLS failures are handshake errors with BoringSSL's reason: untrusted CA, wrong host name")
    func tlsFailures() async throws {
        try await RsyslogPeer.with { peer in
            let systemRoots = try SyslogClient(
                configuration: .init(endpoint: .init(transport: .tls, host: "localhost", port: peer.tlsPort)))
            let untrusted = await #expect(throws: SyslogError.self) {
                try await systemRoots.send([Self.frame(0)], to: try SocketAddress(ipAddress: "127.0.0.1", port: peer.tlsPort))
            }
            #expect(untrusted?.code == .tlsHandshakeFailed)
            #expect(untrusted?.message.contains("CERTIFICATE_VERIFY_FAILED") == true, "\(String(describing: untrusted))")

            for host in ["siem.example", "127.0.0.1"] {  // the certificate names localhost only
                let wrongName = try SyslogClient(
                    configuration: .init(
                        endpoint: .init(transport: .tls, host: host, port: peer.tlsPort),
                        tls: .init(trustedCertificatesPEM: peer.caPEM)))
                let mismatch = await #expect(throws: SyslogError.self, "\(host)") {
                    try await wrongName.send([Self.frame(0)], to: try SocketAddress(ipAddress: "127.0.0.1", port: peer.tlsPort))
                }
                #expect(mismatch?.code == .tlsHandshakeFailed)
                #expect(mismatch?.message.contains("tls://\(host):\(peer.tlsPort)") == true)
                #expect(mismatch?.message.hasSuffix("the server certificate does not name \(host)") == true)
            }

            let plain = try SyslogClient(
                configuration: .init(endpoint: .init(transport: .tcp, host: "127.0.0.1", port: peer.tcpPort)))
            try await plain.send([Self.frame(2)])
            let received = try await peer.received(1)
            #expect(received.map(\.input) == ["tcp"], "nothing from the failed handshakes reached rsyslog")
        }
    }
}

import Foundation
import Testing

@testable import HeraldDelivery

/// Sending through a real SMTP server (aiosmtpd): security modes, AUTH mechanisms, connection reuse, bytes.
@Suite("SMTP transport: sending")
struct SMTPTransportSendTests {
    @Test("STARTTLS with AUTH PLAIN")
    func starttlsPlain() async throws {
        try await SMTPPeer.with { peer in
            try await withSMTPTransport { transport in
                let outcome = await transport.send(
                    smtpTestMessage(subject: "plain"), from: "noreply@herald.test", to: "bob@example.com",
                    via: peer.server(authMechanism: "PLAIN"))
                guard case .accepted(let reply) = outcome else { Issue.record("not accepted: \(outcome)"); return }
                #expect(reply.code == 250)
                #expect(reply.text.hasPrefix("2.0.0 Ok: queued as Q"))
                let received = try peer.received()
                try #require(received.count == 1)
                #expect(received[0].tls)
                #expect(received[0].authUser == "alice")
                #expect(received[0].authMechanism == "PLAIN")
                #expect(received[0].mailFrom == "noreply@herald.test")
                #expect(received[0].rcptTos == ["bob@example.com"])
            }
        }
    }

    @Test("STARTTLS with AUTH LOGIN, the only mechanism the server offers, chosen by curl")
    func starttlsLogin() async throws {
        try await SMTPPeer.with(.init(mechanisms: ["LOGIN"])) { peer in
            try await withSMTPTransport { transport in
                let outcome = await transport.send(
                    smtpTestMessage(subject: "login"), from: "noreply@herald.test", to: "bob@example.com",
                    via: peer.server())
                guard case .accepted = outcome else { Issue.record("not accepted: \(outcome)"); return }
                let received = try peer.received()
                try #require(received.count == 1)
                #expect(received[0].authMechanism == "LOGIN")
                #expect(received[0].authUser == "alice")
                #expect(received[0].tls)
            }
        }
    }

    @Test("implicit TLS (smtps) with AUTH")
    func implicitTLS() async throws {
        try await SMTPPeer.with(.init(mode: .tls)) { peer in
            try await withSMTPTransport { transport in
                let outcome = await transport.send(
                    smtpTestMessage(subject: "smtps"), from: "noreply@herald.test", to: "bob@example.com",
                    via: peer.server(security: .tls))
                guard case .accepted = outcome else { Issue.record("not accepted: \(outcome)"); return }
                let received = try peer.received()
                try #require(received.count == 1)
                #expect(received[0].tls)
                #expect(received[0].authUser == "alice")
            }
        }
    }

    @Test("XOAUTH2 with a bearer token")
    func xoauth2() async throws {
        try await SMTPPeer.with(.init(token: "ya29.token")) { peer in
            try await withSMTPTransport { transport in
                let outcome = await transport.send(
                    smtpTestMessage(subject: "oauth"), from: "noreply@herald.test", to: "bob@example.com",
                    via: peer.server(password: nil, oauthToken: "ya29.token"))
                guard case .accepted = outcome else { Issue.record("not accepted: \(outcome)"); return }
                let received = try peer.received()
                #expect(received.first?.authMechanism == "XOAUTH2")
            }
        }
    }

    @Test("security none: plain SMTP without TLS")
    func noTLS() async throws {
        try await SMTPPeer.with(.init(mode: .plain, user: nil, password: nil)) { peer in
            try await withSMTPTransport { transport in
                let outcome = await transport.send(
                    smtpTestMessage(subject: "plain"), from: "noreply@herald.test", to: "bob@example.com",
                    via: peer.server(security: .none, username: nil, password: nil))
                guard case .accepted = outcome else { Issue.record("not accepted: \(outcome)"); return }
                let received = try peer.received()
                #expect(received.first?.tls == false)
            }
        }
    }

    @Test("a host pinned to its vetted address connects there without resolving the name again")
    func pinnedAddress() async throws {
        try await SMTPPeer.with(.init(mode: .plain, user: nil, password: nil)) { peer in
            try await withSMTPTransport { transport in
                // `.invalid` never resolves (RFC 6761): only the pinned address can reach the peer.
                var server = peer.server(security: .none, username: nil, password: nil)
                server.host = "smtp.pinned.invalid"
                let unpinned = await transport.send(
                    smtpTestMessage(subject: "unpinned"), from: "noreply@herald.test", to: "bob@example.com", via: server)
                guard case .transient(_, let message) = unpinned else {
                    Issue.record("an unresolvable host was not a transient failure: \(unpinned)")
                    return
                }
                #expect(message.contains("smtp.pinned.invalid"), "\(message)")
                server.connectAddresses = ["127.0.0.1"]
                #expect(server.curlResolveEntry == "smtp.pinned.invalid:\(server.port):127.0.0.1")
                let pinned = await transport.send(
                    smtpTestMessage(subject: "pinned"), from: "noreply@herald.test", to: "bob@example.com", via: server)
                guard case .accepted = pinned else { Issue.record("not accepted: \(pinned)"); return }
                let received = try peer.received()
                #expect(received.count == 1)
                #expect(received.first?.rcptTos == ["bob@example.com"])
            }
        }
    }

    @Test("the CURLOPT_RESOLVE entry: IPv6 in brackets; nothing to pin without addresses or for an IP literal")
    func resolveEntry() {
        var server = SMTPServer(host: "mail.acme.example", port: 587)
        #expect(server.curlResolveEntry == nil)
        server.connectAddresses = ["2001:db8::25", "192.0.2.25"]
        #expect(server.curlResolveEntry == "mail.acme.example:587:[2001:db8::25],192.0.2.25")
        server.host = "192.0.2.25"
        server.connectAddresses = ["192.0.2.25"]
        #expect(server.curlResolveEntry == nil)
    }

    @Test("three messages over one reused connection, leading dots preserved byte for byte")
    func reuseAndDots() async throws {
        try await SMTPPeer.with { peer in
            try await withSMTPTransport { transport in
                let server = peer.server()
                let bodies = [
                    ".starts with a dot\r\n..two dots\r\n.\r\nmiddle\r\n. \r\nend",
                    "no dots at all",
                    "last line is a dot\r\n.",
                ]
                var sent: [[UInt8]] = []
                for (index, body) in bodies.enumerated() {
                    let message = smtpTestMessage(subject: "reuse \(index)", body: body)
                    sent.append(message)
                    let outcome = await transport.send(message, from: "noreply@herald.test", to: "r\(index)@example.com", via: server)
                    guard case .accepted = outcome else { Issue.record("message \(index) not accepted: \(outcome)"); return }
                }
                let connections = try peer.connections()
                let quits = try peer.quits()
                #expect(connections == 1)
                #expect(quits == 0, "QUIT only when the transport closes the connection")
                #expect(await transport.connectionsOpened == 1)
                await transport.shutdown()
                let quitsAfterShutdown = try peer.quits()
                #expect(quitsAfterShutdown == 1)
                let received = try peer.received()
                try #require(received.count == 3)
                for index in 0..<3 {
                    #expect(received[index].bytes == sent[index], "message \(index) changed on the way")
                    #expect(received[index].rcptTos == ["r\(index)@example.com"])
                }
            }
        }
    }

    @Test("a pooled connection that the server closed while idle is replaced, and the send succeeds")
    func serverClosedIdleConnection() async throws {
        try await SMTPPeer.with(.init(idleTimeout: 0.3)) { peer in
            try await withSMTPTransport { transport in
                let server = peer.server()
                for index in 0..<2 {
                    if index == 1 { try await Task.sleep(for: .milliseconds(600)) }
                    let outcome = await transport.send(
                        smtpTestMessage(subject: "idle \(index)"), from: "noreply@herald.test", to: "bob@example.com", via: server)
                    guard case .accepted = outcome else { Issue.record("message \(index) not accepted: \(outcome)"); return }
                }
                let connections = try peer.connections()
                #expect(connections == 2)
                #expect(await transport.connectionsOpened == 2)
            }
        }
    }

    @Test("a burst is bounded by the handles per server and reuses their connections")
    func boundedPool() async throws {
        try await SMTPPeer.with { peer in
            try await withSMTPTransport(maxHandlesPerServer: 2) { transport in
                let server = peer.server()
                let outcomes = await withTaskGroup(of: SMTPOutcome.self) { group in
                    for index in 0..<8 {
                        group.addTask {
                            await transport.send(
                                smtpTestMessage(subject: "burst \(index)"), from: "noreply@herald.test",
                                to: "burst\(index)@example.com", via: server)
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                #expect(outcomes.allSatisfy { if case .accepted = $0 { true } else { false } }, "\(outcomes)")
                let received = try peer.received()
                #expect(received.count == 8)
                let connections = try peer.connections()
                #expect(connections >= 1 && connections <= 2, "\(connections) connections for 8 messages")
                #expect(await transport.transactions == 8)
            }
        }
    }
}

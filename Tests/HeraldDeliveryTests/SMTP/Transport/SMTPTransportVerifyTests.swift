import Foundation
import HeraldDelivery
import Testing

/// `verify`: connect, EHLO, STARTTLS, AUTH, QUIT, with one distinct clear message per cause of failure.
@Suite("SMTP transport: verify")
struct SMTPTransportVerifyTests {
    @Test("good settings: ok, authenticated, one connection closed with QUIT")
    func good() async throws {
        try await SMTPPeer.with { peer in
            try await withSMTPTransport { transport in
                let result = await transport.verify(peer.server())
                #expect(result.ok, "\(result.message)")
                #expect(result.message.contains("authenticated as alice"), "\(result.message)")
                #expect(result.reply?.code == 235)
                let connections = try peer.connections()
                let quits = try peer.quits()
                let received = try peer.received()
                #expect(connections == 1)
                #expect(quits == 1)
                #expect(received.isEmpty)
            }
        }
    }

    @Test("a wrong password, a server without STARTTLS and an untrusted certificate give three distinct messages")
    func distinctFailures() async throws {
        let wrongPassword = try await SMTPPeer.with { peer in
            try await withSMTPTransport { await $0.verify(peer.server(password: "wrong")) }
        }
        #expect(!wrongPassword.ok)
        #expect(wrongPassword.reply == SMTPReply(code: 535, text: "5.7.8 Authentication credentials invalid"))
        #expect(wrongPassword.message.contains("rejected the user name or password"), "\(wrongPassword.message)")
        #expect(wrongPassword.message.contains("535 5.7.8"), "\(wrongPassword.message)")

        let noStartTLS = try await SMTPPeer.with(.init(mode: .plain)) { peer in
            try await withSMTPTransport { await $0.verify(peer.server()) }
        }
        #expect(!noStartTLS.ok)
        #expect(noStartTLS.message.contains("does not offer STARTTLS"), "\(noStartTLS.message)")

        let untrusted = try await SMTPPeer.with { peer in
            try await withSMTPTransport { await $0.verify(peer.server(trustTestCA: false)) }
        }
        #expect(!untrusted.ok)
        #expect(untrusted.message.contains("is not trusted"), "\(untrusted.message)")
        #expect(untrusted.message.contains("certificate"), "\(untrusted.message)")
        #expect(untrusted.message.contains("system CA bundle"), "\(untrusted.message)")

        let messages = [wrongPassword.message, noStartTLS.message, untrusted.message]
        #expect(Set(messages).count == 3)
    }

    @Test("credentials for a server that offers no AUTH are reported, not silently skipped")
    func noAuthOffered() async throws {
        try await SMTPPeer.with(.init(mode: .plain, user: nil, password: nil)) { peer in
            try await withSMTPTransport { transport in
                let result = await transport.verify(peer.server(security: .none))
                #expect(!result.ok)
                #expect(result.message.contains("offers no AUTH"), "\(result.message)")
            }
        }
    }

    @Test("a refused connection and a configuration error")
    func unreachable() async throws {
        let port = try unusedLoopbackPort()
        try await withSMTPTransport { transport in
            let refused = await transport.verify(SMTPServer(host: "127.0.0.1", port: port, connectTimeout: .seconds(1), totalTimeout: .seconds(2)))
            #expect(!refused.ok)
            #expect(refused.message.contains("cannot connect"), "\(refused.message)")
            let invalid = await transport.verify(SMTPServer(host: "relay.example.com/evil", port: 587))
            #expect(!invalid.ok)
            #expect(invalid.message.contains("not a host name"), "\(invalid.message)")
        }
    }
}

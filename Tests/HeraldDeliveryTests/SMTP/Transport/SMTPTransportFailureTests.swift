import Foundation
import HeraldDelivery
import Testing

/// How refusals and failures of a real server become outcomes: 4xx and timeouts retry, 5xx bounce.
@Suite("SMTP transport: failures")
struct SMTPTransportFailureTests {
    @Test("451 at RCPT TO is transient with the server's reply; the next send on the transport works")
    func temporaryFailure() async throws {
        try await SMTPPeer.with { peer in
            try await withSMTPTransport { transport in
                let server = peer.server()
                let outcome = await transport.send(
                    smtpTestMessage(subject: "451"), from: "noreply@herald.test", to: "temp-fail@example.com", via: server)
                guard case .transient(let reply, let message) = outcome else { Issue.record("not transient: \(outcome)"); return }
                #expect(reply == SMTPReply(code: 451, text: "4.3.0 try later"))
                #expect(message.contains("RCPT TO"), "\(message)")
                #expect(message.contains("451 4.3.0 try later"), "\(message)")

                let next = await transport.send(
                    smtpTestMessage(subject: "after"), from: "noreply@herald.test", to: "bob@example.com", via: server)
                guard case .accepted = next else { Issue.record("send after a refusal failed: \(next)"); return }
                let received = try peer.received()
                #expect(received.map(\.rcptTos) == [["bob@example.com"]])
            }
        }
    }

    @Test("550 at RCPT TO is permanent with the server's reply; the next send on the transport works")
    func permanentFailure() async throws {
        try await SMTPPeer.with { peer in
            try await withSMTPTransport { transport in
                let server = peer.server()
                let outcome = await transport.send(
                    smtpTestMessage(subject: "550"), from: "noreply@herald.test", to: "perm-fail@example.com", via: server)
                guard case .permanent(let reply, let message) = outcome else { Issue.record("not permanent: \(outcome)"); return }
                #expect(reply == SMTPReply(code: 550, text: "5.1.1 no such user"))
                #expect(message.contains("perm-fail@example.com"), "\(message)")

                let next = await transport.send(
                    smtpTestMessage(subject: "after"), from: "noreply@herald.test", to: "bob@example.com", via: server)
                guard case .accepted = next else { Issue.record("send after a refusal failed: \(next)"); return }
            }
        }
    }

    @Test("replies to the end of DATA: 452 is transient, 554 is permanent")
    func dataReplies() async throws {
        try await SMTPPeer.with { peer in
            try await withSMTPTransport { transport in
                let server = peer.server()
                let temporary = await transport.send(
                    smtpTestMessage(subject: "452"), from: "noreply@herald.test", to: "data-temp@example.com", via: server)
                #expect(temporary == .transient(SMTPReply(code: 452, text: "4.3.1 insufficient storage"), temporary.message))
                let permanent = await transport.send(
                    smtpTestMessage(subject: "554"), from: "noreply@herald.test", to: "data-perm@example.com", via: server)
                guard case .permanent(let reply, let message) = permanent else { Issue.record("not permanent: \(permanent)"); return }
                #expect(reply == SMTPReply(code: 554, text: "5.6.0 message refused"))
                #expect(message.contains("end of the message"), "\(message)")
            }
        }
    }

    @Test("a server slower than the total timeout is transient, within the timeout")
    func timeout() async throws {
        try await SMTPPeer.with(.init(slowSeconds: 3)) { peer in
            try await withSMTPTransport { transport in
                let started = ContinuousClock.now
                let outcome = await transport.send(
                    smtpTestMessage(subject: "slow"), from: "noreply@herald.test", to: "slow@example.com",
                    via: peer.server(totalTimeout: .milliseconds(700)))
                let elapsed = ContinuousClock.now - started
                guard case .transient(let reply, let message) = outcome else { Issue.record("not transient: \(outcome)"); return }
                #expect(reply == nil)
                #expect(message.contains("timed out"), "\(message)")
                #expect(message.contains("RCPT TO"), "\(message)")
                #expect(elapsed < .seconds(2), "took \(elapsed)")
            }
        }
    }

    @Test("a refused connection is transient")
    func connectionRefused() async throws {
        let port = try unusedLoopbackPort()
        try await withSMTPTransport { transport in
            let server = SMTPServer(host: "127.0.0.1", port: port, security: .starttls, connectTimeout: .seconds(1), totalTimeout: .seconds(2))
            let outcome = await transport.send(smtpTestMessage(subject: "x"), from: "a@herald.test", to: "b@example.com", via: server)
            guard case .transient(nil, let message) = outcome else { Issue.record("not transient: \(outcome)"); return }
            #expect(message.contains("cannot connect to 127.0.0.1:\(port)"), "\(message)")
            #expect(message.localizedCaseInsensitiveContains("refused"), "\(message)")
        }
    }

    @Test("addresses that could inject SMTP commands are refused without connecting")
    func injection() async throws {
        let recipients = ["bob@example.com\r\nRSET", "bob@example.com>", "<bob@example.com", "bob @example.com", "bob", "", "bob@"]
        let senders = ["noreply@herald.test\nDATA", "no<reply@herald.test", "noreply@herald.test\u{0}"]
        try await SMTPPeer.with { peer in
            try await withSMTPTransport { transport in
                let cases = recipients.map { ("noreply@herald.test", $0) } + senders.map { ($0, "bob@example.com") }
                for (from, to) in cases {
                    let outcome = await transport.send(smtpTestMessage(subject: "x"), from: from, to: to, via: peer.server())
                    guard case .permanent(let reply, let message) = outcome else {
                        Issue.record("\(from.debugDescription) → \(to.debugDescription) not refused: \(outcome)")
                        continue
                    }
                    #expect(reply.code == 501)
                    #expect(message.hasPrefix("not sent: "), "\(message)")
                }
                let connections = try peer.connections()
                #expect(connections == 0)
            }
        }
    }
}

extension SMTPOutcome {
    /// The text of a transient or permanent outcome ("" when accepted).
    var message: String {
        switch self {
        case .accepted: ""
        case .transient(_, let message), .permanent(_, let message): message
        }
    }
}

import Foundation
import HeraldCore
import HeraldStorage
import Testing

@testable import HeraldDelivery

/// The mailer end to end against a real SMTP server (aiosmtpd: STARTTLS with a test CA, implicit TLS, AUTH PLAIN
/// and LOGIN, scripted replies), the received messages read back by Python's `email` package. Fails (never
/// skips) when the peer is missing.
@Suite("mail delivery", .serialized)
struct MailerDeliveryTests {
    static let subject = "Grüße, {{name}} — your code"

    /// An organization with its own SMTP settings for the peer, and a template with non-ASCII text.
    static func organization(_ fixture: MailerFixture, peer: SMTPPeer, security: MailSecurity) async throws -> String {
        let (organization, actor) = try await fixture.delivery.organization("acme")
        _ = try await fixture.store.putSmtpSettings(
            orgId: organization.id,
            SmtpSettingsInput(
                host: "127.0.0.1", port: peer.port, security: security, username: "alice", password: "s3cret",
                fromAddress: "team@acme.example", fromName: "Zoë at Acme", replyTo: "help@acme.example",
                caPEM: peer.caPEM),
            actor: actor)
        _ = try await fixture.store.createEmailTemplate(
            orgId: organization.id,
            EmailTemplateFields(
                name: "welcome", type: "transactional", subject: subject,
                htmlBody: "<p>Hello {{name}}, your code is <b>{{code}}</b>.</p>", textBody: "Hello {{name}}, your code is {{code}}.",
                language: "en", variables: ["name", "code"], isActive: true),
            actor: actor)
        return organization.id
    }

    static func checkReceived(_ received: SMTPPeer.Received, mail: MailRecord, name: String) throws {
        let parsed = try PythonMailParser.parse(received.bytes)
        let headers = try #require(parsed["headers"] as? [String: Any?])
        #expect(headers["Subject"] as? String == "Grüße, \(name) — your code")
        #expect(headers["Message-ID"] as? String == "<\(mail.messageID)>")
        #expect(headers["Auto-Submitted"] as? String == "auto-generated")
        #expect(headers["MIME-Version"] as? String == "1.0")
        let addresses = try #require(parsed["addresses"] as? [String: [[String: String]]])
        #expect(addresses["From"]?.first?["name"] == "Zoë at Acme")
        #expect(addresses["From"]?.first?["address"] == "team@acme.example")
        #expect(addresses["Reply-To"]?.first?["address"] == "help@acme.example")
        #expect(parsed["content_type"] as? String == "multipart/alternative")
        #expect((parsed["defects"] as? [String]) == [])
        let parts = try #require(parsed["parts"] as? [[String: Any]])
        #expect(parts.map { $0["content_type"] as? String } == ["text/plain", "text/html"])
        #expect(parts.allSatisfy { $0["charset"] as? String == "utf-8" })
        let text = try #require(parts[0]["text"] as? String)
        let html = try #require(parts[1]["text"] as? String)
        // The variable is escaped in the HTML part only.
        #expect(text.contains("Hello \(name), your code is <42>."))
        #expect(html.contains("your code is <b>&lt;42&gt;</b>"))
        let lines = try #require(parsed["lines"] as? [String: Any])
        #expect((lines["max_length"] as? Int ?? 999) <= 998)
        #expect(lines["bare_lf"] as? Int == 0)
    }

    @Test("STARTTLS with AUTH PLAIN through the organization's server; implicit TLS with AUTH LOGIN through the relay")
    func bothSecurityModes() async throws {
        try await SMTPPeer.with(SMTPPeer.Options(mode: .starttls, mechanisms: ["PLAIN"])) { peer in
            let fixture = try MailerFixture()
            let orgId = try await Self.organization(fixture, peer: peer, security: .starttls)
            let mail = try await fixture.enqueue(
                MailRequest(orgId: orgId, template: "welcome", to: ["ada@example.com"], variables: ["name": "Ada", "code": "<42>"]))
            let outcome = await fixture.send(try fixture.mailer(), mail)
            #expect(outcome.isSuccess)
            let received = try peer.received()
            #expect(received.count == 1)
            let first = try #require(received.first)
            #expect(first.tls)
            #expect(first.authMechanism == "PLAIN")
            #expect(first.rcptTos == ["ada@example.com"])
            #expect(first.mailFrom == "team@acme.example")
            try Self.checkReceived(first, mail: mail, name: "Ada")
            let done = try await fixture.mail(mail)
            #expect(done.status == "sent")
            #expect(done.recipients.first?.reply?.hasPrefix("250") == true)
            await fixture.shutdown()
        }
        try await SMTPPeer.with(SMTPPeer.Options(mode: .tls, mechanisms: ["LOGIN"])) { peer in
            let fixture = try MailerFixture()
            let (organization, actor) = try await fixture.delivery.organization("globex")
            _ = try await fixture.store.createEmailTemplate(
                orgId: nil,
                EmailTemplateFields(
                    name: "welcome", type: "transactional", subject: Self.subject,
                    htmlBody: "<p>Hello {{name}}, your code is <b>{{code}}</b>.</p>",
                    textBody: "Hello {{name}}, your code is {{code}}.", shipperName: .some("Zoë at Acme"),
                    shipperEmail: .some("team@acme.example"), responseEmail: .some("help@acme.example"),
                    language: "en", variables: ["name", "code"], isActive: true),
                actor: actor)
            let relay = SMTPServer(
                host: "127.0.0.1", port: peer.port, security: .tls, username: "alice", password: "s3cret",
                caPEM: peer.caPEM)
            // A language the organization has no template in falls back to the platform's English one.
            let mail = try await fixture.enqueue(
                MailRequest(
                    orgId: organization.id, template: "welcome", language: "fr", to: ["bob@example.com"],
                    variables: ["name": "Bob", "code": "<42>"]))
            #expect(await fixture.send(try fixture.mailer(relay: relay), mail).isSuccess)
            let first = try #require(try peer.received().first)
            #expect(first.tls)
            #expect(first.authMechanism == "LOGIN")
            try Self.checkReceived(first, mail: mail, name: "Bob")
            await fixture.shutdown()
        }
    }

    @Test("an organization's settings with auth xoauth2 log in with AUTH XOAUTH2 and the stored token")
    func xoauth2Settings() async throws {
        try await SMTPPeer.with(SMTPPeer.Options(mode: .starttls, token: "ya29.acme-token")) { peer in
            let fixture = try MailerFixture()
            let (organization, actor) = try await fixture.delivery.organization("acme")
            let stored = try await fixture.store.putSmtpSettings(
                orgId: organization.id,
                SmtpSettingsInput(
                    host: "127.0.0.1", port: peer.port, security: .starttls, username: "alice",
                    password: "ya29.acme-token", fromAddress: "team@acme.example", fromName: nil, replyTo: nil,
                    caPEM: peer.caPEM, authentication: .xoauth2),
                actor: actor)
            #expect(stored.authentication == .xoauth2)
            _ = try await fixture.store.createEmailTemplate(
                orgId: organization.id,
                EmailTemplateFields(
                    name: "verification", type: "transactional", subject: "Your code", htmlBody: "<p>{{code}}</p>",
                    textBody: "{{code}}", language: "en", variables: ["code"], isActive: true),
                actor: actor)
            #expect(try await fixture.store.smtpSettings(orgId: organization.id)?.authentication == .xoauth2)
            let mail = try await fixture.enqueue(
                MailRequest(orgId: organization.id, template: "verification", to: ["ada@example.com"],
                            variables: ["code": "1"]))
            let outcome = await fixture.send(try fixture.mailer(), mail)
            #expect(outcome.isSuccess, "\(outcome)")
            let first = try #require(try peer.received().first)
            #expect(first.authMechanism == "XOAUTH2")
            #expect(first.authUser == "alice")
            // The same token as a password is refused by the server: the secret is sent as what auth says.
            _ = try await fixture.store.putSmtpSettings(
                orgId: organization.id,
                SmtpSettingsInput(
                    host: "127.0.0.1", port: peer.port, security: .starttls, username: "alice", password: nil,
                    fromAddress: "team@acme.example", fromName: nil, replyTo: nil, caPEM: peer.caPEM,
                    authentication: .password),
                actor: actor)
            let second = try await fixture.enqueue(
                MailRequest(orgId: organization.id, template: "verification", to: ["bob@example.com"],
                            variables: ["code": "2"]))
            #expect(!(await fixture.send(try fixture.mailer(), second).isSuccess))
            #expect(try peer.received().count == 1)
            await fixture.shutdown()
        }
    }

    @Test("each recipient has its own outcome: 5xx bounces and suppresses, 4xx retries only that one, no duplicate")
    func perRecipientOutcomes() async throws {
        try await SMTPPeer.with(SMTPPeer.Options(mode: .starttls)) { peer in
            let fixture = try MailerFixture()
            let orgId = try await Self.organization(fixture, peer: peer, security: .starttls)
            let mailer = try fixture.mailer()
            let mail = try await fixture.enqueue(
                MailRequest(
                    orgId: orgId, template: "welcome", to: ["ok@example.com", "temp-fail@example.com", "perm-fail@example.com"],
                    variables: ["name": "All", "code": "<42>"]))
            let first = await fixture.send(mailer, mail, attempt: 1)
            #expect(first.retryAfter != nil)
            #expect(first.attempt?.error?.contains("451") == true)
            var state = try await fixture.mail(mail)
            let statuses = Dictionary(uniqueKeysWithValues: state.recipients.map { ($0.address, $0.status) })
            #expect(statuses == ["ok@example.com": .accepted, "temp-fail@example.com": .pending, "perm-fail@example.com": .bounced])
            #expect(try await fixture.store.suppressions(orgId: orgId).map(\.address) == ["perm-fail@example.com"])

            // The retry goes to the pending recipient only: ok@ is never sent to twice.
            let second = await fixture.send(mailer, mail, attempt: 2)
            #expect(second.retryAfter != nil)
            // The last attempt gives up on it.
            let last = await fixture.send(mailer, mail, attempt: 5, maxAttempts: 5)
            #expect(last.deadReason?.contains("451") == true)
            state = try await fixture.mail(mail)
            #expect(state.recipients.first { $0.address == "temp-fail@example.com" }?.status == .failed)
            #expect(state.status == "sent")
            let accepted = try peer.received().flatMap(\.rcptTos)
            #expect(accepted.filter { $0 == "ok@example.com" }.count == 1)
            #expect(!accepted.contains("temp-fail@example.com"))

            // A later mail to the bounced address is not sent.
            let again = try await fixture.enqueue(
                MailRequest(orgId: orgId, template: "welcome", to: ["perm-fail@example.com"], variables: ["name": "x", "code": "1"]))
            #expect(again.recipients.first?.status == .suppressed)
            await fixture.shutdown()
        }
    }

    @Test("a server slower than the timeout is a failed attempt, retried")
    func timeout() async throws {
        try await SMTPPeer.with(SMTPPeer.Options(mode: .starttls, slowSeconds: 5)) { peer in
            let fixture = try MailerFixture()
            let orgId = try await Self.organization(fixture, peer: peer, security: .starttls)
            let mail = try await fixture.enqueue(
                MailRequest(orgId: orgId, template: "welcome", to: ["slow@example.com"], variables: ["name": "S", "code": "1"]))
            let clock = ContinuousClock()
            let started = clock.now
            let outcome = await fixture.send(try fixture.mailer(totalTimeout: .seconds(1)), mail)
            #expect(outcome.retryAfter != nil)
            #expect(clock.now - started < .seconds(4))
            #expect(try await fixture.mail(mail).recipients.first?.status == .pending)
            await fixture.shutdown()
        }
    }

    @Test("a CR or LF that would reach a header is refused: the mail is dead with the reason, nothing is sent")
    func headerInjection() async throws {
        try await SMTPPeer.with(SMTPPeer.Options(mode: .starttls)) { peer in
            let fixture = try MailerFixture()
            let orgId = try await Self.organization(fixture, peer: peer, security: .starttls)
            let mail = try await fixture.enqueue(
                MailRequest(
                    orgId: orgId, template: "welcome", to: ["ada@example.com"],
                    variables: ["name": "Ada\r\nBcc: victim@example.com", "code": "1"]))
            let outcome = await fixture.send(try fixture.mailer(), mail)
            #expect(outcome.deadReason != nil)
            #expect(try peer.received().isEmpty)
            await fixture.shutdown()
        }
    }
}

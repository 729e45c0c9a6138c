import Foundation
import GRDB
import HeraldCore
import Testing

@testable import HeraldStorage

/// The mail store: sealed SMTP secrets, template resolution, mails with per-recipient outcomes, suppressions.
@Suite struct MailStoreTests {
    static func template(_ name: String, orgId: String?, language: String = "en", subject: String) -> EmailTemplateFields {
        EmailTemplateFields(
            name: name, type: "custom", subject: subject, htmlBody: "<p>{{code}}</p>", language: language,
            variables: ["code"], isActive: true)
    }

    @Test func smtpPasswordIsSealedAndKeptWhenNotGiven() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        let input = SmtpSettingsInput(
            host: "smtp.acme.example", port: 587, security: .starttls, username: "mailer", password: "pa55word",
            fromAddress: "noreply@acme.example", fromName: "Acme", replyTo: nil, caPEM: nil)
        let stored = try await fixture.store.putSmtpSettings(orgId: acme.id, input, actor: actor)
        #expect(stored.hasPassword)
        let sealed = try await fixture.database.writer.read { db in
            try String.fetchOne(db, sql: "SELECT password_sealed FROM smtp_settings")
        }
        #expect(sealed?.contains("pa55word") == false)
        var again = input
        again.password = nil
        again.host = "smtp2.acme.example"
        #expect(try await fixture.store.putSmtpSettings(orgId: acme.id, again, actor: actor).hasPassword)
        #expect(try await fixture.store.smtpPassword(orgId: acme.id) == "pa55word")
        again.password = ""
        #expect(try await fixture.store.putSmtpSettings(orgId: acme.id, again, actor: actor).hasPassword == false)
        try await fixture.store.deleteSmtpSettings(orgId: acme.id, actor: actor)
        #expect(try await fixture.store.smtpSettings(orgId: acme.id) == nil)
        await #expect(throws: HeraldError.self) { try await fixture.store.deleteSmtpSettings(orgId: acme.id, actor: actor) }
    }

    @Test func templatesResolveOrganizationFirstThenPlatformAndFallBackToEnglish() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        let (globex, _) = try await fixture.organization("globex")
        try await fixture.store.seedDefaultEmailTemplates(DefaultEmailTemplates.all(now: fixture.clock.now))
        // Seeding again never overwrites an edited default.
        let invitation = try #require(
            try await fixture.store.resolveEmailTemplate(orgId: nil, name: "invitation", language: "en"))
        _ = try await fixture.store.updateEmailTemplate(
            orgId: nil, id: invitation.id, EmailTemplateFields(subject: "Edited"), actor: .system)
        try await fixture.store.seedDefaultEmailTemplates(DefaultEmailTemplates.all(now: fixture.clock.now))
        #expect(try await fixture.store.resolveEmailTemplate(orgId: nil, name: "invitation", language: "en")?.subject == "Edited")

        _ = try await fixture.store.createEmailTemplate(orgId: nil, Self.template("welcome", orgId: nil, subject: "P-en"), actor: .system)
        _ = try await fixture.store.createEmailTemplate(
            orgId: nil, Self.template("welcome", orgId: nil, language: "de", subject: "P-de"), actor: .system)
        _ = try await fixture.store.createEmailTemplate(orgId: acme.id, Self.template("welcome", orgId: acme.id, subject: "A-en"), actor: actor)
        func subject(_ orgId: String?, _ language: String) async throws -> String? {
            try await fixture.store.resolveEmailTemplate(orgId: orgId, name: "welcome", language: language)?.subject
        }
        #expect(try await subject(acme.id, "en") == "A-en")
        #expect(try await subject(acme.id, "fr") == "A-en")  // the organization's en before the platform's
        #expect(try await subject(globex.id, "de") == "P-de")
        #expect(try await subject(globex.id, "fr") == "P-en")
        #expect(try await subject(nil, "de") == "P-de")
        // A second one of the same name and language in a scope is refused; another scope may have it.
        await #expect(throws: HeraldError.self) {
            try await fixture.store.createEmailTemplate(orgId: acme.id, Self.template("welcome", orgId: acme.id, subject: "x"), actor: actor)
        }
        // Inactive ones are skipped; another scope's are not visible.
        let mine = try await fixture.store.emailTemplates(orgId: acme.id, EmailTemplateQuery())
        #expect(mine.total == 1)
        _ = try await fixture.store.updateEmailTemplate(
            orgId: acme.id, id: mine.items[0].id, EmailTemplateFields(isActive: false), actor: actor)
        #expect(try await subject(acme.id, "en") == "P-en")
        await #expect(throws: HeraldError.self) { try await fixture.store.emailTemplate(orgId: globex.id, id: mine.items[0].id) }
        let search = try await fixture.store.emailTemplates(orgId: nil, EmailTemplateQuery(search: "P-d", language: "de"))
        #expect(search.items.map(\.subject) == ["P-de"])
    }

    @Test func mailsKeepOneOutcomePerRecipientAndBouncesSuppress() async throws {
        let fixture = try WebhookFixture()
        let (acme, _) = try await fixture.organization("acme")
        let request = MailRequest(
            orgId: acme.id, template: "verification", to: ["a@example.com", "b@example.com", "A@example.com"],
            variables: ["code": "1", "url": ""])
        let mail = try await fixture.store.enqueueMail(
            request, messageID: "m1@herald.example", maxAttempts: 5, idempotencyKey: "k", actorId: "core")
        #expect(mail.recipients.map(\.address) == ["a@example.com", "b@example.com"])  // duplicates folded
        #expect(mail.status == "pending")
        // The same key answers the first mail.
        let repeated = try await fixture.store.enqueueMail(
            request, messageID: "m2@herald.example", maxAttempts: 5, idempotencyKey: "k", actorId: "core")
        #expect(repeated.id == mail.id)
        #expect(try await fixture.base.count("SELECT COUNT(*) FROM jobs WHERE kind = 'mail.send'") == 1)

        let pending = try #require(try await fixture.store.pendingMail(id: mail.id))
        #expect(pending.request.variables == ["code": "1", "url": ""])
        #expect(pending.messageID == "m1@herald.example")
        try await fixture.store.recordMailRecipient(mailId: mail.id, address: "a@example.com", status: .accepted, reply: "250 ok")
        try await fixture.store.recordMailRecipient(
            mailId: mail.id, address: "b@example.com", status: .bounced, reply: "550 5.1.1 no such user")
        #expect(try await fixture.base.lastEvent()?.type == "mail.bounced")
        #expect(try await fixture.store.pendingMail(id: mail.id)?.pending == [])
        try await fixture.store.recordMailSent(mailId: mail.id)
        #expect(try await fixture.base.lastEvent()?.type == "mail.sent")
        #expect(try await fixture.store.mails(orgId: acme.id, page: 1, limit: 10).items.first?.status == "sent")

        // The last recipient's outcome with finishesMail records mail.sent in the same write; a mail none of
        // whose recipients accepted records none.
        let second = try await fixture.store.enqueueMail(
            MailRequest(orgId: acme.id, template: "verification", to: ["c@example.com"], variables: [:]),
            messageID: "m4@herald.example", maxAttempts: 5, idempotencyKey: nil, actorId: "core")
        #expect(second.recipients.map(\.status) == [.pending])
        #expect(second.jobId > mail.jobId)
        try await fixture.store.recordMailRecipient(
            mailId: second.id, address: "c@example.com", status: .accepted, reply: "250 ok", finishesMail: true)
        let sent = try #require(try await fixture.base.lastEvent())
        #expect(sent.type == "mail.sent")
        #expect(sent.targetId == second.id)
        let third = try await fixture.store.enqueueMail(
            MailRequest(orgId: acme.id, template: "verification", to: ["d@example.com"], variables: [:]),
            messageID: "m5@herald.example", maxAttempts: 5, idempotencyKey: nil, actorId: "core")
        try await fixture.store.recordMailRecipient(
            mailId: third.id, address: "d@example.com", status: .failed, reply: "gave up", finishesMail: true)
        #expect(try await fixture.base.lastEvent()?.targetId == second.id)

        // b is suppressed for the organization: a new mail to it is not sent.
        #expect(try await fixture.store.suppressions(orgId: acme.id).map(\.address) == ["b@example.com"])
        #expect(try await fixture.store.suppressions(orgId: nil).isEmpty)
        let next = try await fixture.store.enqueueMail(
            MailRequest(orgId: acme.id, template: "verification", to: ["B@example.com"], variables: [:]),
            messageID: "m3@herald.example", maxAttempts: 5, idempotencyKey: nil, actorId: "core")
        #expect(next.recipients.first?.status == .suppressed)
        try await fixture.store.deleteSuppression(orgId: acme.id, address: "b@example.com", actor: .system)
        #expect(try await fixture.store.suppressions(orgId: acme.id).isEmpty)
        // Another organization's log does not show it.
        let (globex, _) = try await fixture.organization("globex")
        #expect(try await fixture.store.mails(orgId: globex.id, page: 1, limit: 10).total == 0)
    }

    @Test func theStoreMailsInvitationsAndDecisionsInTheSameTransaction() async throws {
        let base = try Fixture()
        let clock = base.clock
        let store = SQLiteStore(
            database: base.database, now: { clock.now },
            sealer: SecretSealer(masterKey: try MasterKey(bytes: (0..<32).map { UInt8($0) })),
            mail: .init(messageIDDomain: "herald.example", maxAttempts: 5, invitationURL: "https://sso.example/accept?t="))
        let owner = try await store.ensureUser(email: "owner@acme.example", actor: .system)
        _ = try await store.createTier(
            NewTier(id: "t", displayName: "T", maxServices: nil, maxUsers: nil, priceCents: 0), actor: .system)
        let pending = try await store.createOrganization(
            slug: "acme", name: "Acme", owner: owner, autoApproveTierId: nil, actor: .system)
        _ = try await store.transitionOrganization(id: pending.id, .approve, tierId: "t", reason: nil, actor: .system)
        let created = try await store.createInvitation(
            orgId: pending.id, email: "bob@example.com", role: .admin, message: nil,
            actor: Actor(userId: owner.id, email: owner.email))
        let mails = try await store.mails(orgId: pending.id, page: 1, limit: 10).items
        #expect(Set(mails.map(\.template)) == ["organization_approved", "invitation"])
        let invitation = try #require(mails.first { $0.template == "invitation" })
        #expect(invitation.recipients.map(\.address) == ["bob@example.com"])
        let loaded = try #require(try await store.pendingMail(id: invitation.id))
        #expect(loaded.request.variables["token"] == created.token)
        #expect(loaded.request.variables["accept_url"]?.hasPrefix("https://sso.example/accept?t=hinv_") == true)
        #expect(loaded.messageID.hasSuffix("@herald.example"))
        let approved = try #require(mails.first { $0.template == "organization_approved" })
        #expect(approved.recipients.map(\.address) == ["owner@acme.example"])
        // The variables are sealed at rest.
        let sealed = try await base.database.writer.read { db in try String.fetchAll(db, sql: "SELECT variables_sealed FROM mails") }
        #expect(sealed.allSatisfy { !$0.contains(created.token) })
    }
}

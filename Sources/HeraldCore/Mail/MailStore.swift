import Foundation

/// SMTP settings, DKIM keys, templates, mails and their recipients, and suppression lists.
///
/// `orgId` nil addresses the platform (its templates; its relay's mails and suppression list). Mutations
/// record their event (`smtp.settings.*`, `mail.*`) in the same transaction, like every store.
public protocol MailStore: Sendable {
    func smtpSettings(orgId: String) async throws -> SmtpSettings?
    /// Creates or replaces the organization's settings; a nil password keeps the stored one.
    func putSmtpSettings(orgId: String, _ input: SmtpSettingsInput, actor: Actor) async throws -> SmtpSettings
    /// - Throws: `not_found` when none are set.
    func deleteSmtpSettings(orgId: String, actor: Actor) async throws
    /// The stored password, opened (for the sender and `verify`).
    func smtpPassword(orgId: String) async throws -> String?

    func dkimSettings(orgId: String) async throws -> DkimSettings?
    /// Stores the key (sealed) with the DNS record computed by the caller.
    func putDkimSettings(orgId: String, _ settings: DkimSettings, privateKeyPEM: String, actor: Actor) async throws
        -> DkimSettings
    func deleteDkimSettings(orgId: String, actor: Actor) async throws
    /// The sealed key, opened, with its settings (for signing).
    func dkimKey(orgId: String) async throws -> (DkimSettings, privateKeyPEM: String)?

    func emailTemplates(orgId: String?, _ query: EmailTemplateQuery) async throws -> Page<EmailTemplate>
    /// - Throws: `not_found` (also for another scope's template).
    func emailTemplate(orgId: String?, id: String) async throws -> EmailTemplate
    /// - Throws: `already_exists` for a second template of the same name and language in the scope.
    func createEmailTemplate(orgId: String?, _ fields: EmailTemplateFields, actor: Actor) async throws -> EmailTemplate
    func updateEmailTemplate(orgId: String?, id: String, _ fields: EmailTemplateFields, actor: Actor) async throws
        -> EmailTemplate
    func deleteEmailTemplate(orgId: String?, id: String, actor: Actor) async throws
    /// The template a send uses: the organization's active one of that name in the language, else in `en`,
    /// else the platform's in the language, else in `en`.
    func resolveEmailTemplate(orgId: String?, name: String, language: String) async throws -> EmailTemplate?
    /// Adds the shipped platform defaults that are missing (never overwrites an edited one).
    func seedDefaultEmailTemplates(_ templates: [EmailTemplate]) async throws

    /// Stores a mail (variables sealed) with its Message-ID and recipients and enqueues its `mail.send` job;
    /// recipients on the suppression list are recorded as `suppressed` and not sent to. With an idempotency key
    /// (and the caller's id) seen in the last 24 h, returns that first mail instead.
    func enqueueMail(_ request: MailRequest, messageID: String, maxAttempts: Int, idempotencyKey: String?, actorId: String)
        async throws -> MailRecord
    /// The mail of a job, with the recipients not yet done.
    func pendingMail(id: String) async throws -> PendingMail?
    /// Records one recipient's outcome at once (so a retry never sends again to a recipient that accepted);
    /// a bounce adds the address to the suppression list and records `mail.bounced`. With `finishesMail` (the
    /// mail's last recipient), also what ``recordMailSent(mailId:)`` records, in the same transaction.
    func recordMailRecipient(
        mailId: String, address: String, status: MailRecipient.Status, reply: String?, finishesMail: Bool
    ) async throws
    /// Records `mail.sent` for a mail whose recipients are all done with at least one accepted.
    func recordMailSent(mailId: String) async throws
    func mails(orgId: String?, page: Int, limit: Int) async throws -> Page<MailRecord>
    func suppressions(orgId: String?) async throws -> [MailSuppression]
    /// - Throws: `not_found` when the address is not on the list.
    func deleteSuppression(orgId: String?, address: String, actor: Actor) async throws
}

extension MailStore {
    /// ``recordMailRecipient(mailId:address:status:reply:finishesMail:)`` for a recipient that is not the last.
    public func recordMailRecipient(mailId: String, address: String, status: MailRecipient.Status, reply: String?)
        async throws
    {
        try await recordMailRecipient(mailId: mailId, address: address, status: status, reply: reply, finishesMail: false)
    }
}

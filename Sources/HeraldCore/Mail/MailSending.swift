import Foundation

/// What the admin API asks of the mailer (implemented by the delivery side): checks before a mail is enqueued,
/// the SMTP `verify`, and DKIM keys' DNS records.
public protocol MailSending: Sendable {
    /// Checks that the mail can be composed now: the template exists and is active (in the language or in
    /// `en`), every variable it declares is given, and the addresses are valid.
    /// - Throws: `HeraldError` 400 (`invalid_field` naming `template`, `variables` or `to`).
    func validate(_ request: MailRequest) async throws
    /// Connects, EHLO, STARTTLS (as the security mode says), AUTH, QUIT; the server's answer on failure.
    func verify(_ settings: SmtpSettingsInput, password: String?) async -> SmtpVerifyResult
    /// The DNS TXT record of a DKIM private key. - Throws: `invalid_field` (`private_key_pem`) for a bad key.
    func dkimRecord(algorithm: String, privateKeyPEM: String) throws -> String
    /// Checks a template before it is stored: valid Mustache in each part, every name it uses declared.
    /// - Throws: `invalid_field` naming the part or `variables`.
    func checkTemplate(_ template: EmailTemplate) throws
    /// Generates a Message-ID (`<uuid@domain>` without the brackets) for a new mail.
    func makeMessageID() -> String
    /// The attempts a mail job has.
    var maxAttempts: Int { get }
}

/// What an SMTP check found.
public struct SmtpVerifyResult: Sendable, Hashable {
    public var ok: Bool
    /// What went wrong (or `verified`), with the server's reply when there was one.
    public var message: String

    public init(ok: Bool, message: String) {
        self.ok = ok
        self.message = message
    }
}

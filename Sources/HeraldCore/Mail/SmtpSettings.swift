import Foundation

/// How a connection to an SMTP server is secured.
public enum MailSecurity: String, Sendable, Hashable, Codable, CaseIterable {
    /// `smtp://` with STARTTLS required (the default; never downgraded).
    case starttls
    /// Implicit TLS (`smtps://`, port 465).
    case tls
    /// No TLS: only for hosts on the outbound allow-list.
    case none
}

/// An organization's own SMTP server (`/api/organizations/{slug}/smtp`); the password is sealed at rest and
/// never part of this value (``hasPassword`` says whether one is stored).
public struct SmtpSettings: Sendable, Hashable {
    public var orgId: String
    public var host: String
    public var port: Int
    public var security: MailSecurity
    public var username: String?
    public var hasPassword: Bool
    public var fromAddress: String
    public var fromName: String?
    public var replyTo: String?
    /// A CA (PEM) to trust for this server instead of the system bundle.
    public var caPEM: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        orgId: String, host: String, port: Int, security: MailSecurity, username: String?, hasPassword: Bool,
        fromAddress: String, fromName: String?, replyTo: String?, caPEM: String?, createdAt: Date, updatedAt: Date
    ) {
        self.orgId = orgId
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.hasPassword = hasPassword
        self.fromAddress = fromAddress
        self.fromName = fromName
        self.replyTo = replyTo
        self.caPEM = caPEM
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// What `PUT …/smtp` sets: everything but the password, which a nil keeps as stored.
public struct SmtpSettingsInput: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var security: MailSecurity
    public var username: String?
    /// nil keeps the stored password; "" removes it.
    public var password: String?
    public var fromAddress: String
    public var fromName: String?
    public var replyTo: String?
    public var caPEM: String?

    public init(
        host: String, port: Int, security: MailSecurity, username: String?, password: String?, fromAddress: String,
        fromName: String?, replyTo: String?, caPEM: String?
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.fromAddress = fromAddress
        self.fromName = fromName
        self.replyTo = replyTo
        self.caPEM = caPEM
    }
}

/// A DKIM key of an organization's sending domain (`…/smtp/dkim`); the private key is sealed and write-only.
public struct DkimSettings: Sendable, Hashable {
    public var orgId: String
    public var domain: String
    public var selector: String
    /// `rsa-sha256` or `ed25519-sha256`.
    public var algorithm: String
    /// The TXT record to publish at `<selector>._domainkey.<domain>`.
    public var dnsRecord: String
    public var createdAt: Date

    public init(orgId: String, domain: String, selector: String, algorithm: String, dnsRecord: String, createdAt: Date) {
        self.orgId = orgId
        self.domain = domain
        self.selector = selector
        self.algorithm = algorithm
        self.dnsRecord = dnsRecord
        self.createdAt = createdAt
    }

    /// The DNS name the record goes to.
    public var dnsName: String { "\(selector)._domainkey.\(domain)" }
}

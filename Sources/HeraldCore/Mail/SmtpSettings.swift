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

/// How Herald logs in to an organization's SMTP server (with a user name).
public enum SmtpAuthentication: String, Sendable, Hashable, Codable, CaseIterable {
    /// AUTH PLAIN or LOGIN (whichever the server offers) with the password.
    case password
    /// AUTH XOAUTH2: the secret is an OAuth 2.0 access token for the user name (Google Workspace, Microsoft 365).
    /// Herald does not refresh it; a new token is set with `PUT …/smtp` before the old one expires.
    case xoauth2
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
    /// What the stored secret is: a password, or an OAuth access token.
    public var authentication: SmtpAuthentication
    public var fromAddress: String
    public var fromName: String?
    public var replyTo: String?
    /// A CA (PEM) to trust for this server instead of the system bundle.
    public var caPEM: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        orgId: String, host: String, port: Int, security: MailSecurity, username: String?, hasPassword: Bool,
        fromAddress: String, fromName: String?, replyTo: String?, caPEM: String?, createdAt: Date, updatedAt: Date,
        authentication: SmtpAuthentication = .password
    ) {
        self.authentication = authentication
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
    /// nil keeps the stored password (or token); "" removes it.
    public var password: String?
    /// What `password` is: a password, or (`xoauth2`) an OAuth access token.
    public var authentication: SmtpAuthentication
    public var fromAddress: String
    public var fromName: String?
    public var replyTo: String?
    public var caPEM: String?

    public init(
        host: String, port: Int, security: MailSecurity, username: String?, password: String?, fromAddress: String,
        fromName: String?, replyTo: String?, caPEM: String?, authentication: SmtpAuthentication = .password
    ) {
        self.authentication = authentication
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

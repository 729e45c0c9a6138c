import Foundation
import HeraldCore

/// Which SMTP server a scope's mail goes through and who it comes from: an organization's own settings when it
/// has them, else the platform relay (`smtp.relay`, `smtp.from`).
public struct MailRouting: Sendable {
    /// The relay as configured (nil: none).
    public var relay: SMTPServer?
    /// The From of relay mail (`Herald <noreply@example.com>`), parsed.
    public var relayFrom: MailAddress?
    /// The relay's DKIM signer, for mail from its domain.
    public var relaySigner: DKIMSigner?
    public var connectTimeout: Duration
    public var totalTimeout: Duration

    public init(
        relay: SMTPServer?, relayFrom: MailAddress?, relaySigner: DKIMSigner?, connectTimeout: Duration,
        totalTimeout: Duration
    ) {
        self.relay = relay
        self.relayFrom = relayFrom
        self.relaySigner = relaySigner
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
    }

    /// The routing of `smtp.*`. - Throws: an error naming the key whose file or value is unusable.
    public static func configured(_ smtp: SmtpConfiguration) throws -> MailRouting {
        let connect = Duration.milliseconds(Int64(smtp.connectTimeoutSeconds * 1000))
        let total = Duration.milliseconds(Int64(smtp.timeoutSeconds * 1000))
        var relay: SMTPServer?
        if !smtp.relay.isEmpty, let parsed = SmtpRelay(url: smtp.relay) {
            let ca = smtp.caFile.isEmpty ? nil : try String(contentsOfFile: smtp.caFile, encoding: .utf8)
            relay = SMTPServer(
                host: parsed.host, port: parsed.port, security: SMTPSecurity(parsed.security),
                username: parsed.username, password: parsed.password, caPEM: ca, connectTimeout: connect,
                totalTimeout: total)
        }
        let from = smtp.from.isEmpty ? nil : try parseAddress(smtp.from, field: "smtp.from")
        var signer: DKIMSigner?
        if !smtp.dkimDomain.isEmpty, let algorithm = DKIMAlgorithm(rawValue: smtp.dkimAlgorithm) {
            let pem = try String(contentsOfFile: smtp.dkimKeyFile, encoding: .utf8)
            signer = DKIMSigner(
                domain: smtp.dkimDomain, selector: smtp.dkimSelector, key: try DKIMKey(algorithm: algorithm, privateKeyPEM: pem))
        }
        return MailRouting(relay: relay, relayFrom: from, relaySigner: signer, connectTimeout: connect, totalTimeout: total)
    }

    /// `Name <address>` or a bare address.
    public static func parseAddress(_ text: String, field: String) throws(MailError) -> MailAddress {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            let name = trimmed[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            return try MailAddress(address, name: name.isEmpty ? nil : name, field: field)
        }
        return try MailAddress(trimmed, field: field)
    }

    /// An organization's server from its settings and opened secret (a password, or an XOAUTH2 token).
    public func server(_ settings: SmtpSettings, password: String?) -> SMTPServer {
        server(
            host: settings.host, port: settings.port, security: settings.security, username: settings.username,
            secret: password, authentication: settings.authentication, caPEM: settings.caPEM)
    }

    /// The server of `PUT …/smtp?verify=true` input.
    public func server(_ input: SmtpSettingsInput, password: String?) -> SMTPServer {
        server(
            host: input.host, port: input.port, security: input.security, username: input.username, secret: password,
            authentication: input.authentication, caPEM: input.caPEM)
    }

    private func server(
        host: String, port: Int, security: MailSecurity, username: String?, secret: String?,
        authentication: SmtpAuthentication, caPEM: String?
    ) -> SMTPServer {
        SMTPServer(
            host: host, port: port, security: SMTPSecurity(security), username: username,
            password: authentication == .password ? secret : nil, oauthToken: authentication == .xoauth2 ? secret : nil,
            caPEM: caPEM, connectTimeout: connectTimeout, totalTimeout: totalTimeout)
    }
}

extension SMTPSecurity {
    init(_ security: MailSecurity) {
        switch security {
        case .starttls: self = .starttls
        case .tls: self = .tls
        case .none: self = .none
        }
    }
}

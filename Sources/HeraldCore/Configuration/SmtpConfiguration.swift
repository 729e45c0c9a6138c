import Foundation

/// Mail settings (`smtp.*`): the platform relay, the sender of platform mail, the mail retry schedule.
public struct SmtpConfiguration: Sendable, Equatable {
    /// `smtp.relay`: `smtp://[user:pass@]host:port` (STARTTLS required), `smtps://…` (implicit TLS) or
    /// `smtp+plain://host:port` (no TLS; allow-listed hosts only). Empty: no relay (organizations without
    /// their own SMTP settings get no mail; those mails are dead with the reason, and can be retried).
    public var relay: String = ""
    /// `smtp.from`: the From of mail sent through the relay (`Herald <noreply@example.com>` or an address).
    public var from: String = ""
    /// `smtp.ca_file`: a CA bundle (PEM) to trust for the relay instead of the system's.
    public var caFile: String = ""
    /// `smtp.retry_schedule_seconds`: 1 min, 5 min, 30 min, 2 h, then every 4 h up to 2 days.
    public var retryScheduleSeconds: [Double] = [60, 300, 1800, 7200] + Array(repeating: 14_400, count: 11)
    /// `smtp.timeout_seconds`: one SMTP transaction, connect included.
    public var timeoutSeconds: Double = 60
    /// `smtp.connect_timeout_seconds`
    public var connectTimeoutSeconds: Double = 10
    /// `smtp.workers`: mails in flight in all (each holds one of the transport's threads while its SMTP
    /// transaction runs).
    public var workers: Int = 64
    /// `smtp.connections_per_server`: connections kept open, and mails in flight, per SMTP server (the relay,
    /// or one organization's server). A burst reuses them instead of reconnecting per message. 20 is Postfix's
    /// `default_destination_concurrency_limit`, below its `smtpd_client_connection_count_limit` (50).
    public var connectionsPerServer: Int = 20
    /// `smtp.message_id_domain`: the right-hand side of Message-IDs; empty: the domain of `smtp.from`, else
    /// `herald.localhost`.
    public var messageIDDomain: String = ""
    /// `smtp.invitation_url`: invitation mails link to this URL with the accept token appended (e.g.
    /// `https://sso.example.com/invitations/accept?token=`); empty: the mail gives the token only.
    public var invitationURL: String = ""
    /// `smtp.dkim_domain`, `smtp.dkim_selector`, `smtp.dkim_algorithm`, `smtp.dkim_key_file`: the relay's DKIM
    /// key (mail from that domain through the relay is signed); empty domain: none.
    public var dkimDomain: String = ""
    public var dkimSelector: String = ""
    public var dkimAlgorithm: String = "rsa-sha256"
    public var dkimKeyFile: String = ""

    public init() {}

    /// The Message-ID domain in effect.
    public var effectiveMessageIDDomain: String {
        if !messageIDDomain.isEmpty { return messageIDDomain }
        if let at = from.lastIndex(of: "@") {
            let domain = from[from.index(after: at)...].filter { $0 != ">" && $0 != " " }
            if !domain.isEmpty { return String(domain) }
        }
        return "herald.localhost"
    }
}

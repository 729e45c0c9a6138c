/// How the connection to an SMTP server is protected.
public enum SMTPSecurity: String, Sendable, Codable {
    /// Plain connection upgraded with STARTTLS, which is required: a server that does not offer it fails
    /// (never an opportunistic fallback to cleartext). Usually port 587.
    case starttls
    /// TLS from the first byte (`smtps://`, "implicit TLS"). Usually port 465.
    case tls
    /// No TLS at all. The caller allows it only for hosts on the outbound allow-list.
    case none
}

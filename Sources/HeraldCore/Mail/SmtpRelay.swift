import Foundation

/// The platform relay, parsed from `smtp.relay`: `smtp://[user:pass@]host[:port]` (STARTTLS, 587),
/// `smtps://…` (implicit TLS, 465) or `smtp+plain://host[:port]` (no TLS, 25).
public struct SmtpRelay: Sendable, Hashable {
    public var security: MailSecurity
    public var host: String
    public var port: Int
    public var username: String?
    public var password: String?

    /// nil when the text is not such a URL.
    public init?(url text: String) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else { return nil }
        switch scheme {
        case "smtp": security = .starttls
        case "smtps": security = .tls
        case "smtp+plain": security = .none
        default: return nil
        }
        self.host = host
        port = components.port ?? (security == .tls ? 465 : security == .none ? 25 : 587)
        guard (1...65_535).contains(port) else { return nil }
        username = components.percentEncodedUser.flatMap { $0.removingPercentEncoding }
        password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
    }
}

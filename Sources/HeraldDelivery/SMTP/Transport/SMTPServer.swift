/// One SMTP configuration: the platform relay or an organization's own server.
///
/// It is also the key of the transport's connection pool: two sends with equal values share connections,
/// and a changed password or CA gives new connections.
public struct SMTPServer: Sendable, Hashable, CustomStringConvertible {
    /// Host name or IP address (an IPv6 address without brackets).
    public var host: String
    public var port: Int
    public var security: SMTPSecurity
    /// Sent with AUTH when given (with ``password``, or with ``oauthToken`` for XOAUTH2).
    public var username: String?
    public var password: String?
    /// An OAuth 2.0 access token: when set, AUTH XOAUTH2 with ``username`` instead of the password.
    public var oauthToken: String?
    /// AUTH mechanism to use (`PLAIN`, `LOGIN`, …); `nil` lets curl pick the best one the server offers.
    public var authMechanism: String?
    /// PEM certificates of the CAs to trust instead of the system bundle.
    public var caPEM: String?
    /// Bound on establishing the connection (TCP and TLS).
    public var connectTimeout: Duration
    /// Bound on one whole transaction (connect, handshake, MAIL, RCPT, DATA).
    public var totalTimeout: Duration
    /// The name sent with EHLO; `nil` sends this machine's host name.
    public var heloName: String?
    /// The addresses to connect to for ``host`` (the ones Herald vetted), so that curl does not resolve the name
    /// again: a DNS answer that changed after the check cannot point the connection elsewhere. Empty: curl
    /// resolves ``host`` itself (the platform relay, which is configuration, and IP literals).
    public var connectAddresses: [String] = []

    public init(
        host: String, port: Int, security: SMTPSecurity = .starttls, username: String? = nil,
        password: String? = nil, oauthToken: String? = nil, authMechanism: String? = nil, caPEM: String? = nil,
        connectTimeout: Duration = .seconds(10), totalTimeout: Duration = .seconds(60), heloName: String? = nil
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.oauthToken = oauthToken
        self.authMechanism = authMechanism
        self.caPEM = caPEM
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.heloName = heloName
    }

    /// The `CURLOPT_RESOLVE` entry that pins ``host`` to ``connectAddresses`` (`HOST:PORT:ADDR[,ADDR]…`, IPv6
    /// addresses in brackets); nil when there is nothing to pin.
    var curlResolveEntry: String? {
        guard !connectAddresses.isEmpty, !host.isEmpty, !connectAddresses.contains(host) else { return nil }
        let addresses = connectAddresses.map { $0.contains(":") ? "[\($0)]" : $0 }
        return "\(host):\(port):\(addresses.joined(separator: ","))"
    }

    /// `host:port (security)` and the user name; never the password or the token.
    public var description: String {
        let user = username.map { ", user \($0)" } ?? ""
        return "\(host):\(port) (\(security.rawValue)\(user))"
    }
}

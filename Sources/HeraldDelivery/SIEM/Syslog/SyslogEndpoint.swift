/// Where a syslog receiver listens: `tcp://host:port` (RFC 6587) or `tls://host:port` (RFC 5425).
public struct SyslogEndpoint: Sendable, Hashable, CustomStringConvertible {
    public enum Transport: String, Sendable, Hashable {
        case tcp, tls

        /// 514 for TCP (the customary port; RFC 6587 assigns none), 6514 for TLS (RFC 5425).
        public var defaultPort: Int { self == .tcp ? 514 : 6514 }
    }

    public var transport: Transport
    /// A DNS name or an IP literal (IPv6 without brackets). Over TLS the certificate is verified against it.
    public var host: String
    public var port: Int

    public init(transport: Transport, host: String, port: Int) {
        self.transport = transport
        self.host = host
        self.port = port
    }

    /// Parses `tcp://host[:port]` or `tls://host[:port]`; an IPv6 host is bracketed (`tls://[::1]:6514`).
    ///
    /// - Throws: ``SyslogError`` `invalidEndpoint` for another scheme, user info, a path, or a bad port.
    public init(url: String) throws {
        let invalid = { (reason: String) in
            SyslogError(.invalidEndpoint, "syslog URL \(url) is invalid: \(reason)")
        }
        guard let separator = url.range(of: "://") else { throw invalid("expected tcp://host:port or tls://host:port") }
        guard let transport = Transport(rawValue: url[..<separator.lowerBound].lowercased()) else {
            throw invalid("the scheme must be tcp or tls")
        }
        var authority = Substring(url[separator.upperBound...])
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        guard !authority.contains("/"), !authority.contains("@"), !authority.contains("?"), !authority.contains("#")
        else { throw invalid("only host and port are allowed") }
        let host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw invalid("unterminated IPv6 literal") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw invalid("unexpected text after the IPv6 literal") }
                portText = rest.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0.isNewline }) else {
            throw invalid("the host is missing or has spaces")
        }
        var port = transport.defaultPort
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else { throw invalid("bad port") }
            port = value
        }
        self.init(transport: transport, host: String(host), port: port)
    }

    public var description: String {
        "\(transport.rawValue)://\(host.contains(":") ? "[\(host)]" : host):\(port)"
    }
}

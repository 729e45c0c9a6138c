import Foundation

extension SMTPServer {
    /// The URL curl connects to: `smtp://` or `smtps://`, the port, and the EHLO name as the path (curl's way
    /// of taking it).
    var curlURL: String {
        let scheme = security == .tls ? "smtps" : "smtp"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        // curl URL-decodes the path into the EHLO argument; the brackets and colons of an address literal are
        // encoded so that they cannot be read as part of the authority.
        let helo = (heloName ?? "").replacingOccurrences(of: "[", with: "%5B").replacingOccurrences(of: "]", with: "%5D")
            .replacingOccurrences(of: ":", with: "%3A")
        return "\(scheme)://\(hostPart):\(port)/\(helo)"
    }

    /// The login options for CURLOPT_LOGIN_OPTIONS: the mechanism to use, XOAUTH2 when a token is set.
    var curlLoginOptions: String? {
        if oauthToken != nil { return "AUTH=XOAUTH2" }
        return authMechanism.map { "AUTH=\($0)" }
    }

    /// Whether AUTH is expected (a user name with a password or a token).
    var hasCredentials: Bool { username != nil && (password != nil || oauthToken != nil) }

    /// What is wrong with this configuration before anything is sent, or `nil`.
    var configurationProblem: String? {
        if host.isEmpty { return "the SMTP host is empty" }
        if host.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || "/?#@[]\\%<>".unicodeScalars.contains($0) }) {
            return "the SMTP host \(host.debugDescription) is not a host name or an IP address"
        }
        if !(1...65535).contains(port) { return "the SMTP port \(port) is not between 1 and 65535" }
        if let heloName, heloName.isEmpty || !heloName.unicodeScalars.allSatisfy(Self.isHeloCharacter) {
            return "the EHLO name \(heloName.debugDescription) is not a domain name or an address literal"
        }
        if let authMechanism, authMechanism.isEmpty
            || !authMechanism.unicodeScalars.allSatisfy({ Self.isMechanismCharacter($0) })
        {
            return "the AUTH mechanism \(authMechanism.debugDescription) is not a SASL mechanism name"
        }
        for (name, value) in [("user name", username), ("password", password), ("OAuth token", oauthToken)] {
            if let value, value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                return "the SMTP \(name) contains a control character"
            }
        }
        if oauthToken != nil && username == nil { return "XOAUTH2 needs the user name that the token was issued for" }
        if connectTimeout <= .zero || totalTimeout <= .zero { return "the SMTP timeouts must be positive" }
        return nil
    }

    private static func isHeloCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", ".", "-", "[", "]", ":": true
        default: false
        }
    }

    private static func isMechanismCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "0"..."9", "-", "_": true
        default: false
        }
    }
}

extension Duration {
    /// Whole milliseconds, at least 1 (curl reads 0 as "no limit").
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

/// Parsing of listener addresses: `HOST:PORT` or `[IPv6]:PORT`.
enum ListenerAddress {
    /// Splits `127.0.0.1:8080`, `localhost:0` or `[::1]:8081` into host and port (0 to 65535).
    ///
    /// An unbracketed IPv6 address (`::1:8080`) is ambiguous and rejected, as are an empty host, a missing or
    /// non-numeric port, and whitespace anywhere.
    static func parse(_ text: String) -> (host: String, port: Int)? {
        guard !text.contains(where: { $0.isWhitespace }) else { return nil }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
            guard host.contains(":") else { return nil }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else { return nil }
        }
        guard !host.isEmpty, !host.contains("/"), !host.contains("["), !host.contains("]"),
            !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(portText), (0...65535).contains(port)
        else { return nil }
        return (String(host), port)
    }

    /// The canonical text of a host and port (IPv6 hosts in brackets).
    static func format(host: String, port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

}

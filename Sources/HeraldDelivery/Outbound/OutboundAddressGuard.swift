import Foundation
import HeraldCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Vets an outbound URL (webhook endpoint, SIEM collector) before every attempt: resolves its host
/// and refuses it when any address is loopback, private, link-local, CGNAT, multicast, unspecified,
/// broadcast, reserved, a cloud metadata address, or such an address embedded in IPv6 (IPv4-mapped,
/// NAT64, 6to4) — unless the address is inside the configured allow-list (`outbound.allowlist`).
///
/// URL rules: the scheme is `https`, or `http` when every resolved address is allow-listed; no user
/// info; port 1–65535. The URL is parsed the way AsyncHTTPClient parses it (`URL(string:)`, `host`,
/// `port`), so the host vetted here is the host the client would connect to.
///
/// ## The rebinding window with AsyncHTTPClient 1.37
///
/// AHC has no per-request resolver hook: given a host name it calls `getaddrinfo` itself when it
/// opens a connection, so checking here and then handing AHC the name leaves a window in which a
/// DNS answer with a short TTL can change between the check and the connect (DNS rebinding), and a
/// pooled keep-alive connection opened earlier is reused without any check. What AHC does allow:
///
/// - A URL whose host is an IP literal is connected to without any resolution
///   (`ConnectionTarget.ipAddress`), and an explicit `Host` header is kept
///   (`addHostIfNeeded` adds one only when missing). For `http` that closes the window completely:
///   send to `OutboundDestination.pinnedURL` with `Host: hostHeader`.
/// - For `https` an IP literal breaks SNI and certificate verification (both would use the IP), and
///   a per-request `TLSConfiguration` cannot change the server name. `HTTPClient.Configuration
///   .dnsOverride` (`[host: ip]`) does exactly what is needed — connect to the IP, send SNI and
///   verify the certificate for the host name — but it is a property of the client, not of a
///   request. So the smallest window AHC supports is a client per vetted (host, address) pin with
///   `dnsOverride = destination.dnsOverride`, redirects off, sharing the one event loop group; it
///   can be cached per destination and replaced when a later vetting pins another address.
///   Then nothing remains between check and connect; what remains is that a pooled connection to
///   a pinned address stays open after DNS moves on (harmless: it was vetted).
/// - A shared client given the host name (no pinning) leaves the window of one extra `getaddrinfo`
///   (milliseconds, but an attacker controlling the DNS answers can win it every time) plus reuse of
///   pooled connections; that is the fallback if a client per pin proves too costly.
public struct OutboundAddressGuard: Sendable {
    /// Ranges that are allowed even when they are in a refused range (tests, on-prem receivers).
    public var allowList: [CIDR]
    /// Resolves host names; the system resolver by default.
    public var resolver: OutboundResolver
    /// How long a resolution may take before the attempt fails (the connect timeout's share of an attempt).
    /// A `getaddrinfo` call cannot be cancelled: past the bound its thread finishes on its own, unawaited.
    public var resolutionTimeout: Duration

    public init(allowList: [CIDR], resolver: OutboundResolver = .system, resolutionTimeout: Duration = .seconds(5)) {
        self.allowList = allowList
        self.resolver = resolver
        self.resolutionTimeout = resolutionTimeout
    }

    /// The host's addresses, or a refusal once ``resolutionTimeout`` has passed.
    private func resolve(_ host: String) async throws -> [String] {
        let resolver = self.resolver
        let timeout = resolutionTimeout
        return try await withThrowingTaskGroup(of: [String]?.self) { group in
            group.addTask { try await resolver.resolve(host) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let addresses = first else {
                throw Self.refusal("resolving \(host) took longer than \(timeout)")
            }
            return addresses
        }
    }

    /// Parses and checks `urlString`, resolves its host and checks every address.
    ///
    /// - Returns: the destination with the vetted addresses, in resolver order; connect only to those.
    /// - Throws: `HeraldError` `outbound_refused` (field `url`) naming the rule, or the address and
    ///   the range it is in.
    public func vet(_ urlString: String) async throws -> OutboundDestination {
        let target = try Self.parse(urlString)
        let addresses = try await resolve(target.host)
        guard !addresses.isEmpty else { throw Self.refusal("host \(target.host) has no addresses") }
        var allAllowListed = true
        for address in addresses {
            if let refusal = check(address: address) {
                let origin = address == target.host ? "" : " (resolved from \(target.host))"
                throw Self.refusal("address \(address)\(origin) is \(refusal.description); refused unless allow-listed in outbound.allowlist")
            }
            if !CIDR.any(allowList, contains: address) { allAllowListed = false }
        }
        if target.scheme == "http" && !allAllowListed {
            throw Self.refusal("http is allowed only for hosts whose addresses are all allow-listed; use https for \(target.host)")
        }
        return OutboundDestination(
            url: target.url, scheme: target.scheme, host: target.host, port: target.port, addresses: addresses,
            allAllowListed: allAllowListed)
    }

    /// Why `address` is refused, or `nil` when it may be connected to (public, or allow-listed).
    public func check(address: String) -> ForbiddenRange? {
        if CIDR.any(allowList, contains: address) { return nil }
        guard let bytes = parseAddress(address) else {
            return ForbiddenRange(name: "not an IP address", range: nil)
        }
        return Self.forbiddenRange(of: bytes)
    }

    /// The refused range that contains `address` (textual IPv4 or IPv6), ignoring the allow-list.
    public static func forbiddenRange(of address: String) -> ForbiddenRange? {
        guard let bytes = parseAddress(address) else { return ForbiddenRange(name: "not an IP address", range: nil) }
        return forbiddenRange(of: bytes)
    }

    // MARK: - URL rules

    struct Target {
        var url: URL
        var scheme: String
        var host: String
        var port: Int
    }

    static func parse(_ text: String) throws -> Target {
        guard text.utf8.count <= 2048 else { throw refusal("the URL is longer than 2048 bytes") }
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7f })
        else { throw refusal("the URL contains whitespace or control characters") }
        guard let url = URL(string: text), let rawScheme = url.scheme else { throw refusal("not an absolute URL") }
        let scheme = rawScheme.lowercased()
        guard scheme == "https" || scheme == "http" else {
            throw refusal("the scheme must be https (or http for allow-listed hosts), not \(rawScheme)")
        }
        // The authority as written: user info is refused even when empty (`https://@host`), and so is
        // a backslash, which some parsers treat as a path separator (a parser differential).
        let afterScheme = text.drop { $0 != ":" }.dropFirst()
        guard afterScheme.hasPrefix("//") else { throw refusal("the URL has no host") }
        let authority = afterScheme.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard url.user == nil, url.password == nil, !authority.contains("@") else {
            throw refusal("user info (user:password@) is not allowed in an outbound URL")
        }
        guard !authority.contains("\\") else { throw refusal("the host part contains a backslash") }
        guard var host = url.host, !host.isEmpty else { throw refusal("the URL has no host") }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw refusal("the URL has no host") }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        guard (1...65535).contains(port) else { throw refusal("port \(port) is outside 1–65535") }
        // An explicit port 0 or one that overflows may be dropped by URL(string:); read it as written.
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            let digits = authority[authority.index(after: colon)...]
            guard let written = Int(digits), (1...65535).contains(written) else {
                throw refusal("port \(digits.isEmpty ? "(empty)" : String(digits)) is outside 1–65535")
            }
        }
        return Target(url: url, scheme: scheme, host: host, port: port)
    }

    static func refusal(_ message: String) -> HeraldError {
        HeraldError(.outboundRefused, "outbound URL refused: \(message)", field: "url")
    }

    // MARK: - Ranges

    /// Ranges refused outright (IPv4 first, then IPv6); the more specific entries come first so the
    /// message names them (metadata before link-local).
    static let refusedRanges: [(CIDR, String)] = [
        ("169.254.169.254/32", "the cloud metadata address"),
        ("255.255.255.255/32", "the broadcast address"),
        ("0.0.0.0/8", "in the unspecified (this-network) range"),
        ("10.0.0.0/8", "in the private range"),
        ("100.64.0.0/10", "in the carrier-grade NAT range"),
        ("127.0.0.0/8", "in the loopback range"),
        ("169.254.0.0/16", "in the link-local range"),
        ("172.16.0.0/12", "in the private range"),
        ("192.0.0.0/24", "in the IETF protocol assignments range"),
        ("192.0.2.0/24", "in a documentation range"),
        ("192.168.0.0/16", "in the private range"),
        ("198.18.0.0/15", "in the benchmarking range"),
        ("198.51.100.0/24", "in a documentation range"),
        ("203.0.113.0/24", "in a documentation range"),
        ("224.0.0.0/4", "in the multicast range"),
        ("240.0.0.0/4", "in the reserved range"),
        ("fd00:ec2::254/128", "the cloud metadata address"),
        ("::/128", "the unspecified address"),
        ("::1/128", "the loopback address"),
        ("::/96", "in the deprecated IPv4-compatible range"),
        ("64:ff9b:1::/48", "in the local-use NAT64 range"),
        ("100::/64", "in the discard-only range"),
        ("2001::/32", "in the Teredo range"),
        ("2001:db8::/32", "in the documentation range"),
        ("fc00::/7", "in the unique local (private) range"),
        ("fe80::/10", "in the link-local range"),
        ("fec0::/10", "in the deprecated site-local range"),
        ("ff00::/8", "in the multicast range"),
    ].map { (CIDR($0.0)!, $0.1) }

    /// IPv6 ranges that carry an IPv4 address: the range, its name, and where the IPv4 bytes are.
    static let embeddingRanges: [(CIDR, String, Range<Int>)] = [
        (CIDR("::ffff:0:0/96")!, "an IPv4-mapped IPv6 address", 12..<16),
        (CIDR("::ffff:0:0:0/96")!, "an IPv4-translated IPv6 address", 12..<16),
        (CIDR("64:ff9b::/96")!, "a NAT64 address", 12..<16),
        (CIDR("2002::/16")!, "a 6to4 address", 2..<6),
    ]

    static func forbiddenRange(of bytes: [UInt8]) -> ForbiddenRange? {
        if bytes.count == 16 {
            for (range, name, slice) in embeddingRanges where matches(range, bytes) {
                let inner = Array(bytes[slice])
                guard let refused = forbiddenRange(of: inner) else { return nil }
                return ForbiddenRange(name: "\(name) (\(range)) of \(formatIPv4(inner)), \(refused.name)", range: refused.range)
            }
        }
        for (range, name) in refusedRanges where matches(range, bytes) {
            return ForbiddenRange(name: name, range: range)
        }
        return nil
    }

    static func matches(_ range: CIDR, _ bytes: [UInt8]) -> Bool {
        guard bytes.count == range.network.count else { return false }
        var remaining = range.prefixLength
        for index in bytes.indices where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if bytes[index] & mask != range.network[index] & mask { return false }
            remaining -= bits
        }
        return true
    }

    static func formatIPv4(_ bytes: [UInt8]) -> String { bytes.map(String.init).joined(separator: ".") }
}

/// A refused range: what it is and its CIDR (`nil` when the input is not an address at all).
public struct ForbiddenRange: Sendable, Hashable, CustomStringConvertible {
    /// A phrase such as `in the private range`, `the cloud metadata address`.
    public let name: String
    public let range: CIDR?

    public var description: String { range.map { "\(name) \($0)" } ?? name }
}

/// A URL that passed `OutboundAddressGuard.vet` and the addresses it may be connected to.
public struct OutboundDestination: Sendable, Hashable {
    /// The URL as parsed (the same parser AsyncHTTPClient uses).
    public let url: URL
    /// `https` or `http`.
    public let scheme: String
    /// The host of the URL, without IPv6 brackets.
    public let host: String
    public let port: Int
    /// Every address the host resolved to, all vetted, in resolver order.
    public let addresses: [String]
    /// Whether every address is inside the allow-list.
    public let allAllowListed: Bool

    /// `[host: first vetted address]` for `HTTPClient.Configuration.dnsOverride`: the client then
    /// connects to that address while sending SNI and verifying the certificate for `host`.
    /// Empty when the host is already an IP literal.
    public var dnsOverride: [String: String] {
        guard let first = addresses.first, first != host else { return [:] }
        return [host: first]
    }

    /// The URL with its host replaced by the first vetted address (IPv6 in brackets): for `http`,
    /// send here with a `Host: hostHeader` header and no resolution happens at connect time.
    public var pinnedURL: String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false), let first = addresses.first else {
            return url.absoluteString
        }
        components.host = first.contains(":") ? "[\(first)]" : first
        return components.string ?? url.absoluteString
    }

    /// The `Host` header value for `pinnedURL`: the original host, with the port when not the default.
    public var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        let defaultPort = scheme == "https" ? 443 : 80
        return port == defaultPort ? name : "\(name):\(port)"
    }
}

/// The bytes of a textual IPv4 (4) or IPv6 (16) address; an IPv6 zone (`%eth0`) is ignored.
func parseAddress(_ text: String) -> [UInt8]? {
    var address = text
    if let percent = address.firstIndex(of: "%") { address = String(address[..<percent]) }
    guard !address.isEmpty else { return nil }
    var bytes = [UInt8](repeating: 0, count: 16)
    if address.contains(":") {
        return bytes.withUnsafeMutableBytes { inet_pton(AF_INET6, address, $0.baseAddress) } == 1 ? bytes : nil
    }
    let result = bytes.withUnsafeMutableBytes { inet_pton(AF_INET, address, $0.baseAddress) }
    return result == 1 ? Array(bytes.prefix(4)) : nil
}

extension HeraldError.Code {
    /// An outbound URL or one of its addresses is not allowed (SSRF guard).
    public static let outboundRefused = HeraldError.Code("outbound_refused", status: 400)
}

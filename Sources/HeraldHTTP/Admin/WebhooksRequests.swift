import Foundation
import HeraldCore

/// Input rules of the webhook routes. Address vetting (DNS, private ranges) happens on every delivery
/// attempt; here only the syntax and the scheme are checked.
enum WebhookInput {
    static let maxURLLength = 2048
    static let maxDescriptionLength = 500
    static let maxHeaders = 20
    static let maxHeaderNameLength = 100
    static let maxHeaderValueLength = 1000
    static let rateLimitRange = 1...10_000

    /// Headers that a client may not set: the signature headers, and those that the deliverer owns.
    static let reservedHeaders: Set<String> = [
        "host", "content-length", "content-type", "transfer-encoding", "connection", "te", "upgrade", "trailer",
        "keep-alive", "proxy-connection",
    ]

    /// Checks an endpoint URL: an absolute `https` URL (or `http` to an IP literal or `localhost` inside the
    /// outbound allow-list), at most 2048 characters, without user information.
    static func url(_ value: String, allowlist: [String], field: String = "url") throws {
        guard !value.isEmpty, value.count <= maxURLLength else {
            throw HeraldError.invalid(field, "\(field) must be 1 to \(maxURLLength) characters")
        }
        guard !value.unicodeScalars.contains(where: {
            $0.properties.isWhitespace || $0.properties.generalCategory == .control || !$0.isASCII
        }) else {
            throw HeraldError.invalid(field, "\(field) must be an absolute URL without spaces or control characters")
        }
        guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased(),
            scheme == "https" || scheme == "http", let rawHost = components.host, !rawHost.isEmpty,
            value.lowercased().hasPrefix(scheme + "://")
        else {
            throw HeraldError.invalid(field, "\(field) must be an absolute http(s) URL with a host")
        }
        guard components.user == nil, components.password == nil, !authority(of: value).contains("@") else {
            throw HeraldError.invalid(field, "\(field) must not contain user information")
        }
        if let port = components.port, !(1...65_535).contains(port) {
            throw HeraldError.invalid(field, "\(field) has an invalid port")
        }
        guard scheme == "http" else { return }
        var host = rawHost.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let ranges = CIDR.parseList(allowlist).ranges
        let allowed: Bool
        if host == "localhost" {
            allowed = CIDR.any(ranges, contains: "127.0.0.1") || CIDR.any(ranges, contains: "::1")
        } else {
            allowed = CIDR(host) != nil && CIDR.any(ranges, contains: host)
        }
        guard allowed else {
            throw HeraldError.invalid(
                field, "\(field) must use https (plain http only to an allow-listed IP address or localhost)")
        }
    }

    /// The authority part of a URL text (between `//` and the next `/`, `?` or `#`).
    private static func authority(of value: String) -> Substring {
        guard let start = value.range(of: "://")?.upperBound else { return "" }
        let rest = value[start...]
        let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? rest.endIndex
        return rest[..<end]
    }

    static func description(_ value: String?) throws {
        if let value, value.count > maxDescriptionLength {
            throw HeraldError.invalid("description", "description must be at most \(maxDescriptionLength) characters")
        }
    }

    static func rateLimit(_ value: Int?) throws {
        if let value, !rateLimitRange.contains(value) {
            throw HeraldError.invalid(
                "rate_limit_per_second",
                "rate_limit_per_second must be between \(rateLimitRange.lowerBound) and \(rateLimitRange.upperBound), or null")
        }
    }

    /// Checks custom headers: at most 20, names of token characters (not `webhook-*` nor a header the deliverer
    /// sets), values of at most 1000 printable ASCII characters or tabs (so no CR, LF or other control characters).
    static func headers(_ headers: [String: String]) throws {
        guard headers.count <= maxHeaders else {
            throw HeraldError.invalid("headers", "headers holds at most \(maxHeaders) entries")
        }
        var seen = Set<String>()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            let lower = name.lowercased()
            guard !name.isEmpty, name.count <= maxHeaderNameLength, name.unicodeScalars.allSatisfy(isTokenCharacter)
            else {
                throw HeraldError.invalid("headers", "header name \(name.debugDescription) is not a valid HTTP header name")
            }
            guard !lower.hasPrefix("webhook-"), !reservedHeaders.contains(lower) else {
                throw HeraldError.invalid("headers", "header \(name) is set by Herald and cannot be overridden")
            }
            guard seen.insert(lower).inserted else {
                throw HeraldError.invalid("headers", "header \(name) is given twice")
            }
            guard value.count <= maxHeaderValueLength,
                value.unicodeScalars.allSatisfy({ $0 == "\t" || (0x20...0x7E).contains($0.value) })
            else {
                throw HeraldError.invalid(
                    "headers",
                    "the value of header \(name) must be at most \(maxHeaderValueLength) printable ASCII characters (no CR, LF or other control characters)")
            }
        }
    }

    /// RFC 9110 `tchar`.
    private static func isTokenCharacter(_ scalar: Unicode.Scalar) -> Bool {
        guard scalar.isASCII else { return false }
        let c = Character(scalar)
        return c.isLetter || c.isNumber || "!#$%&'*+-.^_`|~".unicodeScalars.contains(scalar)
    }
}

/// `POST /api/organizations/{slug}/webhooks`.
struct CreateWebhookBody: Decodable {
    var url: String
    var description: String?
    var eventTypes: [String]?
    var rateLimitPerSecond: Int?
    var ordered: Bool?
    var headers: [String: String]?
    var signing: WebhookSigningScheme?

    enum CodingKeys: String, CodingKey {
        case url, description, ordered, headers, signing
        case eventTypes = "event_types", rateLimitPerSecond = "rate_limit_per_second"
    }

    func validated(allowlist: [String]) throws -> NewWebhookEndpoint {
        try WebhookInput.url(url, allowlist: allowlist)
        try WebhookInput.description(description)
        try EventTypeFilter.validate(eventTypes ?? [])
        try WebhookInput.rateLimit(rateLimitPerSecond)
        try WebhookInput.headers(headers ?? [:])
        return NewWebhookEndpoint(
            url: url, description: description, eventTypes: eventTypes ?? [], rateLimitPerSecond: rateLimitPerSecond,
            ordered: ordered ?? false, headers: headers ?? [:], signing: signing ?? .v1)
    }
}

/// `PATCH /api/organizations/{slug}/webhooks/{id}`: absent fields stay; `description` and
/// `rate_limit_per_second` may be set to null.
struct UpdateWebhookBody: Decodable {
    var patch = WebhookEndpointPatch()

    enum CodingKeys: String, CodingKey {
        case url, description, enabled, ordered, headers
        case eventTypes = "event_types", rateLimitPerSecond = "rate_limit_per_second"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        patch.url = try c.decodeIfPresent(String.self, forKey: .url)
        if c.contains(.description) { patch.description = .some(try c.decodeIfPresent(String.self, forKey: .description)) }
        patch.eventTypes = try c.decodeIfPresent([String].self, forKey: .eventTypes)
        patch.enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled)
        if c.contains(.rateLimitPerSecond) {
            patch.rateLimitPerSecond = .some(try c.decodeIfPresent(Int.self, forKey: .rateLimitPerSecond))
        }
        patch.ordered = try c.decodeIfPresent(Bool.self, forKey: .ordered)
        patch.headers = try c.decodeIfPresent([String: String].self, forKey: .headers)
    }

    func validated(allowlist: [String]) throws -> WebhookEndpointPatch {
        if let url = patch.url { try WebhookInput.url(url, allowlist: allowlist) }
        if let description = patch.description { try WebhookInput.description(description) }
        if let eventTypes = patch.eventTypes { try EventTypeFilter.validate(eventTypes) }
        if let rateLimit = patch.rateLimitPerSecond { try WebhookInput.rateLimit(rateLimit) }
        if let headers = patch.headers { try WebhookInput.headers(headers) }
        return patch
    }
}

/// `POST …/webhooks/{id}/replay`.
struct ReplayWebhookBody: Decodable {
    var since: String

    func validated() throws -> Date {
        guard since.count <= 40, let date = Timestamp.parse(since) else {
            throw HeraldError.invalid("since", "since must be an RFC 3339 date-time (or a YYYY-MM-DD date) from 1970 on")
        }
        return date
    }
}

import Foundation

/// How an endpoint's deliveries are signed: `v1` (HMAC-SHA256 with a `whsec_` secret, the default) or
/// `v1a` (Ed25519; receivers verify with the endpoint's public key).
public enum WebhookSigningScheme: String, Sendable, Hashable, Codable, CaseIterable {
    case v1, v1a
}

/// An organization's webhook endpoint. Its signing secret is not part of this value: it is sealed at rest and
/// read only through ``WebhookStore/signingKeys(endpointId:)`` and the explicit reveal.
public struct WebhookEndpoint: Sendable, Hashable {
    public var id: String
    public var orgId: String
    public var url: String
    public var description: String?
    /// Exact names or `prefix.*`; empty = every event type.
    public var eventTypes: [String]
    public var enabled: Bool
    public var disabledReason: String?
    /// Most requests per second to this endpoint (nil = no limit beyond the concurrency cap).
    public var rateLimitPerSecond: Int?
    /// FIFO: one delivery at a time, in event order.
    public var ordered: Bool
    /// Extra request headers (never `webhook-*`, `host`, `content-length`, `content-type`).
    public var headers: [String: String]
    public var signing: WebhookSigningScheme
    /// Since when every attempt has failed (nil after a success): drives auto-disable.
    public var failingSince: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, orgId: String, url: String, description: String?, eventTypes: [String], enabled: Bool,
        disabledReason: String?, rateLimitPerSecond: Int?, ordered: Bool, headers: [String: String],
        signing: WebhookSigningScheme, failingSince: Date?, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.url = url
        self.description = description
        self.eventTypes = eventTypes
        self.enabled = enabled
        self.disabledReason = disabledReason
        self.rateLimitPerSecond = rateLimitPerSecond
        self.ordered = ordered
        self.headers = headers
        self.signing = signing
        self.failingSince = failingSince
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Whether this endpoint wants events of `type`.
    public func wants(_ type: String) -> Bool {
        EventTypeFilter(eventTypes).matches(type)
    }
}

/// The fields of a new endpoint (validated by the caller).
public struct NewWebhookEndpoint: Sendable, Hashable {
    public var url: String
    public var description: String?
    public var eventTypes: [String]
    public var rateLimitPerSecond: Int?
    public var ordered: Bool
    public var headers: [String: String]
    public var signing: WebhookSigningScheme

    public init(
        url: String, description: String? = nil, eventTypes: [String] = [], rateLimitPerSecond: Int? = nil,
        ordered: Bool = false, headers: [String: String] = [:], signing: WebhookSigningScheme = .v1
    ) {
        self.url = url
        self.description = description
        self.eventTypes = eventTypes
        self.rateLimitPerSecond = rateLimitPerSecond
        self.ordered = ordered
        self.headers = headers
        self.signing = signing
    }
}

/// A partial update of an endpoint: nil leaves a field alone; `.some(nil)` clears an optional one.
/// Enabling clears `disabled_reason` and `failing_since`.
public struct WebhookEndpointPatch: Sendable, Hashable {
    public var url: String?
    public var description: String??
    public var eventTypes: [String]?
    public var enabled: Bool?
    public var rateLimitPerSecond: Int??
    public var ordered: Bool?
    public var headers: [String: String]?

    public init(
        url: String? = nil, description: String?? = nil, eventTypes: [String]? = nil, enabled: Bool? = nil,
        rateLimitPerSecond: Int?? = nil, ordered: Bool? = nil, headers: [String: String]? = nil
    ) {
        self.url = url
        self.description = description
        self.eventTypes = eventTypes
        self.enabled = enabled
        self.rateLimitPerSecond = rateLimitPerSecond
        self.ordered = ordered
        self.headers = headers
    }
}

/// Matches event types against a list of exact names and `prefix.*` patterns (empty list = everything).
public struct EventTypeFilter: Sendable, Hashable {
    public let patterns: [String]

    public init(_ patterns: [String]) { self.patterns = patterns }

    public func matches(_ type: String) -> Bool {
        guard !patterns.isEmpty else { return true }
        return patterns.contains { pattern in
            if pattern == "*" { return true }
            // `prefix.*`: the type starts with `prefix.` (patterns are ASCII: compared byte by byte, no copy).
            if pattern.hasSuffix(".*") { return type.utf8.starts(with: pattern.utf8.dropLast()) }
            return pattern == type
        }
    }

    /// Checks that each pattern is a dotted lowercase name, optionally ending in `.*`, or `*`.
    public static func validate(_ patterns: [String], field: String = "event_types") throws {
        guard patterns.count <= 100 else { throw HeraldError.invalid(field, "\(field) holds at most 100 entries") }
        for pattern in patterns {
            let name = pattern.hasSuffix(".*") ? String(pattern.dropLast(2)) : pattern
            let valid = pattern == "*" || (!name.isEmpty && name.count <= 100
                && name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
                    !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
                })
            guard valid else {
                throw HeraldError.invalid(field, "\(pattern) is not an event type or a prefix.* pattern")
            }
        }
    }
}

import Foundation

/// Where an organization's (or, with no organization, the whole platform's) events are forwarded: one SIEM
/// destination, reached through a connector, with its own durable cursor into the events table.
///
/// Credentials are sealed at rest and never part of this value; ``credentialNames`` says which were given.
public struct SiemIntegration: Sendable, Hashable, Identifiable {
    public var id: String
    /// The organization whose events it forwards; nil for a platform-wide integration (every event).
    public var orgId: String?
    /// The connector id (`splunk-hec`, `datadog`, `syslog`…): a manifest under `connectors/`.
    public var provider: String
    public var name: String
    /// The base URL of an HTTP connector, or `tcp://host:port` / `tls://host:port` for syslog; empty when the
    /// connector takes its URL from the credentials (Sumo Logic).
    public var endpoint: String
    /// Exact names or `prefix.*`; empty = every event type.
    public var eventTypes: [String]
    /// Events below this severity are not forwarded.
    public var minSeverity: Severity
    public var schema: SiemSchema
    /// Connector options that are not secret (a HEC `index`, a Datadog `service`, a syslog `facility`…).
    public var options: [String: String]
    /// The names of the credentials stored (their values are write-only).
    public var credentialNames: [String]
    /// The operator's switch: false pauses forwarding (the cursor waits; nothing is lost).
    public var enabled: Bool
    /// Set when the destination refused the credentials or the configuration for good (e.g. HEC "Invalid
    /// token"): forwarding stops until the integration is updated.
    public var disabledReason: String?
    /// The position in the events table up to which events were forwarded (or skipped by the filter).
    public var cursor: Int64
    public var lastSuccessAt: Date?
    public var lastError: String?
    public var lastErrorAt: Date?
    /// Events dropped with a reason (over the destination's limits, refused one by one): dead letters.
    public var droppedEvents: Int64
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, orgId: String?, provider: String, name: String, endpoint: String, eventTypes: [String],
        minSeverity: Severity, schema: SiemSchema, options: [String: String], credentialNames: [String],
        enabled: Bool, disabledReason: String?, cursor: Int64, lastSuccessAt: Date?, lastError: String?,
        lastErrorAt: Date?, droppedEvents: Int64, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.provider = provider
        self.name = name
        self.endpoint = endpoint
        self.eventTypes = eventTypes
        self.minSeverity = minSeverity
        self.schema = schema
        self.options = options
        self.credentialNames = credentialNames
        self.enabled = enabled
        self.disabledReason = disabledReason
        self.cursor = cursor
        self.lastSuccessAt = lastSuccessAt
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.droppedEvents = droppedEvents
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// `paused` while switched off; `error` when stopped by the destination or when the latest attempt failed;
    /// `active` otherwise.
    public var status: SiemIntegrationStatus {
        if !enabled { return .paused }
        if disabledReason != nil { return .error }
        if let lastErrorAt, lastErrorAt >= (lastSuccessAt ?? .distantPast) { return .error }
        return .active
    }

    /// Whether the integration forwards events now.
    public var isForwarding: Bool { enabled && disabledReason == nil }

    /// Whether an event passes the integration's filter (its scope, the organization, is the store's business).
    public func matches(_ event: Event) -> Bool {
        event.severity >= minSeverity && EventTypeFilter(eventTypes).matches(event.type)
    }
}

/// The health of an integration, as the API shows it.
public enum SiemIntegrationStatus: String, Sendable, Hashable, Codable {
    case active, paused, error
}

/// How far an integration is behind the events in its scope.
public struct SiemLag: Sendable, Hashable {
    /// Events in scope after the cursor (before the filter).
    public var events: Int64
    /// Age of the oldest of them; 0 when caught up.
    public var seconds: Double

    public init(events: Int64, seconds: Double) {
        self.events = events
        self.seconds = seconds
    }
}

/// A new integration, checked against its connector by ``SiemIntegrationValidator``.
public struct NewSiemIntegration: Sendable, Hashable {
    public var provider: String
    public var name: String
    public var endpoint: String
    public var credentials: [String: String]
    public var eventTypes: [String]
    public var minSeverity: Severity
    public var schema: SiemSchema
    public var options: [String: String]
    public var enabled: Bool

    public init(
        provider: String, name: String, endpoint: String, credentials: [String: String], eventTypes: [String],
        minSeverity: Severity, schema: SiemSchema, options: [String: String], enabled: Bool
    ) {
        self.provider = provider
        self.name = name
        self.endpoint = endpoint
        self.credentials = credentials
        self.eventTypes = eventTypes
        self.minSeverity = minSeverity
        self.schema = schema
        self.options = options
        self.enabled = enabled
    }
}

/// A partial update; nil members stay as they are. Credentials, when given, replace the stored ones whole.
public struct SiemIntegrationPatch: Sendable, Hashable {
    public var name: String?
    public var endpoint: String?
    public var credentials: [String: String]?
    public var eventTypes: [String]?
    public var minSeverity: Severity?
    public var schema: SiemSchema?
    public var options: [String: String]?
    public var enabled: Bool?

    public init(
        name: String? = nil, endpoint: String? = nil, credentials: [String: String]? = nil,
        eventTypes: [String]? = nil, minSeverity: Severity? = nil, schema: SiemSchema? = nil,
        options: [String: String]? = nil, enabled: Bool? = nil
    ) {
        self.name = name
        self.endpoint = endpoint
        self.credentials = credentials
        self.eventTypes = eventTypes
        self.minSeverity = minSeverity
        self.schema = schema
        self.options = options
        self.enabled = enabled
    }
}

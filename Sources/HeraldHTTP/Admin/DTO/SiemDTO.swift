import HeraldCore
import Hummingbird

/// A SIEM integration; credentials are write-only (`credentials_set` names those stored).
struct SiemIntegrationDTO: ResponseEncodable {
    var integration: SiemIntegration
    var lag: SiemLag

    enum CodingKeys: String, CodingKey {
        case id, provider, name, endpoint, schema, options, enabled, status
        case orgId = "org_id", credentialsSet = "credentials_set", eventTypes = "event_types"
        case minSeverity = "min_severity", disabledReason = "disabled_reason", lastSuccessAt = "last_success_at"
        case lastError = "last_error", lastErrorAt = "last_error_at", lagEvents = "lag_events"
        case lagSeconds = "lag_seconds", droppedEvents = "dropped_events", createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let i = integration
        try c.encode(i.id, forKey: .id)
        try c.encode(i.orgId, forKey: .orgId)
        try c.encode(i.provider, forKey: .provider)
        try c.encode(i.name, forKey: .name)
        try c.encode(i.endpoint, forKey: .endpoint)
        try c.encode(i.credentialNames, forKey: .credentialsSet)
        try c.encode(i.eventTypes, forKey: .eventTypes)
        try c.encode(i.minSeverity, forKey: .minSeverity)
        try c.encode(i.schema, forKey: .schema)
        try c.encode(i.options, forKey: .options)
        try c.encode(i.enabled, forKey: .enabled)
        try c.encode(i.status, forKey: .status)
        try c.encode(i.disabledReason, forKey: .disabledReason)
        try c.encode(i.lastSuccessAt.map(Timestamp.format), forKey: .lastSuccessAt)
        try c.encode(i.lastError, forKey: .lastError)
        try c.encode(i.lastErrorAt.map(Timestamp.format), forKey: .lastErrorAt)
        try c.encode(lag.events, forKey: .lagEvents)
        try c.encode((lag.seconds * 1000).rounded() / 1000, forKey: .lagSeconds)
        try c.encode(i.droppedEvents, forKey: .droppedEvents)
        try c.encode(Timestamp.format(i.createdAt), forKey: .createdAt)
        try c.encode(Timestamp.format(i.updatedAt), forKey: .updatedAt)
    }
}

/// `POST …/siem/{id}/test`.
struct SiemTestResultDTO: ResponseEncodable {
    var result: SiemTestResult

    enum CodingKeys: String, CodingKey {
        case success, message
        case statusCode = "status_code", vendorCode = "vendor_code", latencyMs = "latency_ms"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(result.success, forKey: .success)
        try c.encode(result.statusCode, forKey: .statusCode)
        try c.encode(result.vendorCode, forKey: .vendorCode)
        try c.encode(result.message, forKey: .message)
        try c.encode(result.latencyMilliseconds, forKey: .latencyMs)
    }
}

/// `POST …/siem/{id}/replay`: the events in scope after the moved cursor (before the filter).
struct SiemReplayResultDTO: ResponseEncodable {
    var events: Int64
}

/// An event set aside by the forwarder (`GET …/siem/{id}/dead-letters`).
struct SiemDeadLetterDTO: ResponseEncodable {
    var eventId, eventType, reason, createdAt: String

    init(_ letter: SiemDeadLetter) {
        eventId = letter.eventId
        eventType = letter.eventType
        reason = letter.reason
        createdAt = Timestamp.format(letter.createdAt)
    }

    enum CodingKeys: String, CodingKey {
        case reason
        case eventId = "event_id", eventType = "event_type", createdAt = "created_at"
    }
}

/// A risk event (`GET /api/organizations/{slug}/security/risk-events`).
struct RiskEventDTO: ResponseEncodable {
    var event: Event

    enum CodingKeys: String, CodingKey {
        case id, type, severity, email, data
        case userId = "user_id", ipAddress = "ip_address", userAgent = "user_agent", occurredAt = "occurred_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(event.id, forKey: .id)
        try c.encode(event.type, forKey: .type)
        try c.encode(event.severity, forKey: .severity)
        try c.encode(event.userId, forKey: .userId)
        try c.encode(event.email, forKey: .email)
        try c.encode(event.ipAddress, forKey: .ipAddress)
        try c.encode(event.userAgent, forKey: .userAgent)
        try c.encode(event.data, forKey: .data)
        try c.encode(Timestamp.format(event.occurredAt), forKey: .occurredAt)
    }
}

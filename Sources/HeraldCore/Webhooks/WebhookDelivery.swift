import Foundation

/// Where one delivery of one event to one endpoint is.
public enum WebhookDeliveryStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not attempted yet, or leased right now.
    case pending
    case succeeded
    /// Attempted and failed; another attempt is scheduled (`next_attempt_at`).
    case failed
    /// Out of attempts, refused for good (410, endpoint disabled), or cancelled.
    case dead
}

/// One delivery: the job that carries an event (or a test ping) to an endpoint, with its attempts.
///
/// A delivery is a job of kind `webhook.delivery` (its id is the job id) whose payload is the exact body bytes;
/// every attempt sends those bytes, signed with the attempt's own timestamp.
public struct WebhookDelivery: Sendable, Hashable {
    public var id: Int64
    public var endpointId: String
    public var orgId: String
    /// The event id, which is also the `webhook-id` header (a test ping has an id of its own).
    public var eventId: String
    public var eventType: String
    public var status: WebhookDeliveryStatus
    public var attempts: [JobAttempt]
    public var nextAttemptAt: Date?
    public var createdAt: Date

    public init(
        id: Int64, endpointId: String, orgId: String, eventId: String, eventType: String,
        status: WebhookDeliveryStatus, attempts: [JobAttempt], nextAttemptAt: Date?, createdAt: Date
    ) {
        self.id = id
        self.endpointId = endpointId
        self.orgId = orgId
        self.eventId = eventId
        self.eventType = eventType
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.createdAt = createdAt
    }
}

/// What a webhook delivery job carries, besides its body bytes (job payload): enough to sign and send.
public struct WebhookJobHeader: Sendable, Hashable, Codable {
    public var endpointId: String
    public var eventId: String
    public var eventType: String

    public init(endpointId: String, eventId: String, eventType: String) {
        self.endpointId = endpointId
        self.eventId = eventId
        self.eventType = eventType
    }
}

/// The JSON body of a webhook: `{"id","type","timestamp","org_id","data"}` (`id` equals `webhook-id`).
public enum WebhookPayload {
    /// The exact bytes sent for an event (keys in a fixed order, so that a replay sends the same bytes).
    public static func body(for event: Event) throws -> Data {
        try body(id: event.id, type: event.type, timestamp: event.occurredAt, orgId: event.orgId, data: event.data)
    }

    public static func body(id: String, type: String, timestamp: Date, orgId: String?, data: [String: JSONValue])
        throws -> Data
    {
        struct Body: Encodable {
            var id, type, timestamp: String
            var orgId: String?
            var data: [String: JSONValue]
            enum CodingKeys: String, CodingKey { case id, type, timestamp, orgId = "org_id", data }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(id, forKey: .id)
                try c.encode(type, forKey: .type)
                try c.encode(timestamp, forKey: .timestamp)
                try c.encode(orgId, forKey: .orgId)
                try c.encode(data, forKey: .data)
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(
            Body(id: id, type: type, timestamp: Timestamp.format(timestamp), orgId: orgId, data: data))
    }
}

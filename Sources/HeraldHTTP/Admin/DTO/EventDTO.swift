import HeraldCore
import Hummingbird

/// An audit log entry.
struct AuditEntryDTO: ResponseEncodable {
    var id, action: String
    var actorId, actorEmail, targetType, targetId: String?
    var metadata: [String: JSONValue]?
    var ipAddress, userAgent: String?
    var createdAt: String

    init(_ event: Event) {
        id = event.id
        action = event.type
        actorId = event.actorId
        actorEmail = event.actorEmail
        targetType = event.targetType
        targetId = event.targetId
        metadata = event.data.isEmpty ? nil : event.data
        ipAddress = event.ipAddress
        userAgent = event.userAgent
        createdAt = Timestamp.format(event.occurredAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, action, metadata
        case actorId = "actor_id", actorEmail = "actor_email", targetType = "target_type", targetId = "target_id"
        case ipAddress = "ip_address", userAgent = "user_agent", createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(action, forKey: .action)
        try c.encode(actorId, forKey: .actorId)
        try c.encode(actorEmail, forKey: .actorEmail)
        try c.encode(targetType, forKey: .targetType)
        try c.encode(targetId, forKey: .targetId)
        try c.encode(metadata, forKey: .metadata)
        try c.encode(ipAddress, forKey: .ipAddress)
        try c.encode(userAgent, forKey: .userAgent)
        try c.encode(createdAt, forKey: .createdAt)
    }
}

/// An entry of `GET /api/event-types`.
struct EventTypeDTO: ResponseEncodable {
    var type, description: String
    var example: [String: JSONValue]
}

/// `{ids}` of `POST /api/events`.
struct IngestResultDTO: ResponseEncodable {
    var ids: [String]
}

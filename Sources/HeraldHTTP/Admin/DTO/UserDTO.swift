import HeraldCore
import Hummingbird

/// A user.
struct UserDTO: ResponseEncodable {
    var id, email: String
    var isPlatformOwner: Bool
    var createdAt: String

    init(_ user: User) {
        id = user.id
        email = user.email
        isPlatformOwner = user.isPlatformOwner
        createdAt = Timestamp.format(user.createdAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, email
        case isPlatformOwner = "is_platform_owner", createdAt = "created_at"
    }
}

/// `{users, total}`.
struct UserPageDTO: ResponseEncodable {
    var users: [UserDTO]
    var total: Int
}

/// `{enabled, has_backup_codes}`.
struct MFAStatusDTO: ResponseEncodable {
    var enabled, hasBackupCodes: Bool

    enum CodingKeys: String, CodingKey {
        case enabled
        case hasBackupCodes = "has_backup_codes"
    }
}

/// A suspicious-MFA alert.
struct SuspiciousActivityDTO: ResponseEncodable {
    var userId, email, orgId: String?
    var alertType, severity, details, detectedAt, eventId: String

    init(_ activity: SuspiciousActivity) {
        userId = activity.userId
        email = activity.email
        orgId = activity.orgId
        alertType = activity.alertType
        severity = activity.severity.rawValue
        details = activity.details
        detectedAt = Timestamp.format(activity.detectedAt)
        eventId = activity.eventId
    }

    enum CodingKeys: String, CodingKey {
        case email, severity, details
        case userId = "user_id", orgId = "org_id", alertType = "alert_type", detectedAt = "detected_at"
        case eventId = "event_id"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(userId, forKey: .userId)
        try c.encode(email, forKey: .email)
        try c.encode(orgId, forKey: .orgId)
        try c.encode(alertType, forKey: .alertType)
        try c.encode(severity, forKey: .severity)
        try c.encode(details, forKey: .details)
        try c.encode(detectedAt, forKey: .detectedAt)
        try c.encode(eventId, forKey: .eventId)
    }
}

/// An API key; `key` (the secret) only in the create response.
struct APIKeyDTO: ResponseEncodable {
    var id, name, prefix, userId, createdAt: String
    var lastUsedAt: String?
    var key: String?

    init(_ key: APIKey, secret: String? = nil) {
        id = key.id
        name = key.name
        prefix = key.prefix
        userId = key.userId
        createdAt = Timestamp.format(key.createdAt)
        lastUsedAt = key.lastUsedAt.map(Timestamp.format)
        self.key = secret
    }

    enum CodingKeys: String, CodingKey {
        case id, name, prefix, key
        case userId = "user_id", createdAt = "created_at", lastUsedAt = "last_used_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(prefix, forKey: .prefix)
        try c.encode(userId, forKey: .userId)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(lastUsedAt, forKey: .lastUsedAt)
        try c.encodeIfPresent(key, forKey: .key)
    }
}

/// `GET /api/me`.
struct MeDTO: ResponseEncodable {
    struct Membership: Encodable {
        var id, slug, name: String
        var role: Role
    }

    var id, email: String
    var isPlatformOwner: Bool
    var organizations: [Membership]

    enum CodingKeys: String, CodingKey {
        case id, email, organizations
        case isPlatformOwner = "is_platform_owner"
    }
}

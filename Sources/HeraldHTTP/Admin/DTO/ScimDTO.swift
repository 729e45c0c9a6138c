import Foundation
import HeraldCore
import Hummingbird

/// A SCIM token; `token` (the secret) only in the create answer.
struct ScimTokenDTO: ResponseEncodable {
    var token: ScimToken
    var secret: String?

    enum CodingKeys: String, CodingKey {
        case id, name, prefix, token
        case createdAt = "created_at", expiresAt = "expires_at", lastUsedAt = "last_used_at", revokedAt = "revoked_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(token.id, forKey: .id)
        try c.encode(token.name, forKey: .name)
        try c.encode(token.prefix, forKey: .prefix)
        try c.encode(Timestamp.format(token.createdAt), forKey: .createdAt)
        try c.encode(token.expiresAt.map(Timestamp.format), forKey: .expiresAt)
        try c.encode(token.lastUsedAt.map(Timestamp.format), forKey: .lastUsedAt)
        try c.encode(token.revokedAt.map(Timestamp.format), forKey: .revokedAt)
        try c.encodeIfPresent(secret, forKey: .token)
    }
}

/// `POST …/scim/tokens`.
struct CreateScimTokenBody: Decodable {
    var name: String
    var expiresAt: String?

    enum CodingKeys: String, CodingKey {
        case name, expiresAt = "expires_at"
    }

    func expiry() throws -> Date? {
        guard let expiresAt else { return nil }
        guard let date = Timestamp.parse(expiresAt) else {
            throw HeraldError(.invalidField, "expires_at must be an RFC 3339 date-time", field: "expires_at")
        }
        return date
    }
}

/// One line of the SCIM request log.
struct ScimRequestDTO: ResponseEncodable {
    var entry: ScimRequestLogEntry

    enum CodingKeys: String, CodingKey {
        case id, at, method, path, status, quirks
        case scimType = "scim_type", durationMs = "duration_ms", tokenPrefix = "token_prefix", userAgent = "user_agent"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(entry.id ?? 0, forKey: .id)
        try c.encode(Timestamp.format(entry.at), forKey: .at)
        try c.encode(entry.method, forKey: .method)
        try c.encode(entry.path, forKey: .path)
        try c.encode(entry.status, forKey: .status)
        try c.encode(entry.scimType, forKey: .scimType)
        try c.encode(entry.quirks, forKey: .quirks)
        try c.encode((entry.durationMilliseconds * 1000).rounded() / 1000, forKey: .durationMs)
        try c.encode(entry.tokenPrefix, forKey: .tokenPrefix)
        try c.encode(entry.userAgent, forKey: .userAgent)
    }
}

/// A directory user as the organization's end-user views show it (`resource`: the SCIM resource, on `get` only).
struct EndUserDTO: ResponseEncodable {
    var user: ScimStoredResource
    var detailed: Bool

    enum CodingKeys: String, CodingKey {
        case id, email, active, groups, resource
        case userName = "user_name", displayName = "display_name", givenName = "given_name",
            familyName = "family_name", externalId = "external_id", createdAt = "created_at", updatedAt = "updated_at"
    }

    struct GroupDTO: Encodable {
        var id: String
        var displayName: String
        enum CodingKeys: String, CodingKey { case id, displayName = "display_name" }
    }

    func encode(to encoder: any Encoder) throws {
        let attributes = user.attributes
        let name = attributes["name"]?.objectValue
        let emails: [JSONValue]
        if case .array(let list)? = attributes["emails"] { emails = list } else { emails = [] }
        let email = (emails.first { $0.objectValue?["primary"] == .bool(true) } ?? emails.first)?
            .objectValue?["value"]?.stringValue
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(user.id, forKey: .id)
        try c.encode(attributes["userName"]?.stringValue ?? "", forKey: .userName)
        try c.encode(email, forKey: .email)
        try c.encode(attributes["displayName"]?.stringValue, forKey: .displayName)
        try c.encode(name?["givenName"]?.stringValue, forKey: .givenName)
        try c.encode(name?["familyName"]?.stringValue, forKey: .familyName)
        try c.encode(attributes["externalId"]?.stringValue, forKey: .externalId)
        var active = true
        if case .bool(let flag)? = attributes["active"] { active = flag }
        try c.encode(active, forKey: .active)
        try c.encode(Timestamp.format(user.created), forKey: .createdAt)
        try c.encode(Timestamp.format(user.lastModified), forKey: .updatedAt)
        if detailed {
            try c.encode(user.groups.map { GroupDTO(id: $0.id, displayName: $0.displayName) }, forKey: .groups)
            try c.encode(JSONValue.object(ScimResourceRenderer.render(user, baseURL: nil)), forKey: .resource)
        }
    }
}

/// `GET …/end-users`.
struct EndUserPageDTO: ResponseEncodable {
    var endUsers: [EndUserDTO]
    var total, page, limit: Int

    enum CodingKeys: String, CodingKey {
        case endUsers = "end_users", total, page, limit
    }
}

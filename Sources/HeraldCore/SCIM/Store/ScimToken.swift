import Foundation

/// A SCIM bearer token of an organization; the secret itself is stored only as a hash and shown once.
public struct ScimToken: Sendable, Hashable {
    public var id: String
    public var orgId: String
    public var name: String
    /// The first characters of the secret, to tell tokens apart in lists and logs.
    public var prefix: String
    public var createdAt: Date
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var revokedAt: Date?

    public init(
        id: String, orgId: String, name: String, prefix: String, createdAt: Date, expiresAt: Date?,
        lastUsedAt: Date?, revokedAt: Date?
    ) {
        self.id = id
        self.orgId = orgId
        self.name = name
        self.prefix = prefix
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

/// Who a SCIM request is: the token that authenticated it and the organization that token alone decides.
public struct ScimPrincipal: Sendable, Hashable {
    public var tokenId: String
    public var tokenPrefix: String
    public var orgId: String
    public var organizationStatus: OrganizationStatus
    /// The organization's user limit (its own or its tier's); nil = unlimited.
    public var maxUsers: Int?

    public init(
        tokenId: String, tokenPrefix: String, orgId: String, organizationStatus: OrganizationStatus, maxUsers: Int?
    ) {
        self.tokenId = tokenId
        self.tokenPrefix = tokenPrefix
        self.orgId = orgId
        self.organizationStatus = organizationStatus
        self.maxUsers = maxUsers
    }

    /// The actor recorded on the events of this token's changes.
    public func actor(ipAddress: String?, userAgent: String?) -> Actor {
        Actor(userId: nil, email: "scim:\(tokenPrefix)", ipAddress: ipAddress, userAgent: userAgent)
    }
}

/// One line of an organization's SCIM request log (bodies are never stored).
public struct ScimRequestLogEntry: Sendable, Hashable {
    public var id: Int64?
    public var orgId: String
    public var at: Date
    public var method: String
    public var path: String
    public var status: Int
    public var scimType: String?
    /// The tolerant layer's rules that fired (``ScimQuirkRule`` names).
    public var quirks: [String]
    public var durationMilliseconds: Double
    public var tokenPrefix: String
    public var userAgent: String?

    public init(
        id: Int64? = nil, orgId: String, at: Date, method: String, path: String, status: Int, scimType: String?,
        quirks: [String], durationMilliseconds: Double, tokenPrefix: String, userAgent: String?
    ) {
        self.id = id
        self.orgId = orgId
        self.at = at
        self.method = method
        self.path = path
        self.status = status
        self.scimType = scimType
        self.quirks = quirks
        self.durationMilliseconds = durationMilliseconds
        self.tokenPrefix = tokenPrefix
        self.userAgent = userAgent
    }
}

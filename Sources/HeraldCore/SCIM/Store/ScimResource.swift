import Foundation

/// A stored SCIM resource: its server-assigned fields and its attributes in the stored (canonical) form of
/// ``ScimResourceNormalizer``. A group's members are not in `attributes`: they come in `members` when asked for.
public struct ScimStoredResource: Sendable, Hashable {
    public var id: String
    public var type: ScimResourceType
    public var created: Date
    public var lastModified: Date
    /// Grows by one at every change; the weak ETag is `W/"<version>"`.
    public var version: Int
    public var attributes: [String: JSONValue]
    /// A group's members (when they were asked for), or a user's groups (always), as `(id, display)`.
    public var members: [ScimMember]?
    public var groups: [ScimGroupReference]

    public init(
        id: String, type: ScimResourceType, created: Date, lastModified: Date, version: Int,
        attributes: [String: JSONValue], members: [ScimMember]? = nil, groups: [ScimGroupReference] = []
    ) {
        self.id = id
        self.type = type
        self.created = created
        self.lastModified = lastModified
        self.version = version
        self.attributes = attributes
        self.members = members
        self.groups = groups
    }

    /// The weak entity tag of this version (RFC 7644 §3.14).
    public var etag: String { "W/\"\(version)\"" }
}

/// A group a user belongs to (the user's read-only `groups` attribute).
public struct ScimGroupReference: Sendable, Hashable {
    public var id: String
    public var displayName: String

    public init(id: String, displayName: String) {
        self.id = id
        self.displayName = displayName
    }
}

/// What a list or search asks for (RFC 7644 §3.4.2, RFC 9865).
public struct ScimListQuery: Sendable, Hashable {
    /// The most resources one page returns (`filter.maxResults`, `pagination.maxPageSize`); a larger `count` gets
    /// this many (RFC 7644 §3.4.2.4 lets a service provider return fewer).
    public static let maxCount = 1000

    public var filter: ScimFilter?
    public var sortBy: ScimAttributePath?
    public var descending: Bool
    /// 1-based (index pagination).
    public var startIndex: Int
    public var count: Int
    /// Set for cursor pagination (empty string = the first page).
    public var cursor: String?
    public var includeMembers: Bool

    public init(
        filter: ScimFilter? = nil, sortBy: ScimAttributePath? = nil, descending: Bool = false, startIndex: Int = 1,
        count: Int = 100, cursor: String? = nil, includeMembers: Bool = false
    ) {
        self.filter = filter
        self.sortBy = sortBy
        self.descending = descending
        self.startIndex = startIndex
        self.count = count
        self.cursor = cursor
        self.includeMembers = includeMembers
    }
}

/// One page of a list.
public struct ScimListPage: Sendable, Hashable {
    public var resources: [ScimStoredResource]
    public var totalResults: Int
    /// The cursor of the next page (cursor pagination); nil on the last page.
    public var nextCursor: String?

    public init(resources: [ScimStoredResource], totalResults: Int, nextCursor: String?) {
        self.resources = resources
        self.totalResults = totalResults
        self.nextCursor = nextCursor
    }
}

/// The SCIM directory of every organization: tokens, users, groups and their members, and the request log.
///
/// Every change records its `directory.*` event in the same transaction. Every call takes the organization
/// that the token decided: nothing of another organization is ever read, found or changed (it is "not found").
public protocol ScimStore: Sendable {
    /// Creates a token for the organization and records `scim.token.created`. - Returns: the token and its secret.
    func createScimToken(orgId: String, name: String, expiresAt: Date?, actor: Actor) async throws
        -> (ScimToken, String)
    /// The organization's tokens, newest first.
    func scimTokens(orgId: String) async throws -> [ScimToken]
    /// Revokes a token (the record stays) and records `scim.token.revoked`.
    func revokeScimToken(orgId: String, id: String, actor: Actor) async throws -> ScimToken
    /// Deletes a token's record and records `scim.token.deleted`.
    func deleteScimToken(orgId: String, id: String, actor: Actor) async throws
    /// The principal of a valid token (not revoked, not expired); nil otherwise. Updates `last_used_at` at most once
    /// a minute.
    func authenticateScimToken(_ secret: String) async throws -> ScimPrincipal?

    /// Creates a resource (a group with its initial `members`). Throws `ScimError` (409 uniqueness, 403 limit…).
    func createScimResource(
        _ principal: ScimPrincipal, type: ScimResourceType, attributes: [String: JSONValue], members: [ScimMember],
        actor: Actor
    ) async throws -> ScimStoredResource
    /// One resource, or nil when the organization has none with this id.
    func scimResource(orgId: String, type: ScimResourceType, id: String, includeMembers: Bool) async throws
        -> ScimStoredResource?
    /// Replaces every writable attribute (PUT); `members` nil keeps a group's membership. Throws 404, 412, 409.
    func replaceScimResource(
        orgId: String, type: ScimResourceType, id: String, attributes: [String: JSONValue], members: [ScimMember]?,
        ifMatch: String?, actor: Actor
    ) async throws -> ScimStoredResource
    /// Applies a PATCH computed from the stored attributes inside the write transaction (all or nothing).
    func patchScimResource(
        orgId: String, type: ScimResourceType, id: String, ifMatch: String?, actor: Actor,
        includeMembers: Bool,
        _ patch: @escaping @Sendable ([String: JSONValue]) throws(ScimError) -> ScimPatchResult
    ) async throws -> ScimStoredResource
    /// How many members a group has (0 when there is no such group in the organization).
    func scimGroupMemberCount(orgId: String, groupId: String) async throws -> Int
    /// Deletes a resource (and its memberships). Throws 404, 412.
    func deleteScimResource(orgId: String, type: ScimResourceType, id: String, ifMatch: String?, actor: Actor)
        async throws
    /// Lists and searches resources. Throws `ScimError` (invalidFilter, invalidCursor…).
    func listScimResources(orgId: String, type: ScimResourceType, _ query: ScimListQuery) async throws
        -> ScimListPage

    /// Appends request-log lines (batched by the HTTP layer).
    func appendScimRequests(_ entries: [ScimRequestLogEntry]) async throws
    /// The organization's request log, newest first, before the line `before` when given.
    func scimRequests(orgId: String, limit: Int, before: Int64?) async throws -> [ScimRequestLogEntry]
}

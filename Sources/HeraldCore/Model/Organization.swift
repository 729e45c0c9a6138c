import Foundation

/// Where an organization is in its lifecycle.
public enum OrganizationStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case pending, active, suspended, rejected
}

/// A tenant of the SSO platform.
public struct Organization: Sendable, Hashable, Codable {
    public var id: String
    public var slug: String
    public var name: String
    public var ownerUserId: String
    public var status: OrganizationStatus
    public var tierId: String?
    /// Per-organization overrides of the tier's limits (nil = the tier's value).
    public var maxServices: Int?
    public var maxUsers: Int?
    public var approvedBy: String?
    public var approvedAt: Date?
    public var rejectedBy: String?
    public var rejectedAt: Date?
    public var rejectionReason: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, slug: String, name: String, ownerUserId: String, status: OrganizationStatus, tierId: String?,
        maxServices: Int? = nil, maxUsers: Int? = nil, approvedBy: String? = nil, approvedAt: Date? = nil,
        rejectedBy: String? = nil, rejectedAt: Date? = nil, rejectionReason: String? = nil, createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.slug = slug
        self.name = name
        self.ownerUserId = ownerUserId
        self.status = status
        self.tierId = tierId
        self.maxServices = maxServices
        self.maxUsers = maxUsers
        self.approvedBy = approvedBy
        self.approvedAt = approvedAt
        self.rejectedBy = rejectedBy
        self.rejectedAt = rejectedAt
        self.rejectionReason = rejectionReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// An organization with its tier and owner, as platform owners see it.
public struct OrganizationDetails: Sendable, Hashable {
    public var organization: Organization
    public var tier: Tier?
    public var owner: User?
    public var memberCount: Int

    public init(organization: Organization, tier: Tier?, owner: User?, memberCount: Int) {
        self.organization = organization
        self.tier = tier
        self.owner = owner
        self.memberCount = memberCount
    }

    /// The user limit in force: the organization's override, else its tier's (nil = unlimited).
    public var effectiveMaxUsers: Int? { organization.maxUsers ?? tier?.maxUsers }
    /// The service limit in force: the organization's override, else its tier's (nil = unlimited).
    public var effectiveMaxServices: Int? { organization.maxServices ?? tier?.maxServices }
}

/// Filters of the platform organization list.
public struct OrganizationQuery: Sendable, Hashable {
    public var status: OrganizationStatus?
    public var tierId: String?
    public var search: String?
    /// Only organizations this user belongs to.
    public var memberUserId: String?
    public var page: Int
    public var limit: Int

    public init(
        status: OrganizationStatus? = nil, tierId: String? = nil, search: String? = nil, memberUserId: String? = nil,
        page: Int = 1, limit: Int = 20
    ) {
        self.status = status
        self.tierId = tierId
        self.search = search
        self.memberUserId = memberUserId
        self.page = page
        self.limit = limit
    }
}

/// One page of a list, with the number of all matching rows.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int

    public init(items: [Item], total: Int) {
        self.items = items
        self.total = total
    }
}

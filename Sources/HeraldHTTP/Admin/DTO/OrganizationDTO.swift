import HeraldCore
import Hummingbird

/// An organization as the API shows it.
struct OrganizationDTO: ResponseEncodable {
    var id, slug, name, ownerUserId, status: String
    var tierId: String?
    var maxServices, maxUsers: Int?
    var approvedBy, approvedAt, rejectedBy, rejectedAt, rejectionReason: String?
    var createdAt, updatedAt: String
    /// The caller's role, on the organization routes (absent on platform routes).
    var role: Role?

    init(_ org: Organization, role: Role? = nil) {
        id = org.id
        slug = org.slug
        name = org.name
        ownerUserId = org.ownerUserId
        status = org.status.rawValue
        tierId = org.tierId
        maxServices = org.maxServices
        maxUsers = org.maxUsers
        approvedBy = org.approvedBy
        approvedAt = org.approvedAt.map(Timestamp.format)
        rejectedBy = org.rejectedBy
        rejectedAt = org.rejectedAt.map(Timestamp.format)
        rejectionReason = org.rejectionReason
        createdAt = Timestamp.format(org.createdAt)
        updatedAt = Timestamp.format(org.updatedAt)
        self.role = role
    }

    enum CodingKeys: String, CodingKey {
        case id, slug, name, status, role
        case ownerUserId = "owner_user_id", tierId = "tier_id", maxServices = "max_services", maxUsers = "max_users"
        case approvedBy = "approved_by", approvedAt = "approved_at", rejectedBy = "rejected_by"
        case rejectedAt = "rejected_at", rejectionReason = "rejection_reason", createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(slug, forKey: .slug)
        try c.encode(name, forKey: .name)
        try c.encode(ownerUserId, forKey: .ownerUserId)
        try c.encode(status, forKey: .status)
        try c.encode(tierId, forKey: .tierId)
        try c.encode(maxServices, forKey: .maxServices)
        try c.encode(maxUsers, forKey: .maxUsers)
        try c.encode(approvedBy, forKey: .approvedBy)
        try c.encode(approvedAt, forKey: .approvedAt)
        try c.encode(rejectedBy, forKey: .rejectedBy)
        try c.encode(rejectedAt, forKey: .rejectedAt)
        try c.encode(rejectionReason, forKey: .rejectionReason)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
        try c.encodeIfPresent(role, forKey: .role)
    }
}

/// An organization with its tier, owner and member count (platform routes).
struct PlatformOrganizationDTO: ResponseEncodable {
    var organization: OrganizationDTO
    var tier: TierDTO?
    var owner: UserDTO?
    var memberCount: Int

    init(_ details: OrganizationDetails) {
        organization = OrganizationDTO(details.organization)
        tier = details.tier.map(TierDTO.init)
        owner = details.owner.map(UserDTO.init)
        memberCount = details.memberCount
    }

    enum CodingKeys: String, CodingKey {
        case tier, owner
        case ownerEmail = "owner_email", memberCount = "member_count"
    }

    func encode(to encoder: any Encoder) throws {
        try organization.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tier, forKey: .tier)
        try c.encode(owner, forKey: .owner)
        try c.encode(owner?.email, forKey: .ownerEmail)
        try c.encode(memberCount, forKey: .memberCount)
    }
}

/// `{organizations, total, page, limit}`.
struct OrganizationPageDTO: ResponseEncodable {
    var organizations: [PlatformOrganizationDTO]
    var total, page, limit: Int
}

/// A tier.
struct TierDTO: ResponseEncodable {
    var id, displayName: String
    var maxServices, maxUsers: Int?
    var priceCents: Int
    var createdAt, updatedAt: String

    init(_ tier: Tier) {
        id = tier.id
        displayName = tier.displayName
        maxServices = tier.maxServices
        maxUsers = tier.maxUsers
        priceCents = tier.priceCents
        createdAt = Timestamp.format(tier.createdAt)
        updatedAt = Timestamp.format(tier.updatedAt)
    }

    enum CodingKeys: String, CodingKey {
        case id
        case displayName = "display_name", maxServices = "max_services", maxUsers = "max_users"
        case priceCents = "price_cents", createdAt = "created_at", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(displayName, forKey: .displayName)
        try c.encode(maxServices, forKey: .maxServices)
        try c.encode(maxUsers, forKey: .maxUsers)
        try c.encode(priceCents, forKey: .priceCents)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}

/// `{success, message}`.
struct SuccessDTO: ResponseEncodable {
    var success = true
    var message: String
}

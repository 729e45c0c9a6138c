import Foundation
import GRDB
import HeraldCore

/// A row of `organizations`.
struct OrganizationRecord: SnakeCaseRecord {
    static let databaseTableName = "organizations"

    var id: String
    var slug: String
    var name: String
    var ownerUserId: String
    var status: String
    var tierId: String?
    var maxServices: Int?
    var maxUsers: Int?
    var approvedBy: String?
    var approvedAt: Int64?
    var rejectedBy: String?
    var rejectedAt: Int64?
    var rejectionReason: String?
    var createdAt: Int64
    var updatedAt: Int64

    var model: Organization {
        Organization(
            id: id, slug: slug, name: name, ownerUserId: ownerUserId,
            status: OrganizationStatus(rawValue: status) ?? .pending, tierId: tierId, maxServices: maxServices,
            maxUsers: maxUsers, approvedBy: approvedBy, approvedAt: approvedAt.map { Date(millisecondsSince1970: $0) },
            rejectedBy: rejectedBy, rejectedAt: rejectedAt.map { Date(millisecondsSince1970: $0) },
            rejectionReason: rejectionReason, createdAt: Date(millisecondsSince1970: createdAt),
            updatedAt: Date(millisecondsSince1970: updatedAt))
    }
}

/// A row of `memberships`.
struct MembershipRecord: SnakeCaseRecord {
    static let databaseTableName = "memberships"

    var orgId: String
    var userId: String
    var role: String
    var joinedAt: Int64

    func model(email: String) -> Member {
        Member(
            userId: userId, email: email, role: Role(rawValue: role) ?? .member,
            joinedAt: Date(millisecondsSince1970: joinedAt))
    }
}

extension OrganizationRecord {
    /// Decodes by column name (faster than `Decodable` on the list paths).
    init(row: Row) throws {
        id = row["id"]
        slug = row["slug"]
        name = row["name"]
        ownerUserId = row["owner_user_id"]
        status = row["status"]
        tierId = row["tier_id"]
        maxServices = row["max_services"]
        maxUsers = row["max_users"]
        approvedBy = row["approved_by"]
        approvedAt = row["approved_at"]
        rejectedBy = row["rejected_by"]
        rejectedAt = row["rejected_at"]
        rejectionReason = row["rejection_reason"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }
}

extension MembershipRecord {
    /// Decodes by column name (faster than `Decodable` on the list paths).
    init(row: Row) throws {
        orgId = row["org_id"]
        userId = row["user_id"]
        role = row["role"]
        joinedAt = row["joined_at"]
    }
}

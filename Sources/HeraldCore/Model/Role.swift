/// A member's role within one organization: `owner` > `admin` > `member`.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case member, admin, owner

    public static func < (lhs: Role, rhs: Role) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .member: 0
        case .admin: 1
        case .owner: 2
        }
    }

    /// Whether this role may do what `required` may do.
    public func allows(_ required: Role) -> Bool { self >= required }
}

/// A user's membership in an organization.
public struct Member: Sendable, Hashable {
    public var userId: String
    public var email: String
    public var role: Role
    public var joinedAt: Date

    public init(userId: String, email: String, role: Role, joinedAt: Date) {
        self.userId = userId
        self.email = email
        self.role = role
        self.joinedAt = joinedAt
    }
}

import Foundation

/// An organization the caller belongs to, with the caller's role (the `/api/me` view).
public struct MyOrganization: Sendable, Hashable {
    public var organization: Organization
    public var role: Role

    public init(organization: Organization, role: Role) {
        self.organization = organization
        self.role = role
    }
}

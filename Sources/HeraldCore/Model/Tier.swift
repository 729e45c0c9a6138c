import Foundation

/// A plan that organizations are assigned to, with its resource limits (nil = unlimited).
public struct Tier: Sendable, Hashable, Codable {
    public var id: String
    public var displayName: String
    public var maxServices: Int?
    public var maxUsers: Int?
    public var priceCents: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, displayName: String, maxServices: Int?, maxUsers: Int?, priceCents: Int, createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.displayName = displayName
        self.maxServices = maxServices
        self.maxUsers = maxUsers
        self.priceCents = priceCents
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// The fields of a new tier.
public struct NewTier: Sendable, Hashable {
    public var id: String?
    public var displayName: String
    public var maxServices: Int?
    public var maxUsers: Int?
    public var priceCents: Int

    public init(id: String?, displayName: String, maxServices: Int?, maxUsers: Int?, priceCents: Int) {
        self.id = id
        self.displayName = displayName
        self.maxServices = maxServices
        self.maxUsers = maxUsers
        self.priceCents = priceCents
    }
}

/// A partial update of a tier: nil leaves a field alone; `.some(nil)` clears a limit.
public struct TierPatch: Sendable, Hashable {
    public var displayName: String?
    public var maxServices: Int??
    public var maxUsers: Int??
    public var priceCents: Int?

    public init(displayName: String? = nil, maxServices: Int?? = nil, maxUsers: Int?? = nil, priceCents: Int? = nil) {
        self.displayName = displayName
        self.maxServices = maxServices
        self.maxUsers = maxUsers
        self.priceCents = priceCents
    }

    public var isEmpty: Bool { displayName == nil && maxServices == nil && maxUsers == nil && priceCents == nil }
}

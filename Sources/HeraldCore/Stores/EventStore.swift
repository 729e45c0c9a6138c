import Foundation

/// The events table: ingest, the audit log and the figures derived from events.
public protocol EventStore: Sendable {
    /// Stores ingested events; with an idempotency key, a repeat within 24 h returns the first call's ids.
    func ingest(_ events: [IngestedEvent], actor: Actor, idempotencyKey: String?) async throws -> [String]
    /// Audited events matching the query, newest first.
    func auditLog(_ query: AuditQuery) async throws -> [Event]
    /// Events in ascending order after a sequence number (the outbox read of the delivery stages).
    func events(after sequence: Int64, limit: Int) async throws -> [Event]
    /// Deletes up to `limit` of the oldest events recorded before `date` that every delivery stage's cursor has
    /// passed and no pending job refers to, and ingest idempotency keys past their window.
    /// - Returns: how many events were deleted (fewer than `limit`: nothing more to delete now).
    func pruneEvents(recordedBefore date: Date, limit: Int) async throws -> Int
}

/// Figures for the platform analytics routes.
public protocol AnalyticsStore: Sendable {
    func overview(now: Date) async throws -> AnalyticsOverview
    func organizationStatusBreakdown() async throws -> [OrganizationStatus: Int]
    /// One point per UTC day from `start` to `end`, both included.
    func growthTrends(start: Date, end: Date) async throws -> [GrowthPoint]
    /// One point per UTC day from `start` to `end`, both included, from ingested login events.
    func loginActivity(start: Date, end: Date) async throws -> [LoginActivityPoint]
    /// The most active organizations by logins in the 30 days before `now`.
    func topOrganizations(now: Date, limit: Int) async throws -> [TopOrganization]
    /// The newest organizations.
    func recentOrganizations(limit: Int) async throws -> [Organization]
}

/// The platform overview figures.
public struct AnalyticsOverview: Sendable, Hashable, Codable {
    public var totalOrganizations: Int
    public var activeOrganizations: Int
    public var totalUsers: Int
    public var totalEndUsers: Int
    public var totalServices: Int
    public var totalLogins24h: Int
    public var totalLogins30d: Int
    public var uniqueUsers30d: Int

    public init(
        totalOrganizations: Int, activeOrganizations: Int, totalUsers: Int, totalEndUsers: Int, totalServices: Int,
        totalLogins24h: Int, totalLogins30d: Int, uniqueUsers30d: Int
    ) {
        self.totalOrganizations = totalOrganizations
        self.activeOrganizations = activeOrganizations
        self.totalUsers = totalUsers
        self.totalEndUsers = totalEndUsers
        self.totalServices = totalServices
        self.totalLogins24h = totalLogins24h
        self.totalLogins30d = totalLogins30d
        self.uniqueUsers30d = uniqueUsers30d
    }
}

/// Growth on one day.
public struct GrowthPoint: Sendable, Hashable, Codable {
    public var date: String
    public var totalOrganizations: Int
    public var newOrganizations: Int
    public var totalUsers: Int
    public var newUsers: Int

    public init(date: String, totalOrganizations: Int, newOrganizations: Int, totalUsers: Int, newUsers: Int) {
        self.date = date
        self.totalOrganizations = totalOrganizations
        self.newOrganizations = newOrganizations
        self.totalUsers = totalUsers
        self.newUsers = newUsers
    }
}

/// Logins on one day.
public struct LoginActivityPoint: Sendable, Hashable, Codable {
    public var date: String
    public var totalLogins: Int
    public var uniqueUsers: Int
    public var failedLogins: Int

    public init(date: String, totalLogins: Int, uniqueUsers: Int, failedLogins: Int) {
        self.date = date
        self.totalLogins = totalLogins
        self.uniqueUsers = uniqueUsers
        self.failedLogins = failedLogins
    }
}

/// An organization ranked by its login activity.
public struct TopOrganization: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var slug: String
    public var userCount: Int
    public var serviceCount: Int
    public var loginCount30d: Int
    public var uniqueUsers30d: Int

    public init(
        id: String, name: String, slug: String, userCount: Int, serviceCount: Int, loginCount30d: Int,
        uniqueUsers30d: Int
    ) {
        self.id = id
        self.name = name
        self.slug = slug
        self.userCount = userCount
        self.serviceCount = serviceCount
        self.loginCount30d = loginCount30d
        self.uniqueUsers30d = uniqueUsers30d
    }
}

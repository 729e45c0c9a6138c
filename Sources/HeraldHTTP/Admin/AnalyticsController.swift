import Foundation
import HeraldCore
import Hummingbird

/// `/api/platform/analytics/*` (platform owners only).
struct AnalyticsController {
    let store: any HeraldStore
    var access: Access { Access(store: store) }
    /// The longest date range a series may span.
    static let maxRangeDays = 366

    func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        group.get("analytics/overview") { _, context in
            _ = try access.platformOwner(context)
            return OverviewDTO(try await store.overview(now: Date()))
        }
        group.get("analytics/organization-status") { _, context in
            _ = try access.platformOwner(context)
            let counts = try await store.organizationStatusBreakdown()
            return StatusBreakdownDTO(
                pending: counts[.pending] ?? 0, active: counts[.active] ?? 0, suspended: counts[.suspended] ?? 0,
                rejected: counts[.rejected] ?? 0)
        }
        group.get("analytics/growth-trends") { request, context in
            _ = try access.platformOwner(context)
            let (start, end) = try Self.range(request)
            return try await store.growthTrends(start: start, end: end).map(GrowthPointDTO.init)
        }
        group.get("analytics/login-activity") { request, context in
            _ = try access.platformOwner(context)
            let (start, end) = try Self.range(request)
            return try await store.loginActivity(start: start, end: end).map(LoginActivityDTO.init)
        }
        group.get("analytics/top-organizations") { _, context in
            _ = try access.platformOwner(context)
            return try await store.topOrganizations(now: Date(), limit: 10).map(TopOrganizationDTO.init)
        }
        group.get("analytics/recent-organizations") { request, context in
            _ = try access.platformOwner(context)
            let limit = try QueryReader(request).int("limit", default: 10, in: 1...100)
            return try await store.recentOrganizations(limit: limit).map(RecentOrganizationDTO.init)
        }
    }

    /// `start_date`/`end_date`, defaulting to the last 30 days; at most ``maxRangeDays`` days.
    static func range(_ request: Request) throws -> (Date, Date) {
        let query = QueryReader(request)
        let end = try query.date("end_date") ?? Date()
        let start = try query.date("start_date") ?? end.addingTimeInterval(-29 * 86_400)
        guard start <= end else {
            throw HeraldError(.invalidQuery, "start_date must not be after end_date", field: "start_date")
        }
        guard end.timeIntervalSince(start) <= Double(maxRangeDays) * 86_400 else {
            throw HeraldError(.invalidQuery, "The date range must not exceed \(maxRangeDays) days", field: "start_date")
        }
        return (start, end)
    }
}

struct OverviewDTO: ResponseEncodable {
    var o: AnalyticsOverview
    init(_ o: AnalyticsOverview) { self.o = o }

    enum CodingKeys: String, CodingKey {
        case totalOrganizations = "total_organizations", activeOrganizations = "active_organizations"
        case totalUsers = "total_users", totalEndUsers = "total_end_users", totalServices = "total_services"
        case totalLogins24h = "total_logins_24h", totalLogins30d = "total_logins_30d"
        case uniqueUsers30d = "unique_users_30d"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(o.totalOrganizations, forKey: .totalOrganizations)
        try c.encode(o.activeOrganizations, forKey: .activeOrganizations)
        try c.encode(o.totalUsers, forKey: .totalUsers)
        try c.encode(o.totalEndUsers, forKey: .totalEndUsers)
        try c.encode(o.totalServices, forKey: .totalServices)
        try c.encode(o.totalLogins24h, forKey: .totalLogins24h)
        try c.encode(o.totalLogins30d, forKey: .totalLogins30d)
        try c.encode(o.uniqueUsers30d, forKey: .uniqueUsers30d)
    }
}

struct StatusBreakdownDTO: ResponseEncodable {
    var pending, active, suspended, rejected: Int
}

struct GrowthPointDTO: ResponseEncodable {
    var date: String
    var totalOrganizations, newOrganizations, totalUsers, newUsers: Int

    init(_ p: GrowthPoint) {
        date = p.date
        totalOrganizations = p.totalOrganizations
        newOrganizations = p.newOrganizations
        totalUsers = p.totalUsers
        newUsers = p.newUsers
    }

    enum CodingKeys: String, CodingKey {
        case date
        case totalOrganizations = "total_organizations", newOrganizations = "new_organizations"
        case totalUsers = "total_users", newUsers = "new_users"
    }
}

struct LoginActivityDTO: ResponseEncodable {
    var date: String
    var totalLogins, uniqueUsers, failedLogins: Int

    init(_ p: LoginActivityPoint) {
        date = p.date
        totalLogins = p.totalLogins
        uniqueUsers = p.uniqueUsers
        failedLogins = p.failedLogins
    }

    enum CodingKeys: String, CodingKey {
        case date
        case totalLogins = "total_logins", uniqueUsers = "unique_users", failedLogins = "failed_logins"
    }
}

struct TopOrganizationDTO: ResponseEncodable {
    var id, name, slug: String
    var userCount, serviceCount, loginCount30d, uniqueUsers30d: Int

    init(_ t: TopOrganization) {
        id = t.id
        name = t.name
        slug = t.slug
        userCount = t.userCount
        serviceCount = t.serviceCount
        loginCount30d = t.loginCount30d
        uniqueUsers30d = t.uniqueUsers30d
    }

    enum CodingKeys: String, CodingKey {
        case id, name, slug
        case userCount = "user_count", serviceCount = "service_count", loginCount30d = "login_count_30d"
        case uniqueUsers30d = "unique_users_30d"
    }
}

struct RecentOrganizationDTO: ResponseEncodable {
    var id, name, slug, status: String
    var tierId: String?
    var createdAt: String

    init(_ org: Organization) {
        id = org.id
        name = org.name
        slug = org.slug
        status = org.status.rawValue
        tierId = org.tierId
        createdAt = Timestamp.format(org.createdAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, name, slug, status
        case tierId = "tier_id", createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(slug, forKey: .slug)
        try c.encode(status, forKey: .status)
        try c.encode(tierId, forKey: .tierId)
        try c.encode(createdAt, forKey: .createdAt)
    }
}

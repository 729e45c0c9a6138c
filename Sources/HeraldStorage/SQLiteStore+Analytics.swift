import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    static let dayMilliseconds: Int64 = 86_400_000
    /// The longest day series the analytics routes may ask for (ten years).
    static let maxSeriesDays: Int64 = 3660

    public func overview(now: Date) async throws -> AnalyticsOverview {
        let ms = now.millisecondsSince1970
        return try await read { db in
            func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
                try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0
            }
            let since24h = ms - Self.dayMilliseconds
            let since30d = ms - 30 * Self.dayMilliseconds
            let login = EventType.authLoginSucceeded.name
            let services =
                try count("SELECT COUNT(*) FROM events WHERE type = 'service.created'")
                - count("SELECT COUNT(*) FROM events WHERE type = 'service.deleted'")
            return AnalyticsOverview(
                totalOrganizations: try count("SELECT COUNT(*) FROM organizations"),
                activeOrganizations: try count("SELECT COUNT(*) FROM organizations WHERE status = 'active'"),
                totalUsers: try count("SELECT COUNT(*) FROM users WHERE is_service = 0"),
                totalEndUsers: try count(
                    """
                    SELECT COUNT(DISTINCT user_id) FROM events
                    WHERE type >= 'auth.' AND type < 'auth/' AND user_id IS NOT NULL
                    """),
                totalServices: max(0, services),
                totalLogins24h: try count(
                    "SELECT COUNT(*) FROM events WHERE type = ? AND occurred_at >= ? AND occurred_at <= ?",
                    [login, since24h, ms]),
                totalLogins30d: try count(
                    "SELECT COUNT(*) FROM events WHERE type = ? AND occurred_at >= ? AND occurred_at <= ?",
                    [login, since30d, ms]),
                uniqueUsers30d: try count(
                    """
                    SELECT COUNT(DISTINCT user_id) FROM events
                    WHERE type = ? AND occurred_at >= ? AND occurred_at <= ?
                    """,
                    [login, since30d, ms]))
        }
    }

    public func organizationStatusBreakdown() async throws -> [OrganizationStatus: Int] {
        try await read { db in
            var breakdown = Dictionary(uniqueKeysWithValues: OrganizationStatus.allCases.map { ($0, 0) })
            for row in try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM organizations GROUP BY status") {
                if let status = OrganizationStatus(rawValue: row["status"]) { breakdown[status] = row["n"] }
            }
            return breakdown
        }
    }

    public func growthTrends(start: Date, end: Date) async throws -> [GrowthPoint] {
        let days = try Self.days(from: start, to: end)
        guard let first = days.first, let last = days.last else { return [] }
        let from = first * Self.dayMilliseconds
        let until = (last + 1) * Self.dayMilliseconds
        return try await read { db in
            let organizationsBefore =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM organizations WHERE created_at < ?", arguments: [from])
                ?? 0
            let usersBefore =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM users WHERE is_service = 0 AND created_at < ?", arguments: [from]) ?? 0
            let newOrganizations = try Self.perDay(
                db, sql: "SELECT created_at / 86400000 AS day, COUNT(*) FROM organizations", dateColumn: "created_at",
                from: from, until: until)
            let newUsers = try Self.perDay(
                db, sql: "SELECT created_at / 86400000 AS day, COUNT(*) FROM users WHERE is_service = 0",
                dateColumn: "created_at", from: from, until: until)
            var totalOrganizations = organizationsBefore
            var totalUsers = usersBefore
            return days.map { day in
                let organizations = newOrganizations[day] ?? 0
                let users = newUsers[day] ?? 0
                totalOrganizations += organizations
                totalUsers += users
                return GrowthPoint(
                    date: Self.dayString(day), totalOrganizations: totalOrganizations, newOrganizations: organizations,
                    totalUsers: totalUsers, newUsers: users)
            }
        }
    }

    public func loginActivity(start: Date, end: Date) async throws -> [LoginActivityPoint] {
        let days = try Self.days(from: start, to: end)
        guard let first = days.first, let last = days.last else { return [] }
        let from = first * Self.dayMilliseconds
        let until = (last + 1) * Self.dayMilliseconds
        return try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT occurred_at / 86400000 AS day,
                        SUM(type = 'auth.login.succeeded') AS logins,
                        SUM(type = 'auth.login.failed') AS failures,
                        COUNT(DISTINCT CASE WHEN type = 'auth.login.succeeded' THEN user_id END) AS users
                    FROM events
                    WHERE type IN ('auth.login.succeeded', 'auth.login.failed')
                        AND occurred_at >= ? AND occurred_at < ?
                    GROUP BY day
                    """,
                arguments: [from, until])
            var byDay: [Int64: Row] = [:]
            for row in rows { byDay[row["day"]] = row }
            return days.map { day in
                let row = byDay[day]
                return LoginActivityPoint(
                    date: Self.dayString(day), totalLogins: row?["logins"] ?? 0, uniqueUsers: row?["users"] ?? 0,
                    failedLogins: row?["failures"] ?? 0)
            }
        }
    }

    public func topOrganizations(now: Date, limit: Int) async throws -> [TopOrganization] {
        let since = now.millisecondsSince1970 - 30 * Self.dayMilliseconds
        return try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT o.id, o.name, o.slug,
                        (SELECT COUNT(*) FROM memberships m WHERE m.org_id = o.id) AS user_count,
                        COALESCE(l.logins, 0) AS logins, COALESCE(l.users, 0) AS users,
                        MAX(0, COALESCE(s.services, 0)) AS services
                    FROM organizations o
                    LEFT JOIN (
                        SELECT org_id, COUNT(*) AS logins, COUNT(DISTINCT user_id) AS users FROM events
                        WHERE type = 'auth.login.succeeded' AND occurred_at >= ? AND org_id IS NOT NULL
                        GROUP BY org_id
                    ) l ON l.org_id = o.id
                    LEFT JOIN (
                        SELECT org_id,
                            SUM(type = 'service.created') - SUM(type = 'service.deleted') AS services
                        FROM events
                        WHERE type IN ('service.created', 'service.deleted') AND org_id IS NOT NULL
                        GROUP BY org_id
                    ) s ON s.org_id = o.id
                    ORDER BY logins DESC, o.created_at DESC, o.id
                    LIMIT ?
                    """,
                arguments: [since, max(0, limit)]
            ).map { row in
                TopOrganization(
                    id: row["id"], name: row["name"], slug: row["slug"], userCount: row["user_count"],
                    serviceCount: row["services"], loginCount30d: row["logins"], uniqueUsers30d: row["users"])
            }
        }
    }

    public func recentOrganizations(limit: Int) async throws -> [Organization] {
        try await read { db in
            try OrganizationRecord.fetchAll(
                db, sql: "SELECT * FROM organizations ORDER BY created_at DESC, id DESC LIMIT ?",
                arguments: [max(0, limit)]
            ).map(\.model)
        }
    }

    // MARK: Day series

    /// The UTC day numbers (days since 1970) from `start`'s day to `end`'s day, both included.
    /// - Throws: `invalid_query_parameter` for a series longer than ``maxSeriesDays``.
    static func days(from start: Date, to end: Date) throws -> [Int64] {
        let first = floorDiv(start.millisecondsSince1970, dayMilliseconds)
        let last = floorDiv(end.millisecondsSince1970, dayMilliseconds)
        guard last >= first else { return [] }
        guard last - first < maxSeriesDays else {
            throw HeraldError(.invalidQuery, "The date range is longer than \(maxSeriesDays) days", field: "end_date")
        }
        return Array(first...last)
    }

    static func dayString(_ day: Int64) -> String {
        Timestamp.day(Date(millisecondsSince1970: day * dayMilliseconds))
    }

    private static func floorDiv(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    /// Counts per day of a `SELECT <day>, COUNT(*) FROM …` query restricted to `[from, until)`.
    private static func perDay(_ db: Database, sql: String, dateColumn: String, from: Int64, until: Int64) throws
        -> [Int64: Int]
    {
        let joiner = sql.contains(" WHERE ") ? " AND " : " WHERE "
        let rows = try Row.fetchAll(
            db, sql: sql + joiner + "\(dateColumn) >= ? AND \(dateColumn) < ? GROUP BY day", arguments: [from, until])
        var counts: [Int64: Int] = [:]
        for row in rows { counts[row[0]] = row[1] }
        return counts
    }
}

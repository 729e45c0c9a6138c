import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func organization(id: String) async throws -> Organization? {
        try await read { db in try OrganizationRecord.fetchOne(db, key: id)?.model }
    }

    public func organization(slug: String) async throws -> Organization? {
        try readNow { db in
            try OrganizationRecord.fetchOne(db, sql: "SELECT * FROM organizations WHERE slug = ?", arguments: [slug])?
                .model
        }
    }

    public func organizationDetails(id: String) async throws -> OrganizationDetails {
        try await read { db in
            let organization = try Self.requireOrganization(id, in: db)
            guard let details = try Self.details(of: [organization], in: db).first else {
                throw HeraldError.notFound("Organization")
            }
            return details
        }
    }

    public func listOrganizations(_ query: OrganizationQuery) async throws -> Page<OrganizationDetails> {
        try readNow { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            var from = "organizations o"
            if let memberUserId = query.memberUserId {
                from += " JOIN memberships m ON m.org_id = o.id AND m.user_id = ?"
                arguments += [memberUserId]
            }
            if let status = query.status {
                conditions.append("o.status = ?")
                arguments += [status.rawValue]
            }
            if let tierId = query.tierId {
                conditions.append("o.tier_id = ?")
                arguments += [tierId]
            }
            if let search = query.search, !search.isEmpty {
                let pattern = Self.containsPattern(search)
                conditions.append("(o.slug LIKE ? ESCAPE '\\' OR o.name LIKE ? ESCAPE '\\')")
                arguments += [pattern, pattern]
            }
            let filter = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            // A handful of filter combinations: cached statements, rows decoded by position.
            let total =
                try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT COUNT(*) FROM \(from)\(filter)"), arguments: arguments) ?? 0
            let organizations = try SQLiteColumns.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.organizationColumns) FROM \(from)\(filter)
                        ORDER BY o.created_at DESC, o.id DESC LIMIT ? OFFSET ?
                        """),
                arguments: arguments + [max(0, query.limit), Self.offset(page: query.page, limit: query.limit)],
                capacity: query.limit
            ) { OrganizationRecord(at: $0) }
            return Page(items: try Self.details(of: organizations, in: db), total: total)
        }
    }

    public func myOrganizations(userId: String, query: OrganizationQuery) async throws -> Page<MyOrganization> {
        try await read { db in
            var filter = "m.user_id = ?"
            var arguments: StatementArguments = [userId]
            if let status = query.status {
                filter += " AND o.status = ?"
                arguments += [status.rawValue]
            }
            let from = "organizations o JOIN memberships m ON m.org_id = o.id"
            let total =
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(from) WHERE \(filter)", arguments: arguments) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT o.*, m.role AS member_role FROM \(from) WHERE \(filter)
                    ORDER BY o.created_at DESC, o.id DESC LIMIT ? OFFSET ?
                    """,
                arguments: arguments + [max(0, query.limit), Self.offset(page: query.page, limit: query.limit)])
            let items = try rows.map { row in
                MyOrganization(
                    organization: try OrganizationRecord(row: row).model,
                    role: Role(rawValue: row["member_role"]) ?? .member)
            }
            return Page(items: items, total: total)
        }
    }

    /// ``OrganizationRecord/columns`` of the alias `o`.
    static let organizationColumns = qualified(OrganizationRecord.columns, "o")

    /// Details of a page of organizations in three batched queries (tiers, owners, member counts), each a cached
    /// statement taking its ids as one JSON array.
    static func details(of organizations: [OrganizationRecord], in db: Database) throws -> [OrganizationDetails] {
        guard !organizations.isEmpty else { return [] }
        let tierIds = Array(Set(organizations.compactMap(\.tierId)))
        let ownerIds = Array(Set(organizations.map(\.ownerUserId)))
        let orgIds = organizations.map(\.id)
        var tiers: [String: Tier] = [:]
        if !tierIds.isEmpty {
            let statement = try db.cachedStatement(
                sql: "SELECT \(TierRecord.columns) FROM tiers WHERE id IN (SELECT value FROM json_each(?))")
            for tier in try SQLiteColumns.fetchAll(statement, arguments: [StorageJSON.array(tierIds)], { TierRecord(at: $0) }) {
                tiers[tier.id] = tier.model
            }
        }
        var owners: [String: User] = [:]
        let users = try db.cachedStatement(
            sql: "SELECT \(UserRecord.columns) FROM users WHERE id IN (SELECT value FROM json_each(?))")
        for user in try SQLiteColumns.fetchAll(users, arguments: [StorageJSON.array(ownerIds)], { UserRecord(at: $0) }) {
            owners[user.id] = user.model
        }
        var counts: [String: Int] = [:]
        let memberCounts = try db.cachedStatement(
            sql: """
                SELECT org_id, COUNT(*) FROM memberships WHERE org_id IN (SELECT value FROM json_each(?)) GROUP BY org_id
                """)
        let pairs = try SQLiteColumns.fetchAll(memberCounts, arguments: [StorageJSON.array(orgIds)]) { ($0.text(0), $0.int(1)) }
        for (orgId, count) in pairs { counts[orgId] = count }
        return organizations.map { organization in
            OrganizationDetails(
                organization: organization.model, tier: organization.tierId.flatMap { tiers[$0] },
                owner: owners[organization.ownerUserId], memberCount: counts[organization.id] ?? 0)
        }
    }
}

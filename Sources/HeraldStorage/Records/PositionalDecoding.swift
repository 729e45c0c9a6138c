import Foundation
import GRDB

// Positional decoding for the hot read paths: a statement that selects `columns` (in that order) decodes by index
// from SQLite's values (``SQLiteColumns``), which skips `Row` copies and the case-insensitive column-name lookups of
// `row["name"]`. Each `columns` list is the table's, in its `CREATE TABLE` order, so `init(row:)` by name and
// `init(at:)` by position read the same values.

/// `columns` with each name prefixed by `alias.` (`a, b` → `t.a, t.b`), for joins.
func qualified(_ columns: String, _ alias: String) -> String {
    columns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ")
}

extension OrganizationRecord {
    static let columns = """
        id, slug, name, owner_user_id, status, tier_id, max_services, max_users, approved_by, approved_at, \
        rejected_by, rejected_at, rejection_reason, created_at, updated_at
        """

    /// Decodes a row that selected ``columns``, starting at `offset`.
    init(at row: SQLiteColumns, offset: Int = 0) {
        id = row.text(offset)
        slug = row.text(offset + 1)
        name = row.text(offset + 2)
        ownerUserId = row.text(offset + 3)
        status = row.text(offset + 4)
        tierId = row.optionalText(offset + 5)
        maxServices = row.optionalInt(offset + 6)
        maxUsers = row.optionalInt(offset + 7)
        approvedBy = row.optionalText(offset + 8)
        approvedAt = row.optionalInt64(offset + 9)
        rejectedBy = row.optionalText(offset + 10)
        rejectedAt = row.optionalInt64(offset + 11)
        rejectionReason = row.optionalText(offset + 12)
        createdAt = row.int64(offset + 13)
        updatedAt = row.int64(offset + 14)
    }
}

extension UserRecord {
    static let columns = "id, email, is_platform_owner, is_service, jwt_issuer, jwt_subject, created_at"

    /// Decodes a row that selected ``columns``, starting at `offset`.
    init(at row: SQLiteColumns, offset: Int = 0) {
        id = row.text(offset)
        email = row.text(offset + 1)
        isPlatformOwner = row.bool(offset + 2)
        isService = row.bool(offset + 3)
        jwtIssuer = row.optionalText(offset + 4)
        jwtSubject = row.optionalText(offset + 5)
        createdAt = row.int64(offset + 6)
    }
}

extension TierRecord {
    static let columns = "id, display_name, max_services, max_users, price_cents, created_at, updated_at"

    /// Decodes a row that selected ``columns``.
    init(at row: SQLiteColumns) {
        id = row.text(0)
        displayName = row.text(1)
        maxServices = row.optionalInt(2)
        maxUsers = row.optionalInt(3)
        priceCents = row.int(4)
        createdAt = row.int64(5)
        updatedAt = row.int64(6)
    }
}

extension APIKeyRecord {
    static let columns = "id, user_id, name, prefix, hash, created_at, last_used_at"

    /// Decodes a row that selected ``columns``, starting at `offset`.
    init(at row: SQLiteColumns, offset: Int = 0) {
        id = row.text(offset)
        userId = row.text(offset + 1)
        name = row.text(offset + 2)
        prefix = row.text(offset + 3)
        hash = row.text(offset + 4)
        createdAt = row.int64(offset + 5)
        lastUsedAt = row.optionalInt64(offset + 6)
    }
}

extension EventRow {
    /// The columns in the order ``SQLiteStore/storedEvents(_:arguments:capacity:)`` decodes them by position.
    static let columns = """
        seq, id, type, org_id, actor_id, actor_email, target_type, target_id, user_id, email, ip_address, \
        user_agent, severity, data, occurred_at, created_at
        """
}

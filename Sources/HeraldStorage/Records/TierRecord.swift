import Foundation
import GRDB
import HeraldCore

/// A row of `tiers`.
struct TierRecord: SnakeCaseRecord {
    static let databaseTableName = "tiers"

    var id: String
    var displayName: String
    var maxServices: Int?
    var maxUsers: Int?
    var priceCents: Int
    var createdAt: Int64
    var updatedAt: Int64

    var model: Tier {
        Tier(
            id: id, displayName: displayName, maxServices: maxServices, maxUsers: maxUsers, priceCents: priceCents,
            createdAt: Date(millisecondsSince1970: createdAt), updatedAt: Date(millisecondsSince1970: updatedAt))
    }
}

extension TierRecord {
    /// Decodes by column name (faster than `Decodable` on the list paths).
    init(row: Row) throws {
        id = row["id"]
        displayName = row["display_name"]
        maxServices = row["max_services"]
        maxUsers = row["max_users"]
        priceCents = row["price_cents"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }
}

import Foundation
import GRDB
import HeraldCore

/// A row of `api_keys`; the secret itself is only ever stored as its SHA-256 `hash`.
struct APIKeyRecord: SnakeCaseRecord {
    static let databaseTableName = "api_keys"

    var id: String
    var userId: String
    var name: String
    var prefix: String
    var hash: String
    var createdAt: Int64
    var lastUsedAt: Int64?

    var model: APIKey {
        APIKey(
            id: id, userId: userId, name: name, prefix: prefix, createdAt: Date(millisecondsSince1970: createdAt),
            lastUsedAt: lastUsedAt.map { Date(millisecondsSince1970: $0) })
    }
}

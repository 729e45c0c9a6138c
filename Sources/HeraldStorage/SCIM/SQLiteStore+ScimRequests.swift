import Foundation
import GRDB
import HeraldCore

/// ``ScimStore``'s request log: one row per SCIM request, kept 30 days (older rows go at each append).
extension SQLiteStore {
    static let scimRequestRetention: Int64 = 30 * 86_400_000

    public func appendScimRequests(_ entries: [ScimRequestLogEntry]) async throws {
        guard !entries.isEmpty else { return }
        let cutoff = now().millisecondsSince1970 - Self.scimRequestRetention
        try await write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO scim_requests (org_id, at, method, path, status, scim_type, quirks, duration_ms,
                        token_prefix, user_agent)
                    SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM organizations WHERE id = ?)
                    """)
            for entry in entries {
                try statement.execute(arguments: [
                    entry.orgId, entry.at.millisecondsSince1970, entry.method, entry.path, entry.status,
                    entry.scimType, try StorageJSON.text(entry.quirks), entry.durationMilliseconds, entry.tokenPrefix,
                    entry.userAgent, entry.orgId,
                ])
            }
            try db.execute(sql: "DELETE FROM scim_requests WHERE at < ?", arguments: [cutoff])
        }
    }

    public func scimRequests(orgId: String, limit: Int, before: Int64?) async throws -> [ScimRequestLogEntry] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, org_id, at, method, path, status, scim_type, quirks, duration_ms, token_prefix, user_agent
                    FROM scim_requests WHERE org_id = ? AND id < ? ORDER BY id DESC LIMIT ?
                    """, arguments: [orgId, before ?? Int64.max, limit]
            ).map { row in
                let quirks = StorageJSON.strings(row[7] as String)
                return ScimRequestLogEntry(
                    id: row[0], orgId: row[1], at: Date(millisecondsSince1970: row[2]), method: row[3], path: row[4],
                    status: row[5], scimType: row[6], quirks: quirks, durationMilliseconds: row[8],
                    tokenPrefix: row[9], userAgent: row[10])
            }
        }
    }
}

import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    public func pruneEvents(recordedBefore date: Date, limit: Int) async throws -> Int {
        guard limit > 0 else { return 0 }
        let cutoff = date.millisecondsSince1970
        let keysBefore = now().millisecondsSince1970 - Self.idempotencyWindow
        return try await write { db in
            try db.execute(sql: "DELETE FROM idempotency_keys WHERE created_at < ?", arguments: [keysBefore])
            // Every stage that reads the events table keeps its cursor in `cursors`; nothing at or after the
            // slowest cursor goes, nor anything that a pending delivery still refers to.
            var floor = try Int64.fetchOne(db, sql: "SELECT MIN(position) FROM cursors") ?? 0
            // So does every SIEM integration that is switched on (a paused one keeps what retention allows).
            if let siem = try Int64.fetchOne(db, sql: "SELECT MIN(cursor) FROM siem_integrations WHERE enabled = 1") {
                floor = min(floor, siem)
            }
            if let pending = try Int64.fetchOne(
                db,
                sql: """
                    SELECT MIN(e.seq) FROM jobs AS j
                    JOIN webhook_deliveries AS d ON d.job_id = j.id
                    JOIN events AS e ON e.id = d.event_id
                    WHERE j.state IN ('available', 'leased', 'retrying')
                    """)
            {
                floor = min(floor, pending - 1)
            }
            try db.execute(
                sql: """
                    DELETE FROM events WHERE seq IN (
                        SELECT seq FROM events WHERE seq <= ? AND created_at < ? ORDER BY seq LIMIT ?)
                    """,
                arguments: [floor, cutoff, limit])
            return db.changesCount
        }
    }
}

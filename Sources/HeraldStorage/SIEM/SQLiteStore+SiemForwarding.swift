import Foundation
import GRDB
import HeraldCore

/// ``SiemStore``: what the forwarder reads and records, the scheduling of flushes, and the risk-event view.
extension SQLiteStore {
    public func siemIntegrationForDelivery(id: String) async throws -> (SiemIntegration, generation: Int64)? {
        try await read { db in try SiemRows.fetch(db, id: id) }
    }

    public func siemEvents(orgId: String?, after sequence: Int64, limit: Int) async throws -> [StoredEvent] {
        guard limit > 0 else { return [] }
        return try await read { db in
            let statement =
                if orgId != nil {
                    try db.cachedStatement(
                        sql: "SELECT \(EventRow.columns) FROM events WHERE org_id = ? AND seq > ? ORDER BY seq LIMIT ?")
                } else {
                    try db.cachedStatement(sql: "SELECT \(EventRow.columns) FROM events WHERE seq > ? ORDER BY seq LIMIT ?")
                }
            let arguments: StatementArguments = orgId.map { [$0, sequence, limit] } ?? [sequence, limit]
            return try Self.storedEvents(statement, arguments: arguments, capacity: limit)
        }
    }

    /// The rows of a statement that selected ``EventRow/columns``, decoded straight from SQLite's column values:
    /// pages of thousands of rows, without a `Row` or a `DatabaseValue` per column, and `data` kept as its bytes
    /// (``StoredEvent``: the native schema sends it without a parse).
    static func storedEvents(
        _ statement: Statement, arguments: StatementArguments, capacity: Int
    ) throws -> [StoredEvent] {
        try SQLiteColumns.fetchAll(statement, arguments: arguments, capacity: capacity) { row in
            let columns = Event(
                sequence: row.int64(0), id: row.text(1), type: row.text(2), orgId: row.optionalText(3),
                actorId: row.optionalText(4), actorEmail: row.optionalText(5), targetType: row.optionalText(6),
                targetId: row.optionalText(7), userId: row.optionalText(8), email: row.optionalText(9),
                ipAddress: row.optionalText(10), userAgent: row.optionalText(11),
                severity: row.optionalText(12).flatMap(Severity.init(rawValue:)) ?? .info, data: [:],
                occurredAt: Date(millisecondsSince1970: row.int64(14)),
                createdAt: Date(millisecondsSince1970: row.int64(15)))
            return StoredEvent(columns: columns, dataJSON: row.bytes(13) ?? Array("{}".utf8))
        }
    }

    public func advanceSiemCursor(
        integrationId: String, generation: Int64, to sequence: Int64, deadLetters: [SiemDeadLetter], at: Date
    ) async throws -> Bool {
        let ms = at.millisecondsSince1970
        return try await groupWrite { db in
            try db.cachedStatement(
                sql: """
                    UPDATE siem_integrations SET cursor = MAX(cursor, ?), last_success_at = ?,
                        dropped_events = dropped_events + ?
                    WHERE id = ? AND cursor_generation = ?
                    """
            ).execute(arguments: [sequence, ms, deadLetters.count, integrationId, generation])
            guard db.changesCount > 0 else { return false }
            for letter in deadLetters {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO siem_dead_letters (integration_id, event_seq, event_id, event_type, reason,
                            created_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """
                ).execute(arguments: [
                    integrationId, letter.eventSequence, letter.eventId, letter.eventType, letter.reason,
                    letter.createdAt.millisecondsSince1970,
                ])
            }
            return true
        }
    }

    public func recordSiemFailure(integrationId: String, error: String, disable: Bool, at: Date) async throws {
        let ms = at.millisecondsSince1970
        let message = String(error.prefix(1000))
        try await write { db in
            guard let (integration, _) = try SiemRows.fetch(db, id: integrationId) else { return }
            try db.execute(
                sql: "UPDATE siem_integrations SET last_error = ?, last_error_at = ? WHERE id = ?",
                arguments: [message, ms, integrationId])
            guard disable, integration.disabledReason == nil else { return }
            try db.execute(
                sql: "UPDATE siem_integrations SET disabled_reason = ? WHERE id = ?",
                arguments: [message, integrationId])
            try Self.record(
                EventRecord(
                    type: .siemIntegrationError, orgId: integration.orgId, targetType: "siem_integration",
                    targetId: integrationId, data: SiemRows.eventData(integration, extra: ["reason": .string(message)])),
                actor: .system, now: at, in: db)
        }
    }

    public func scheduleSiemFlushes(runAt: Date, maxAttempts: Int) async throws -> Int {
        // A read first: most passes find every integration caught up or already scheduled, and write nothing.
        let due = try await read { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT i.id FROM siem_integrations AS i
                        WHERE i.enabled = 1 AND i.disabled_reason IS NULL
                            AND i.cursor < COALESCE(CASE WHEN i.org_id IS NULL THEN (SELECT MAX(seq) FROM events)
                                ELSE (SELECT MAX(seq) FROM events WHERE org_id = i.org_id) END, 0)
                            AND NOT EXISTS (SELECT 1 FROM jobs AS j WHERE j.unique_key = 'siem.flush:' || i.id
                                AND j.state IN ('available', 'leased', 'retrying'))
                        """))
        }
        guard !due.isEmpty else { return 0 }
        let ms = runAt.millisecondsSince1970
        let now = self.now().millisecondsSince1970
        return try await groupWrite { db in
            var enqueued = 0
            for id in due {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO jobs (kind, org_id, destination, payload, state, attempts, max_attempts, run_at,
                            fencing_token, unique_key, ordered, created_at, updated_at)
                        SELECT ?, org_id, id, x'', 'available', 0, ?, ?, 0, ?, 0, ?, ? FROM siem_integrations
                        WHERE id = ? AND enabled = 1 AND disabled_reason IS NULL
                        ON CONFLICT DO NOTHING
                        """
                ).execute(arguments: [
                    JobKind.siemFlush.rawValue, maxAttempts, ms, SiemRows.flushKey(id), now, now, id,
                ])
                enqueued += db.changesCount
            }
            return enqueued
        }
    }

    public func siemDeadLetters(orgId: String?, integrationId: String, limit: Int) async throws -> [SiemDeadLetter] {
        try await read { db in
            _ = try SiemRows.require(db, orgId: orgId, id: integrationId)
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT event_seq, event_id, event_type, reason, created_at FROM siem_dead_letters
                    WHERE integration_id = ? ORDER BY id DESC LIMIT ?
                    """,
                arguments: [integrationId, max(1, limit)]
            ).map { row in
                SiemDeadLetter(
                    eventSequence: row["event_seq"], eventId: row["event_id"], eventType: row["event_type"],
                    reason: row["reason"], createdAt: Date(millisecondsSince1970: row["created_at"]))
            }
        }
    }

    public func riskEvents(orgId: String, severity: Severity?, type: String?, since: Date?, limit: Int) async throws
        -> [Event]
    {
        try await read { db in
            var sql = "SELECT * FROM events WHERE org_id = ? AND type >= 'risk.' AND type < 'risk/'"
            var arguments: StatementArguments = [orgId]
            if let type {
                sql += " AND type = ?"
                _ = arguments.append(contentsOf: [type])
            }
            if let severity {
                sql += " AND severity = ?"
                _ = arguments.append(contentsOf: [severity.rawValue])
            }
            if let since {
                sql += " AND occurred_at >= ?"
                _ = arguments.append(contentsOf: [since.millisecondsSince1970])
            }
            sql += " ORDER BY seq DESC LIMIT ?"
            _ = arguments.append(contentsOf: [max(1, limit)])
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { try EventRow(row: $0).model }
        }
    }
}

extension SiemRows {
    /// The unique key of an integration's flush: one pending at a time, so batches go out in order.
    static func flushKey(_ integrationId: String) -> String { "siem.flush:\(integrationId)" }
}

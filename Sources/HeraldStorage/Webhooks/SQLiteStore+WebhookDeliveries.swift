import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    /// The name of the fan-out cursor in `cursors`.
    static let webhookCursor = "webhooks"

    public func deliveries(
        orgId: String, endpointId: String, status: WebhookDeliveryStatus?, page: Int, limit: Int
    ) async throws -> Page<WebhookDelivery> {
        try await read { db in
            _ = try WebhookRows.requireEndpoint(db, orgId: orgId, id: endpointId)
            var conditions = "d.endpoint_id = ? AND d.org_id = ?"
            var arguments: StatementArguments = [endpointId, orgId]
            if let status {
                conditions += " AND (\(WebhookRows.statusSQL)) = ?"
                arguments += [status.rawValue]
            }
            let total =
                try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM \(WebhookRows.deliveryFrom) WHERE \(conditions)",
                    arguments: arguments
                ) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(WebhookRows.deliveryColumns) FROM \(WebhookRows.deliveryFrom) WHERE \(conditions)
                    ORDER BY d.job_id DESC LIMIT ? OFFSET ?
                    """,
                arguments: arguments + [max(0, limit), Self.offset(page: page, limit: limit)])
            return Page(items: try WebhookRows.deliveries(rows, in: db), total: total)
        }
    }

    public func delivery(orgId: String, endpointId: String, id: Int64) async throws -> WebhookDelivery {
        try await read { db in
            _ = try WebhookRows.requireEndpoint(db, orgId: orgId, id: endpointId)
            return try WebhookRows.fetchDelivery(db, orgId: orgId, endpointId: endpointId, id: id)
        }
    }

    public func resend(orgId: String, endpointId: String, deliveryId: Int64, actor: Actor) async throws
        -> WebhookDelivery
    {
        let ms = now().millisecondsSince1970
        let maxAttempts = webhookMaxAttempts
        return try await write { db in
            let endpoint = try WebhookRows.requireEndpoint(db, orgId: orgId, id: endpointId)
            let original = try WebhookRows.fetchDelivery(db, orgId: orgId, endpointId: endpointId, id: deliveryId)
            guard
                let body = try Data.fetchOne(
                    db, sql: "SELECT payload FROM jobs WHERE id = ?", arguments: [deliveryId])
            else { throw HeraldError.notFound("Delivery") }
            guard
                let jobId = try WebhookRows.insertDelivery(
                    endpointId: endpointId, orgId: orgId, eventId: original.eventId, eventType: original.eventType,
                    body: body, maxAttempts: maxAttempts, uniqueKey: nil, ordered: endpoint.ordered, now: ms, in: db)
            else { throw HeraldError(.internalError, "the resent delivery was not enqueued") }
            return try WebhookRows.fetchDelivery(db, orgId: orgId, endpointId: endpointId, id: jobId)
        }
    }

    public func replay(orgId: String, endpointId: String, since: Date, actor: Actor) async throws -> Int {
        let ms = now().millisecondsSince1970
        let maxAttempts = webhookMaxAttempts
        return try await write { db in
            let endpoint = try WebhookRows.requireEndpoint(db, orgId: orgId, id: endpointId)
            let rows = try Row.fetchCursor(
                db, sql: "SELECT * FROM events WHERE org_id = ? AND occurred_at >= ? ORDER BY seq",
                arguments: [orgId, since.millisecondsSince1970])
            var count = 0
            while let row = try rows.next() {
                let type: String = row["type"]
                guard Self.isDeliverable(type), endpoint.wants(type) else { continue }
                let event = try EventRow(row: row).model
                if try WebhookRows.insertDelivery(
                    endpointId: endpointId, orgId: orgId, eventId: event.id, eventType: event.type,
                    body: try WebhookPayload.body(for: event), maxAttempts: maxAttempts, uniqueKey: nil,
                    ordered: endpoint.ordered, now: ms, in: db
                )
                    != nil
                {
                    count += 1
                }
            }
            return count
        }
    }

    public func enqueueTestPing(orgId: String, endpointId: String) async throws -> WebhookDelivery {
        let now = self.now()
        let ms = now.millisecondsSince1970
        let id = "test_" + Identifier.make()
        let type = EventType.webhookTest.name
        let body = try WebhookPayload.body(
            id: id, type: type, timestamp: Date(millisecondsSince1970: ms), orgId: orgId,
            data: ["message": .string("This is a test ping from Herald")])
        return try await write { db in
            _ = try WebhookRows.requireEndpoint(db, orgId: orgId, id: endpointId)
            // One attempt: the caller waits for it and reports its outcome; a ping is not retried.
            guard
                let jobId = try WebhookRows.insertDelivery(
                    endpointId: endpointId, orgId: orgId, eventId: id, eventType: type, body: body, maxAttempts: 1,
                    // The ping goes at once, never behind an ordered endpoint's queue.
                    uniqueKey: nil, ordered: false, now: ms, in: db)
            else { throw HeraldError(.internalError, "the test ping was not enqueued") }
            return try WebhookRows.fetchDelivery(db, orgId: orgId, endpointId: endpointId, id: jobId)
        }
    }

    /// Whether events of `type` are ever delivered to webhooks (the test ping is never an event, but never fan it out).
    static func isDeliverable(_ type: String) -> Bool {
        type != EventType.webhookTest.name
    }

    // MARK: Fan-out

    public func fanOut(batchSize: Int) async throws -> FanOutResult {
        guard batchSize > 0 else { return FanOutResult(eventsRead: 0, jobsEnqueued: 0) }
        let ms = now().millisecondsSince1970
        let maxAttempts = webhookMaxAttempts
        return try await groupWrite { db in
            let cursor =
                try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT position FROM cursors WHERE name = ?"),
                    arguments: [Self.webhookCursor]) ?? 0
            // The batch's sequence numbers and organizations first: most events go to no endpoint, and their
            // rows (with the data) are read only when an endpoint of their organization may want them.
            let heads = try Row.fetchAll(
                db.cachedStatement(sql: "SELECT seq, org_id FROM events WHERE seq > ? ORDER BY seq LIMIT ?"),
                arguments: [cursor, batchSize])
            guard let last: Int64 = heads.last?[0] else { return FanOutResult(eventsRead: 0, jobsEnqueued: 0) }
            // The enabled endpoints of the organizations in this batch, loaded once.
            let orgIds = Set(heads.compactMap { $0[1] as String? })
            var endpointsByOrg: [String: [WebhookEndpoint]] = [:]
            if !orgIds.isEmpty {
                for row in try Row.fetchAll(
                    db.cachedStatement(
                        sql: """
                            SELECT \(WebhookRows.endpointColumns) FROM webhook_endpoints
                            WHERE enabled = 1 AND org_id IN (SELECT value FROM json_each(?))
                            ORDER BY created_at, id
                            """),
                    arguments: [StorageJSON.array(Array(orgIds))])
                {
                    let endpoint = WebhookRows.endpoint(row)
                    endpointsByOrg[endpoint.orgId, default: []].append(endpoint)
                }
            }
            var enqueued = 0
            if !endpointsByOrg.isEmpty {
                let events = try Row.fetchAll(
                    db.cachedStatement(sql: "SELECT * FROM events WHERE seq > ? AND seq <= ? ORDER BY seq"),
                    arguments: [cursor, last]
                ).map(EventRow.init(row:))
                for row in events {
                    // Platform-level events (no organization) go to no webhook.
                    guard let orgId = row.orgId, let endpoints = endpointsByOrg[orgId], Self.isDeliverable(row.type)
                    else { continue }
                    let matching = endpoints.filter { $0.wants(row.type) }
                    guard !matching.isEmpty else { continue }
                    let body = try WebhookPayload.body(for: row.model)
                    for endpoint in matching {
                        if try WebhookRows.insertDelivery(
                            endpointId: endpoint.id, orgId: orgId, eventId: row.id, eventType: row.type, body: body,
                            maxAttempts: maxAttempts,
                            uniqueKey: WebhookRows.fanOutKey(endpointId: endpoint.id, eventId: row.id),
                            ordered: endpoint.ordered, now: ms, in: db)
                            != nil
                        {
                            enqueued += 1
                        }
                    }
                }
            }
            try db.cachedStatement(
                sql: """
                    INSERT INTO cursors (name, position) VALUES (?, ?)
                    ON CONFLICT (name) DO UPDATE SET position = excluded.position
                    """
            ).execute(arguments: [Self.webhookCursor, last])
            return FanOutResult(eventsRead: heads.count, jobsEnqueued: enqueued)
        }
    }

    // MARK: For the deliverer

    public func recordOutcome(endpointId: String, success: Bool, disableAfter window: Duration, reason: String?)
        async throws -> Bool
    {
        let now = self.now()
        let ms = now.millisecondsSince1970
        // Most outcomes change nothing (a success while not failing, a failure already marked and inside the
        // window): a read answers them without taking the writer.
        let state = try await read { db -> (enabled: Bool, failingSince: Int64?)? in
            try Row.fetchOne(
                db, sql: "SELECT enabled, failing_since FROM webhook_endpoints WHERE id = ?", arguments: [endpointId]
            ).map { ($0["enabled"], $0["failing_since"]) }
        }
        guard let (enabled, failingSince) = state else { return false }
        let windowMs = Int64((window.inSeconds * 1000).rounded())
        if success {
            guard failingSince != nil else { return false }
            try await write { db in
                try db.execute(
                    sql: "UPDATE webhook_endpoints SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL",
                    arguments: [endpointId])
            }
            return false
        }
        guard enabled else { return false }
        if let failingSince, ms - failingSince < windowMs { return false }
        return try await write { db in
            guard let endpoint = try WebhookRows.fetchEndpoint(db, id: endpointId), endpoint.enabled else {
                return false
            }
            guard let since = endpoint.failingSince?.millisecondsSince1970 else {
                try db.execute(
                    sql: "UPDATE webhook_endpoints SET failing_since = ? WHERE id = ? AND failing_since IS NULL",
                    arguments: [ms, endpointId])
                return false
            }
            guard ms - since >= windowMs else { return false }
            let text =
                reason
                ?? "every delivery attempt failed since \(Timestamp.format(Date(millisecondsSince1970: since)))"
            try disable(
                endpoint, reason: text,
                data: ["failing_since": .string(Timestamp.format(Date(millisecondsSince1970: since)))], now: now, in: db
            )
            return true
        }
    }

    public func disableEndpoint(endpointId: String, reason: String) async throws {
        let now = self.now()
        try await write { db in
            guard let endpoint = try WebhookRows.fetchEndpoint(db, id: endpointId), endpoint.enabled else { return }
            try disable(endpoint, reason: reason, data: [:], now: now, in: db)
        }
    }

    /// Disables an endpoint for `reason`, recording `webhook.endpoint.disabled` by the system and mailing the
    /// organization's owners and admins.
    func disable(
        _ endpoint: WebhookEndpoint, reason: String, data: [String: JSONValue], now: Date, in db: Database
    ) throws {
        try db.execute(
            sql: "UPDATE webhook_endpoints SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ?",
            arguments: [reason, now.millisecondsSince1970, endpoint.id])
        var data = data
        data["url"] = .string(endpoint.url)
        data["reason"] = .string(reason)
        try Self.record(
            EventRecord(
                type: .webhookEndpointDisabled, orgId: endpoint.orgId, targetType: "webhook_endpoint",
                targetId: endpoint.id, data: data),
            actor: .system, now: now, in: db)
        try enqueueEndpointDisabledMail(endpoint, reason: reason, now: now, in: db)
    }

    public func endpointForDelivery(id: String) async throws -> WebhookEndpoint? {
        try await read { db in try WebhookRows.fetchEndpoint(db, id: id) }
    }

    public func organizationStatus(orgId: String) async throws -> OrganizationStatus? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT status FROM organizations WHERE id = ?", arguments: [orgId])
                .flatMap(OrganizationStatus.init(rawValue:))
        }
    }
}

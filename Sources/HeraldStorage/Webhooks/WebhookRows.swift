import Foundation
import GRDB
import HeraldCore

/// Decoding of `webhook_endpoints` and `webhook_deliveries` rows, and the insertion of delivery jobs.
enum WebhookRows {
    /// The sealing purpose of the current secret (`secret_sealed`).
    static let secretPurpose = "webhook.secret"
    /// The sealing purpose of the previous secret (`previous_secret_sealed`): a sealed value moved into the
    /// other column does not open there.
    static let previousSecretPurpose = "webhook.previous_secret"

    static let endpointColumns = """
        id, org_id, url, description, event_types, enabled, disabled_reason, rate_limit_per_second, ordered,
        headers, signing, failing_since, created_at, updated_at
        """

    /// An endpoint from a row selected with ``endpointColumns``.
    static func endpoint(_ row: Row) -> WebhookEndpoint {
        let eventTypes: String = row["event_types"]
        let headers: String = row["headers"]
        let signing: String = row["signing"]
        let failingSince: Int64? = row["failing_since"]
        return WebhookEndpoint(
            id: row["id"], orgId: row["org_id"], url: row["url"], description: row["description"],
            eventTypes: StorageJSON.strings(eventTypes),
            enabled: row["enabled"], disabledReason: row["disabled_reason"],
            rateLimitPerSecond: row["rate_limit_per_second"], ordered: row["ordered"],
            headers: StorageJSON.stringMap(headers),
            signing: WebhookSigningScheme(rawValue: signing) ?? .v1,
            failingSince: failingSince.map(Date.init(millisecondsSince1970:)),
            createdAt: Date(millisecondsSince1970: row["created_at"]),
            updatedAt: Date(millisecondsSince1970: row["updated_at"]))
    }

    static func fetchEndpoint(_ db: Database, id: String) throws -> WebhookEndpoint? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(endpointColumns) FROM webhook_endpoints WHERE id = ?"), arguments: [id]
        ).map(endpoint)
    }

    /// The organization's endpoint; `not_found` for an unknown one and for another organization's.
    static func requireEndpoint(_ db: Database, orgId: String, id: String) throws -> WebhookEndpoint {
        guard let endpoint = try fetchEndpoint(db, id: id), endpoint.orgId == orgId else {
            throw HeraldError.notFound("Webhook endpoint")
        }
        return endpoint
    }

    /// The signing key held by a secret's text form (`whsec_…` or `whsk_…`).
    static func key(_ text: String) throws -> WebhookKey {
        text.hasPrefix(WebhookSigningKey.prefix)
            ? .asymmetric(try WebhookSigningKey(parsing: text)) : .symmetric(try WebhookSecret(parsing: text))
    }

    /// A new secret's text form for the scheme.
    static func generateSecret(_ signing: WebhookSigningScheme) -> String {
        switch signing {
        case .v1: WebhookSecret.generate().encoded
        case .v1a: WebhookSigningKey.generate().encoded
        }
    }

    static func secretContext(_ endpointId: String) -> SealingContext {
        SealingContext(purpose: secretPurpose, recordID: endpointId)
    }

    static func previousSecretContext(_ endpointId: String) -> SealingContext {
        SealingContext(purpose: previousSecretPurpose, recordID: endpointId)
    }

    // MARK: Delivery jobs

    /// Inserts a `webhook.delivery` job (in the row format of ``SQLiteJobStore``) and its `webhook_deliveries` row.
    /// - Returns: the job id, or nil when `uniqueKey` is held by a pending job (nothing inserted).
    static func insertDelivery(
        endpointId: String, orgId: String, eventId: String, eventType: String, body: Data, maxAttempts: Int,
        uniqueKey: String?, ordered: Bool, now: Int64, in db: Database
    ) throws -> Int64? {
        try db.cachedStatement(
            sql: """
                INSERT INTO jobs (kind, org_id, destination, payload, state, attempts, max_attempts, run_at,
                    fencing_token, unique_key, ordered, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'available', 0, ?, ?, 0, ?, ?, ?, ?)
                ON CONFLICT DO NOTHING
                """
        ).execute(arguments: [
            JobKind.webhookDelivery.rawValue, orgId, endpointId, body, maxAttempts, now, uniqueKey, ordered, now, now,
        ])
        guard db.changesCount > 0 else { return nil }
        let jobId = db.lastInsertedRowID
        try db.cachedStatement(
            sql: """
                INSERT INTO webhook_deliveries (job_id, endpoint_id, org_id, event_id, event_type, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [jobId, endpointId, orgId, eventId, eventType, now])
        return jobId
    }

    /// The fan-out unique key of (endpoint, event): a re-run never enqueues the pair twice while it is pending.
    static func fanOutKey(endpointId: String, eventId: String) -> String {
        "webhook:\(endpointId):\(eventId)"
    }

    // MARK: Deliveries

    /// The delivery status of a job row (`j`), as SQL.
    static let statusSQL = """
        CASE WHEN j.state = 'succeeded' THEN 'succeeded'
            WHEN j.state IN ('dead', 'cancelled') THEN 'dead'
            WHEN j.state = 'leased' THEN 'pending'
            WHEN j.attempts > 0 THEN 'failed'
            ELSE 'pending' END
        """

    static let deliveryColumns = """
        d.job_id, d.endpoint_id, d.org_id, d.event_id, d.event_type, d.created_at, j.state, j.run_at,
        \(statusSQL) AS status
        """

    static let deliveryFrom = "webhook_deliveries d JOIN jobs j ON j.id = d.job_id"

    /// Deliveries from rows selected with ``deliveryColumns``, with their attempts (one query for all).
    static func deliveries(_ rows: [Row], in db: Database) throws -> [WebhookDelivery] {
        guard !rows.isEmpty else { return [] }
        let ids: [Int64] = rows.map { $0["job_id"] }
        var attempts: [Int64: [JobAttempt]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: "SELECT * FROM job_attempts WHERE job_id IN (SELECT value FROM json_each(?)) ORDER BY job_id, id",
            arguments: [try StorageJSON.text(ids)])
        {
            let attempt = JobRows.attempt(row)
            attempts[attempt.jobId, default: []].append(attempt)
        }
        return rows.map { row in
            let id: Int64 = row["job_id"]
            let state: String = row["state"]
            let status: String = row["status"]
            let runAt: Int64 = row["run_at"]
            let due = state == JobState.available.rawValue || state == JobState.retrying.rawValue
            return WebhookDelivery(
                id: id, endpointId: row["endpoint_id"], orgId: row["org_id"], eventId: row["event_id"],
                eventType: row["event_type"], status: WebhookDeliveryStatus(rawValue: status) ?? .pending,
                attempts: attempts[id] ?? [], nextAttemptAt: due ? Date(millisecondsSince1970: runAt) : nil,
                createdAt: Date(millisecondsSince1970: row["created_at"]))
        }
    }

    static func fetchDelivery(_ db: Database, orgId: String, endpointId: String, id: Int64) throws -> WebhookDelivery {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT \(deliveryColumns) FROM \(deliveryFrom)
                WHERE d.job_id = ? AND d.endpoint_id = ? AND d.org_id = ?
                """,
            arguments: [id, endpointId, orgId])
        guard let delivery = try deliveries(rows, in: db).first else { throw HeraldError.notFound("Delivery") }
        return delivery
    }
}

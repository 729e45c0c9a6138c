import Foundation
import GRDB
import HeraldCore

/// ``WebhookStore`` (the conformance comes with ``HeraldStore``): endpoints and their sealed secrets.
extension SQLiteStore {
    /// The sealer, or `internal_error` when this store was built without one.
    func requireSealer() throws -> SecretSealer {
        guard let sealer else {
            throw HeraldError(
                .internalError,
                "this store has no secret sealer (master key): webhook secrets cannot be sealed or opened")
        }
        return sealer
    }

    public func createEndpoint(orgId: String, _ new: NewWebhookEndpoint, actor: Actor) async throws
        -> (WebhookEndpoint, String)
    {
        let sealer = try requireSealer()
        let now = self.now()
        let ms = now.millisecondsSince1970
        let id = Identifier.make()
        let secret = WebhookRows.generateSecret(new.signing)
        let sealed = try sealer.seal(secret, context: WebhookRows.secretContext(id))
        let eventTypes = try StorageJSON.text(new.eventTypes)
        let headers = try StorageJSON.text(new.headers)
        return try await write { db in
            _ = try Self.requireOrganization(orgId, in: db)
            try db.execute(
                sql: """
                    INSERT INTO webhook_endpoints (id, org_id, url, description, event_types, enabled,
                        rate_limit_per_second, ordered, headers, signing, secret_sealed, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, orgId, new.url, new.description, eventTypes, new.rateLimitPerSecond, new.ordered, headers,
                    new.signing.rawValue, sealed, ms, ms,
                ])
            try Self.record(
                EventRecord(
                    type: .webhookEndpointCreated, orgId: orgId, targetType: "webhook_endpoint", targetId: id,
                    data: [
                        "url": .string(new.url), "event_types": .array(new.eventTypes.map { .string($0) }),
                        "signing": .string(new.signing.rawValue),
                    ]),
                actor: actor, now: now, in: db)
            guard let endpoint = try WebhookRows.fetchEndpoint(db, id: id) else {
                throw HeraldError(.internalError, "the new webhook endpoint was not found after its insertion")
            }
            return (endpoint, secret)
        }
    }

    public func endpoints(orgId: String) async throws -> [WebhookEndpoint] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(WebhookRows.endpointColumns) FROM webhook_endpoints WHERE org_id = ?
                    ORDER BY created_at DESC, id DESC
                    """,
                arguments: [orgId]
            ).map(WebhookRows.endpoint)
        }
    }

    public func endpoint(orgId: String, id: String) async throws -> WebhookEndpoint {
        try await read { db in try WebhookRows.requireEndpoint(db, orgId: orgId, id: id) }
    }

    public func updateEndpoint(orgId: String, id: String, _ patch: WebhookEndpointPatch, actor: Actor) async throws
        -> WebhookEndpoint
    {
        let now = self.now()
        let ms = now.millisecondsSince1970
        return try await write { db in
            let before = try WebhookRows.requireEndpoint(db, orgId: orgId, id: id)
            var after = before
            var changed: [String] = []
            if let url = patch.url, url != before.url {
                after.url = url
                changed.append("url")
            }
            if let description = patch.description, description != before.description {
                after.description = description
                changed.append("description")
            }
            if let eventTypes = patch.eventTypes, eventTypes != before.eventTypes {
                after.eventTypes = eventTypes
                changed.append("event_types")
            }
            if let rate = patch.rateLimitPerSecond, rate != before.rateLimitPerSecond {
                after.rateLimitPerSecond = rate
                changed.append("rate_limit_per_second")
            }
            if let ordered = patch.ordered, ordered != before.ordered {
                after.ordered = ordered
                changed.append("ordered")
            }
            if let headers = patch.headers, headers != before.headers {
                after.headers = headers
                changed.append("headers")
            }
            let type: EventType
            switch patch.enabled {
            case true? where !before.enabled:
                after.enabled = true
                after.disabledReason = nil
                after.failingSince = nil
                type = .webhookEndpointEnabled
            case false? where before.enabled:
                after.enabled = false
                after.disabledReason = nil
                type = .webhookEndpointDisabled
            default:
                type = .webhookEndpointUpdated
            }
            after.updatedAt = Date(millisecondsSince1970: ms)
            try db.execute(
                sql: """
                    UPDATE webhook_endpoints SET url = ?, description = ?, event_types = ?, enabled = ?,
                        disabled_reason = ?, rate_limit_per_second = ?, ordered = ?, headers = ?, failing_since = ?,
                        updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    after.url, after.description, try StorageJSON.text(after.eventTypes), after.enabled,
                    after.disabledReason, after.rateLimitPerSecond, after.ordered, try StorageJSON.text(after.headers),
                    after.failingSince?.millisecondsSince1970, ms, id,
                ])
            try Self.record(
                EventRecord(
                    type: type, orgId: orgId, targetType: "webhook_endpoint", targetId: id,
                    data: [
                        "url": .string(after.url), "event_types": .array(after.eventTypes.map { .string($0) }),
                        "enabled": .bool(after.enabled), "changed": .array(changed.map { .string($0) }),
                    ]),
                actor: actor, now: now, in: db)
            return after
        }
    }

    public func deleteEndpoint(orgId: String, id: String, actor: Actor) async throws {
        let now = self.now()
        let ms = now.millisecondsSince1970
        try await write { db in
            let endpoint = try WebhookRows.requireEndpoint(db, orgId: orgId, id: id)
            // A leased job is cancelled too: its worker's ack then fails, and nothing is sent again.
            try db.execute(
                sql: """
                    UPDATE jobs SET state = 'cancelled', finished_at = ?, updated_at = ?, lease_owner = NULL,
                        lease_expires_at = NULL
                    WHERE org_id = ? AND destination = ? AND kind = ? AND state IN ('available', 'leased', 'retrying')
                    """,
                arguments: [ms, ms, orgId, id, JobKind.webhookDelivery.rawValue])
            // Cascades to webhook_deliveries; the (finished) jobs stay until pruned.
            try db.execute(sql: "DELETE FROM webhook_endpoints WHERE id = ?", arguments: [id])
            try Self.record(
                EventRecord(
                    type: .webhookEndpointDeleted, orgId: orgId, targetType: "webhook_endpoint", targetId: id,
                    data: ["url": .string(endpoint.url)]),
                actor: actor, now: now, in: db)
        }
    }

    public func rotateSecret(orgId: String, id: String, gracePeriod: Duration, actor: Actor) async throws -> String {
        let sealer = try requireSealer()
        let now = self.now()
        let ms = now.millisecondsSince1970
        let validUntil = now.addingTimeInterval(max(0, gracePeriod.inSeconds)).millisecondsSince1970
        return try await write { db in
            let endpoint = try WebhookRows.requireEndpoint(db, orgId: orgId, id: id)
            guard
                let sealed = try String.fetchOne(
                    db, sql: "SELECT secret_sealed FROM webhook_endpoints WHERE id = ?", arguments: [id])
            else { throw HeraldError.notFound("Webhook endpoint") }
            let current = try sealer.openString(sealed, context: WebhookRows.secretContext(id))
            let secret = WebhookRows.generateSecret(endpoint.signing)
            try db.execute(
                sql: """
                    UPDATE webhook_endpoints SET secret_sealed = ?, previous_secret_sealed = ?,
                        previous_valid_until = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    try sealer.seal(secret, context: WebhookRows.secretContext(id)),
                    try sealer.seal(current, context: WebhookRows.previousSecretContext(id)), validUntil, ms, id,
                ])
            try Self.record(
                EventRecord(
                    type: .webhookEndpointUpdated, orgId: orgId, targetType: "webhook_endpoint", targetId: id,
                    data: [
                        "rotated": .bool(true), "url": .string(endpoint.url),
                        "previous_valid_until": .string(Timestamp.format(Date(millisecondsSince1970: validUntil))),
                    ]),
                actor: actor, now: now, in: db)
            return secret
        }
    }

    public func revealSecret(orgId: String, id: String) async throws -> String {
        let sealer = try requireSealer()
        let sealed = try await read { db in
            _ = try WebhookRows.requireEndpoint(db, orgId: orgId, id: id)
            return try String.fetchOne(
                db, sql: "SELECT secret_sealed FROM webhook_endpoints WHERE id = ?", arguments: [id])
        }
        guard let sealed else { throw HeraldError.notFound("Webhook endpoint") }
        return try sealer.openString(sealed, context: WebhookRows.secretContext(id))
    }

    public func signingKeys(endpointId: String) async throws -> SigningKeys {
        let sealer = try requireSealer()
        let columns = try await read { db -> (current: String, previous: String?, validUntil: Int64?)? in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT secret_sealed, previous_secret_sealed, previous_valid_until FROM webhook_endpoints
                    WHERE id = ?
                    """,
                arguments: [endpointId]
            ).map { ($0["secret_sealed"], $0["previous_secret_sealed"], $0["previous_valid_until"]) }
        }
        guard let columns else { throw HeraldError.notFound("Webhook endpoint") }
        let current = try WebhookRows.key(
            sealer.openString(columns.current, context: WebhookRows.secretContext(endpointId)))
        let previousSealed = columns.previous
        let validUntil = columns.validUntil.map(Date.init(millisecondsSince1970:))
        // A previous key past its grace period is left out (it would not sign anyway).
        guard let previousSealed, let validUntil, validUntil > now() else { return SigningKeys(current: current) }
        let previous = try WebhookRows.key(
            sealer.openString(previousSealed, context: WebhookRows.previousSecretContext(endpointId)))
        return SigningKeys(current: current, previous: previous, previousValidUntil: validUntil)
    }
}

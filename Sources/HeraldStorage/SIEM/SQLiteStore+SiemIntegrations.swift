import Foundation
import GRDB
import HeraldCore

/// ``SiemStore`` (the conformance comes with ``HeraldStore``): integrations, their sealed credentials and replay.
extension SQLiteStore {
    public func createSiemIntegration(orgId: String?, _ new: NewSiemIntegration, actor: Actor) async throws
        -> SiemIntegration
    {
        let sealer = try requireSealer()
        let now = self.now()
        let ms = now.millisecondsSince1970
        let id = Identifier.make()
        let sealed = try SiemRows.sealCredentials(new.credentials, id: id, sealer: sealer)
        let names = try StorageJSON.text(new.credentials.keys.sorted())
        let eventTypes = try StorageJSON.text(new.eventTypes)
        let options = try StorageJSON.text(new.options)
        return try await write { db in
            if let orgId { _ = try Self.requireOrganization(orgId, in: db) }
            try db.execute(
                sql: """
                    INSERT INTO siem_integrations (id, org_id, provider, name, endpoint, credentials_sealed,
                        credential_names, event_types, min_severity, schema, options, enabled, cursor, created_at,
                        updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, orgId, new.provider, new.name, new.endpoint, sealed, names, eventTypes,
                    new.minSeverity.rawValue, new.schema.rawValue, options, new.enabled,
                    try SiemRows.head(db, orgId: orgId), ms, ms,
                ])
            guard let (integration, _) = try SiemRows.fetch(db, id: id) else {
                throw HeraldError(.internalError, "the new SIEM integration was not found after its insertion")
            }
            // The creation event comes after the cursor: the integration's first forwarded event (if it matches).
            try Self.record(
                EventRecord(
                    type: .siemIntegrationCreated, orgId: orgId, targetType: "siem_integration", targetId: id,
                    data: SiemRows.eventData(integration)),
                actor: actor, now: now, in: db)
            return integration
        }
    }

    public func siemIntegrations(orgId: String?) async throws -> [SiemIntegration] {
        try await read { db in try Self.integrations(db, orgId: orgId) }
    }

    /// A scope's integrations, newest first.
    static func integrations(_ db: Database, orgId: String?) throws -> [SiemIntegration] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT \(SiemRows.columns) FROM siem_integrations WHERE org_id IS ?
                ORDER BY created_at DESC, rowid DESC
                """,
            arguments: [orgId]
        ).map(SiemRows.integration)
    }

    public func siemIntegration(orgId: String?, id: String) async throws -> SiemIntegration {
        try await read { db in try SiemRows.require(db, orgId: orgId, id: id) }
    }

    public func updateSiemIntegration(orgId: String?, id: String, _ patch: SiemIntegrationPatch, actor: Actor)
        async throws -> SiemIntegration
    {
        let sealer = try requireSealer()
        let now = self.now()
        let ms = now.millisecondsSince1970
        let sealed = try patch.credentials.map { try SiemRows.sealCredentials($0, id: id, sealer: sealer) }
        return try await write { db in
            let before = try SiemRows.require(db, orgId: orgId, id: id)
            var after = before
            var changed: [String] = []
            func apply<T: Equatable>(_ value: T?, _ path: WritableKeyPath<SiemIntegration, T>, _ name: String) {
                guard let value, value != before[keyPath: path] else { return }
                after[keyPath: path] = value
                changed.append(name)
            }
            apply(patch.name, \.name, "name")
            apply(patch.endpoint, \.endpoint, "endpoint")
            apply(patch.eventTypes, \.eventTypes, "event_types")
            apply(patch.minSeverity, \.minSeverity, "min_severity")
            apply(patch.schema, \.schema, "schema")
            apply(patch.options, \.options, "options")
            apply(patch.enabled, \.enabled, "enabled")
            if let credentials = patch.credentials {
                after.credentialNames = credentials.keys.sorted()
                changed.append("credentials")
            }
            // New settings (or switching on) are a fresh start for an integration the destination refused.
            if changed.contains(where: { ["endpoint", "credentials", "options", "enabled"].contains($0) })
                && after.enabled
            {
                after.disabledReason = nil
            }
            after.updatedAt = Date(millisecondsSince1970: ms)
            try db.execute(
                sql: """
                    UPDATE siem_integrations SET name = ?, endpoint = ?, event_types = ?, min_severity = ?, schema = ?,
                        options = ?, enabled = ?, disabled_reason = ?, credential_names = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    after.name, after.endpoint, try StorageJSON.text(after.eventTypes), after.minSeverity.rawValue,
                    after.schema.rawValue, try StorageJSON.text(after.options), after.enabled, after.disabledReason,
                    try StorageJSON.text(after.credentialNames), ms, id,
                ])
            if let sealed {
                try db.execute(
                    sql: "UPDATE siem_integrations SET credentials_sealed = ? WHERE id = ?", arguments: [sealed, id])
            }
            let type: EventType = before.enabled && !after.enabled ? .siemIntegrationPaused : .siemIntegrationUpdated
            try Self.record(
                EventRecord(
                    type: type, orgId: orgId, targetType: "siem_integration", targetId: id,
                    data: SiemRows.eventData(after, extra: ["changed": .array(changed.map { .string($0) })])),
                actor: actor, now: now, in: db)
            return after
        }
    }

    public func deleteSiemIntegration(orgId: String?, id: String, actor: Actor) async throws {
        let now = self.now()
        let ms = now.millisecondsSince1970
        try await write { db in
            let integration = try SiemRows.require(db, orgId: orgId, id: id)
            // A leased flush is cancelled too: its worker's ack then fails and its cursor move finds no row.
            try db.execute(
                sql: """
                    UPDATE jobs SET state = 'cancelled', finished_at = ?, updated_at = ?, lease_owner = NULL,
                        lease_expires_at = NULL
                    WHERE destination = ? AND kind = ? AND state IN ('available', 'leased', 'retrying')
                    """,
                arguments: [ms, ms, id, JobKind.siemFlush.rawValue])
            try db.execute(sql: "DELETE FROM siem_integrations WHERE id = ?", arguments: [id])
            try Self.record(
                EventRecord(
                    type: .siemIntegrationDeleted, orgId: orgId, targetType: "siem_integration", targetId: id,
                    data: SiemRows.eventData(integration)),
                actor: actor, now: now, in: db)
        }
    }

    public func replaySiemIntegration(orgId: String?, id: String, since: Date, actor: Actor) async throws -> Int64 {
        let now = self.now()
        return try await write { db in
            let integration = try SiemRows.require(db, orgId: orgId, id: id)
            let first: Int64? =
                if let orgId {
                    try Int64.fetchOne(
                        db, sql: "SELECT MIN(seq) FROM events WHERE org_id = ? AND occurred_at >= ?",
                        arguments: [orgId, since.millisecondsSince1970])
                } else {
                    try Int64.fetchOne(
                        db, sql: "SELECT MIN(seq) FROM events WHERE occurred_at >= ?",
                        arguments: [since.millisecondsSince1970])
                }
            // Only ever back: what is after the cursor is forwarded anyway.
            let cursor = min(integration.cursor, (first ?? Int64.max) - 1)
            try db.execute(
                sql: """
                    UPDATE siem_integrations SET cursor = ?, cursor_generation = cursor_generation + 1 WHERE id = ?
                    """,
                arguments: [cursor, id])
            try Self.record(
                EventRecord(
                    type: .siemIntegrationUpdated, orgId: orgId, targetType: "siem_integration", targetId: id,
                    data: SiemRows.eventData(
                        integration, extra: ["replay_since": .string(Timestamp.format(since))])),
                actor: actor, now: now, in: db)
            return try Self.eventsInScope(db, orgId: orgId, after: cursor)
        }
    }

    public func siemLag(integrationId: String) async throws -> SiemLag {
        let now = self.now()
        return try await read { db in
            guard let (integration, _) = try SiemRows.fetch(db, id: integrationId) else {
                throw HeraldError.notFound("SIEM integration")
            }
            return try Self.lag(of: integration, now: now, in: db)
        }
    }

    public func siemIntegrationsWithLag(orgId: String?) async throws -> [(SiemIntegration, SiemLag)] {
        let now = self.now()
        // One read for the list and every lag (not one database round trip per integration).
        return try await read { db in
            try Self.integrations(db, orgId: orgId).map { ($0, try Self.lag(of: $0, now: now, in: db)) }
        }
    }

    /// The events in the integration's scope after its cursor, and the age of the oldest of them.
    static func lag(of integration: SiemIntegration, now: Date, in db: Database) throws -> SiemLag {
        let count = try eventsInScope(db, orgId: integration.orgId, after: integration.cursor)
        guard count > 0 else { return SiemLag(events: 0, seconds: 0) }
        let oldest: Int64? =
            if let orgId = integration.orgId {
                try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT created_at FROM events WHERE org_id = ? AND seq > ? ORDER BY seq LIMIT 1"),
                    arguments: [orgId, integration.cursor])
            } else {
                try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT created_at FROM events WHERE seq > ? ORDER BY seq LIMIT 1"),
                    arguments: [integration.cursor])
            }
        let age = oldest.map { now.timeIntervalSince(Date(millisecondsSince1970: $0)) } ?? 0
        return SiemLag(events: count, seconds: max(0, age))
    }

    public func siemCredentials(integrationId: String) async throws -> [String: String] {
        let sealer = try requireSealer()
        let sealed = try await read { db in
            try String.fetchOne(
                db, sql: "SELECT credentials_sealed FROM siem_integrations WHERE id = ?", arguments: [integrationId])
        }
        guard let sealed else { return [:] }
        let text = try sealer.openString(sealed, context: SiemRows.context(integrationId))
        return StorageJSON.stringMap(text)
    }

    /// The events in a scope after a sequence.
    static func eventsInScope(_ db: Database, orgId: String?, after cursor: Int64) throws -> Int64 {
        if let orgId {
            return try Int64.fetchOne(
                db, sql: "SELECT COUNT(*) FROM events WHERE org_id = ? AND seq > ?", arguments: [orgId, cursor]) ?? 0
        }
        return try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM events WHERE seq > ?", arguments: [cursor]) ?? 0
    }
}

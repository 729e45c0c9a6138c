import Foundation
import GRDB
import HeraldCore

/// Decoding of `siem_integrations` and `siem_dead_letters` rows, and the sealing of credentials.
enum SiemRows {
    static let credentialsPurpose = "siem.credentials"

    static let columns = """
        id, org_id, provider, name, endpoint, credential_names, event_types, min_severity, schema, options,
        enabled, disabled_reason, cursor, cursor_generation, last_success_at, last_error, last_error_at,
        dropped_events, created_at, updated_at
        """

    /// An integration from a row selected with ``columns``.
    static func integration(_ row: Row) -> SiemIntegration {
        let schema: String = row["schema"]
        let severity: String = row["min_severity"]
        return SiemIntegration(
            id: row["id"], orgId: row["org_id"], provider: row["provider"], name: row["name"],
            endpoint: row["endpoint"], eventTypes: StorageJSON.strings(row["event_types"]),
            minSeverity: Severity(rawValue: severity) ?? .info, schema: SiemSchema(rawValue: schema) ?? .native,
            options: StorageJSON.stringMap(row["options"]), credentialNames: StorageJSON.strings(row["credential_names"]),
            enabled: row["enabled"], disabledReason: row["disabled_reason"], cursor: row["cursor"],
            lastSuccessAt: date(row["last_success_at"]), lastError: row["last_error"],
            lastErrorAt: date(row["last_error_at"]), droppedEvents: row["dropped_events"],
            createdAt: Date(millisecondsSince1970: row["created_at"]),
            updatedAt: Date(millisecondsSince1970: row["updated_at"]))
    }

    static func fetch(_ db: Database, id: String) throws -> (SiemIntegration, generation: Int64)? {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(columns) FROM siem_integrations WHERE id = ?"), arguments: [id])
        else { return nil }
        return (integration(row), row["cursor_generation"])
    }

    /// The integration in a scope (an organization, or the platform for nil); `not_found` for an unknown one and
    /// for one of another scope.
    static func require(_ db: Database, orgId: String?, id: String) throws -> SiemIntegration {
        guard let (integration, _) = try fetch(db, id: id), integration.orgId == orgId else {
            throw HeraldError.notFound("SIEM integration")
        }
        return integration
    }

    /// The newest event sequence in a scope (0 when it has none).
    static func head(_ db: Database, orgId: String?) throws -> Int64 {
        if let orgId {
            return try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT MAX(seq) FROM events WHERE org_id = ?"), arguments: [orgId]) ?? 0
        }
        return try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(seq) FROM events")) ?? 0
    }

    static func context(_ integrationId: String) -> SealingContext {
        SealingContext(purpose: credentialsPurpose, recordID: integrationId)
    }

    static func sealCredentials(_ credentials: [String: String], id: String, sealer: SecretSealer) throws -> String? {
        credentials.isEmpty ? nil : try sealer.seal(StorageJSON.text(credentials), context: context(id))
    }

    private static func date(_ ms: Int64?) -> Date? {
        ms.map(Date.init(millisecondsSince1970:))
    }

    /// The data of an integration's events (never its credentials).
    static func eventData(_ integration: SiemIntegration, extra: [String: JSONValue] = [:]) -> [String: JSONValue] {
        var data: [String: JSONValue] = [
            "provider": .string(integration.provider), "name": .string(integration.name),
            "schema": .string(integration.schema.rawValue),
        ]
        if integration.orgId == nil { data["platform"] = .bool(true) }
        for (key, value) in extra { data[key] = value }
        return data
    }
}

import Foundation
import GRDB
import HeraldCore

/// ``MailStore``: an organization's SMTP settings and DKIM key, their secrets sealed.
extension SQLiteStore {
    static let smtpPasswordPurpose = "smtp.password"
    static let dkimKeyPurpose = "smtp.dkim_key"

    static func smtpSettings(_ row: Row) -> SmtpSettings {
        let security: String = row["security"]
        let sealed: String? = row["password_sealed"]
        let authentication: String = row["authentication"]
        return SmtpSettings(
            orgId: row["org_id"], host: row["host"], port: row["port"],
            security: MailSecurity(rawValue: security) ?? .starttls, username: row["username"],
            hasPassword: sealed != nil, fromAddress: row["from_address"], fromName: row["from_name"],
            replyTo: row["reply_to"], caPEM: row["ca_pem"], createdAt: Date(millisecondsSince1970: row["created_at"]),
            updatedAt: Date(millisecondsSince1970: row["updated_at"]),
            authentication: SmtpAuthentication(rawValue: authentication) ?? .password)
    }

    public func smtpSettings(orgId: String) async throws -> SmtpSettings? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM smtp_settings WHERE org_id = ?", arguments: [orgId])
                .map(Self.smtpSettings)
        }
    }

    public func putSmtpSettings(orgId: String, _ input: SmtpSettingsInput, actor: Actor) async throws -> SmtpSettings {
        let sealer = try requireSealer()
        let now = self.now()
        let ms = now.millisecondsSince1970
        let context = SealingContext(purpose: Self.smtpPasswordPurpose, recordID: orgId)
        let sealed: String?? = try input.password.map { $0.isEmpty ? nil : try sealer.seal($0, context: context) }
        return try await write { db in
            _ = try Self.requireOrganization(orgId, in: db)
            let existing = try String?.fetchOne(
                db, sql: "SELECT password_sealed FROM smtp_settings WHERE org_id = ?", arguments: [orgId])
            let password: String? = sealed ?? existing ?? nil
            try db.execute(
                sql: """
                    INSERT INTO smtp_settings (org_id, host, port, security, username, password_sealed, from_address,
                        from_name, reply_to, ca_pem, authentication, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (org_id) DO UPDATE SET host = excluded.host, port = excluded.port,
                        security = excluded.security, username = excluded.username,
                        password_sealed = excluded.password_sealed, from_address = excluded.from_address,
                        from_name = excluded.from_name, reply_to = excluded.reply_to, ca_pem = excluded.ca_pem,
                        authentication = excluded.authentication, updated_at = excluded.updated_at
                    """,
                arguments: [
                    orgId, input.host, input.port, input.security.rawValue, input.username, password,
                    input.fromAddress, input.fromName, input.replyTo, input.caPEM, input.authentication.rawValue, ms, ms,
                ])
            try Self.record(
                EventRecord(
                    type: .smtpSettingsUpdated, orgId: orgId, targetType: "smtp_settings", targetId: orgId,
                    data: [
                        "host": .string(input.host), "port": .number(Double(input.port)),
                        "security": .string(input.security.rawValue), "from_address": .string(input.fromAddress),
                        "auth": .string(input.authentication.rawValue),
                    ]),
                actor: actor, now: now, in: db)
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM smtp_settings WHERE org_id = ?", arguments: [orgId])
            else { throw HeraldError(.internalError, "the SMTP settings were not found after they were written") }
            return Self.smtpSettings(row)
        }
    }

    public func deleteSmtpSettings(orgId: String, actor: Actor) async throws {
        let now = self.now()
        try await write { db in
            guard let host = try String.fetchOne(db, sql: "SELECT host FROM smtp_settings WHERE org_id = ?", arguments: [orgId])
            else { throw HeraldError.notFound("SMTP settings") }
            try db.execute(sql: "DELETE FROM smtp_settings WHERE org_id = ?", arguments: [orgId])
            try Self.record(
                EventRecord(
                    type: .smtpSettingsDeleted, orgId: orgId, targetType: "smtp_settings", targetId: orgId,
                    data: ["host": .string(host)]),
                actor: actor, now: now, in: db)
        }
    }

    public func smtpPassword(orgId: String) async throws -> String? {
        let sealed = try await read { db in
            try String?.fetchOne(db, sql: "SELECT password_sealed FROM smtp_settings WHERE org_id = ?", arguments: [orgId])
        }
        guard let sealed = sealed ?? nil else { return nil }
        return try requireSealer().openString(
            sealed, context: SealingContext(purpose: Self.smtpPasswordPurpose, recordID: orgId))
    }

    static func dkimSettings(_ row: Row) -> DkimSettings {
        DkimSettings(
            orgId: row["org_id"], domain: row["domain"], selector: row["selector"], algorithm: row["algorithm"],
            dnsRecord: row["dns_record"], createdAt: Date(millisecondsSince1970: row["created_at"]))
    }

    public func dkimSettings(orgId: String) async throws -> DkimSettings? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM dkim_keys WHERE org_id = ?", arguments: [orgId]).map(Self.dkimSettings)
        }
    }

    public func putDkimSettings(orgId: String, _ settings: DkimSettings, privateKeyPEM: String, actor: Actor)
        async throws -> DkimSettings
    {
        let sealed = try requireSealer().seal(
            privateKeyPEM, context: SealingContext(purpose: Self.dkimKeyPurpose, recordID: orgId))
        let now = self.now()
        let ms = now.millisecondsSince1970
        return try await write { db in
            _ = try Self.requireOrganization(orgId, in: db)
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO dkim_keys (org_id, domain, selector, algorithm, private_key_sealed,
                        dns_record, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [orgId, settings.domain, settings.selector, settings.algorithm, sealed, settings.dnsRecord, ms])
            try Self.record(
                EventRecord(
                    type: .smtpSettingsUpdated, orgId: orgId, targetType: "dkim_key", targetId: orgId,
                    data: [
                        "dkim_domain": .string(settings.domain), "selector": .string(settings.selector),
                        "algorithm": .string(settings.algorithm),
                    ]),
                actor: actor, now: now, in: db)
            var stored = settings
            stored.orgId = orgId
            stored.createdAt = Date(millisecondsSince1970: ms)
            return stored
        }
    }

    public func deleteDkimSettings(orgId: String, actor: Actor) async throws {
        let now = self.now()
        try await write { db in
            guard let domain = try String.fetchOne(db, sql: "SELECT domain FROM dkim_keys WHERE org_id = ?", arguments: [orgId])
            else { throw HeraldError.notFound("DKIM key") }
            try db.execute(sql: "DELETE FROM dkim_keys WHERE org_id = ?", arguments: [orgId])
            try Self.record(
                EventRecord(
                    type: .smtpSettingsDeleted, orgId: orgId, targetType: "dkim_key", targetId: orgId,
                    data: ["dkim_domain": .string(domain)]),
                actor: actor, now: now, in: db)
        }
    }

    public func dkimKey(orgId: String) async throws -> (DkimSettings, privateKeyPEM: String)? {
        let found = try await read { db -> (DkimSettings, String)? in
            try Row.fetchOne(db, sql: "SELECT * FROM dkim_keys WHERE org_id = ?", arguments: [orgId]).map {
                (Self.dkimSettings($0), $0["private_key_sealed"])
            }
        }
        guard let (settings, sealed) = found else { return nil }
        let pem = try requireSealer().openString(
            sealed, context: SealingContext(purpose: Self.dkimKeyPurpose, recordID: orgId))
        return (settings, pem)
    }
}

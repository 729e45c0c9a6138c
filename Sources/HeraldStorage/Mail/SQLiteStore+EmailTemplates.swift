import Foundation
import GRDB
import HeraldCore

/// ``MailStore``: templates, platform defaults and organization overrides, and their resolution for a send.
extension SQLiteStore {
    static func emailTemplate(_ row: Row) -> EmailTemplate {
        let variables: String = row["variables"]
        return EmailTemplate(
            id: row["id"], orgId: row["org_id"], name: row["name"], type: row["type"], subject: row["subject"],
            htmlBody: row["html_body"], textBody: row["text_body"], shipperName: row["shipper_name"],
            shipperEmail: row["shipper_email"], responseEmail: row["response_email"], language: row["language"],
            variables: StorageJSON.strings(variables),
            description: row["description"], isActive: row["is_active"],
            createdAt: Date(millisecondsSince1970: row["created_at"]),
            updatedAt: Date(millisecondsSince1970: row["updated_at"]))
    }

    public func emailTemplates(orgId: String?, _ query: EmailTemplateQuery) async throws -> Page<EmailTemplate> {
        try await read { db in
            var conditions = ["org_id IS ?"]
            var arguments: StatementArguments = [orgId]
            if let type = query.type {
                conditions.append("type = ?")
                _ = arguments.append(contentsOf: [type])
            }
            if let language = query.language {
                conditions.append("language = ?")
                _ = arguments.append(contentsOf: [language])
            }
            if let search = query.search, !search.isEmpty {
                let pattern = "%" + search.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
                conditions.append(
                    "(name LIKE ? ESCAPE '\\' OR subject LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\')")
                _ = arguments.append(contentsOf: [pattern, pattern, pattern])
            }
            let filter = conditions.joined(separator: " AND ")
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM email_templates WHERE \(filter)", arguments: arguments) ?? 0
            var pageArguments = arguments
            _ = pageArguments.append(contentsOf: [query.limit, (query.page - 1) * query.limit])
            let items = try Row.fetchAll(
                db, sql: "SELECT * FROM email_templates WHERE \(filter) ORDER BY name, language, id LIMIT ? OFFSET ?",
                arguments: pageArguments
            ).map(Self.emailTemplate)
            return Page(items: items, total: total)
        }
    }

    public func emailTemplate(orgId: String?, id: String) async throws -> EmailTemplate {
        try await read { db in try Self.requireEmailTemplate(db, orgId: orgId, id: id) }
    }

    static func requireEmailTemplate(_ db: Database, orgId: String?, id: String) throws -> EmailTemplate {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM email_templates WHERE id = ?", arguments: [id]),
            (row["org_id"] as String?) == orgId
        else { throw HeraldError.notFound("Email template") }
        return emailTemplate(row)
    }

    public func createEmailTemplate(orgId: String?, _ fields: EmailTemplateFields, actor: Actor) async throws
        -> EmailTemplate
    {
        let now = self.now()
        let ms = now.millisecondsSince1970
        let id = Identifier.make()
        guard let name = fields.name, let subject = fields.subject, let html = fields.htmlBody else {
            throw HeraldError.invalid("name", "name, subject and html_body are required")
        }
        let template = EmailTemplate(
            id: id, orgId: orgId, name: name, type: fields.type ?? "custom", subject: subject, htmlBody: html,
            textBody: fields.textBody ?? nil, shipperName: fields.shipperName ?? nil,
            shipperEmail: fields.shipperEmail ?? nil, responseEmail: fields.responseEmail ?? nil,
            language: fields.language ?? "en", variables: fields.variables ?? [], description: fields.description ?? nil,
            isActive: fields.isActive ?? true, createdAt: Date(millisecondsSince1970: ms),
            updatedAt: Date(millisecondsSince1970: ms))
        return try await write { db in
            if let orgId { _ = try Self.requireOrganization(orgId, in: db) }
            guard
                try Int.fetchOne(
                    db, sql: "SELECT 1 FROM email_templates WHERE org_id IS ? AND name = ? AND language = ?",
                    arguments: [orgId, template.name, template.language]) == nil
            else {
                throw HeraldError(
                    .alreadyExists, "A template named \(template.name) in \(template.language) exists", field: "name")
            }
            try Self.save(template, in: db)
            try Self.recordTemplateEvent(template, verb: "created", actor: actor, now: now, in: db)
            return template
        }
    }

    public func updateEmailTemplate(orgId: String?, id: String, _ fields: EmailTemplateFields, actor: Actor)
        async throws -> EmailTemplate
    {
        let now = self.now()
        return try await write { db in
            var template = try Self.requireEmailTemplate(db, orgId: orgId, id: id)
            if let name = fields.name { template.name = name }
            if let type = fields.type { template.type = type }
            if let subject = fields.subject { template.subject = subject }
            if let html = fields.htmlBody { template.htmlBody = html }
            if let text = fields.textBody { template.textBody = text }
            if let name = fields.shipperName { template.shipperName = name }
            if let email = fields.shipperEmail { template.shipperEmail = email }
            if let email = fields.responseEmail { template.responseEmail = email }
            if let language = fields.language { template.language = language }
            if let variables = fields.variables { template.variables = variables }
            if let description = fields.description { template.description = description }
            if let active = fields.isActive { template.isActive = active }
            template.updatedAt = now
            if try Int.fetchOne(
                db, sql: "SELECT 1 FROM email_templates WHERE org_id IS ? AND name = ? AND language = ? AND id != ?",
                arguments: [orgId, template.name, template.language, id]) != nil
            {
                throw HeraldError(
                    .alreadyExists, "A template named \(template.name) in \(template.language) exists", field: "name")
            }
            try Self.save(template, in: db)
            try Self.recordTemplateEvent(template, verb: "updated", actor: actor, now: now, in: db)
            return template
        }
    }

    public func deleteEmailTemplate(orgId: String?, id: String, actor: Actor) async throws {
        let now = self.now()
        try await write { db in
            let template = try Self.requireEmailTemplate(db, orgId: orgId, id: id)
            try db.execute(sql: "DELETE FROM email_templates WHERE id = ?", arguments: [id])
            try Self.recordTemplateEvent(template, verb: "deleted", actor: actor, now: now, in: db)
        }
    }

    public func resolveEmailTemplate(orgId: String?, name: String, language: String) async throws -> EmailTemplate? {
        try await read { db in
            // One query (over the scope index): the organization's before the platform's, the language before `en`.
            try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT * FROM email_templates
                        WHERE COALESCE(org_id, '') IN (?, '') AND name = ? AND language IN (?, 'en') AND is_active = 1
                        ORDER BY org_id IS NULL, language != ?
                        LIMIT 1
                        """),
                arguments: [orgId ?? "", name, language, language]
            ).map(Self.emailTemplate)
        }
    }

    public func seedDefaultEmailTemplates(_ templates: [EmailTemplate]) async throws {
        try await write { db in
            for template in templates
            where try Int.fetchOne(
                db, sql: "SELECT 1 FROM email_templates WHERE org_id IS NULL AND name = ? AND language = ?",
                arguments: [template.name, template.language]) == nil
            {
                try Self.save(template, in: db)
            }
        }
    }

    /// Inserts the template, or updates every field but its scope and creation time when its id exists.
    static func save(_ template: EmailTemplate, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO email_templates (id, org_id, name, type, subject, html_body, text_body, shipper_name,
                    shipper_email, response_email, language, variables, description, is_active, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, subject = excluded.subject,
                    html_body = excluded.html_body, text_body = excluded.text_body,
                    shipper_name = excluded.shipper_name, shipper_email = excluded.shipper_email,
                    response_email = excluded.response_email, language = excluded.language,
                    variables = excluded.variables, description = excluded.description,
                    is_active = excluded.is_active, updated_at = excluded.updated_at
                """,
            arguments: [
                template.id, template.orgId, template.name, template.type, template.subject, template.htmlBody,
                template.textBody, template.shipperName, template.shipperEmail, template.responseEmail,
                template.language, try StorageJSON.text(template.variables), template.description, template.isActive,
                template.createdAt.millisecondsSince1970, template.updatedAt.millisecondsSince1970,
            ])
    }

    /// Template changes are audited as `smtp.settings.updated` (the mail settings of the scope changed).
    static func recordTemplateEvent(_ template: EmailTemplate, verb: String, actor: Actor, now: Date, in db: Database)
        throws
    {
        try record(
            EventRecord(
                type: .smtpSettingsUpdated, orgId: template.orgId, targetType: "email_template", targetId: template.id,
                data: [
                    "template": .string(template.name), "language": .string(template.language),
                    "change": .string("template \(verb)"), "is_active": .bool(template.isActive),
                ]),
            actor: actor, now: now, in: db)
    }
}

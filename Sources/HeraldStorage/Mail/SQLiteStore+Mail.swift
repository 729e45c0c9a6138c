import Foundation
import GRDB
import HeraldCore

/// ``MailStore``: mails, their recipients' outcomes, the delivery log and suppression lists.
extension SQLiteStore {
    static let mailVariablesPurpose = "mail.variables"

    /// The suppression list's scope key: the organization, or `''` for the platform.
    static func mailScope(_ orgId: String?) -> String { orgId ?? "" }

    public func enqueueMail(
        _ request: MailRequest, messageID: String, maxAttempts: Int, idempotencyKey: String?, actorId: String
    ) async throws -> MailRecord {
        let sealer = try requireSealer()
        let id = Identifier.make()
        let variables = try sealer.seal(
            StorageJSON.text(request.variables), context: SealingContext(purpose: Self.mailVariablesPurpose, recordID: id))
        let ms = now().millisecondsSince1970
        // Mail keys are apart from ingest's: the same key may be used for both.
        let key = idempotencyKey.map { "mail:" + $0 }
        // Group commit: a burst of API requests shares one transaction (and one fsync).
        return try await groupWrite { db in
            if let key,
                let previous = try IdempotencyKeyRecord.fetchOne(db, key: ["key": key, "actor_id": actorId]),
                previous.createdAt > ms - Self.idempotencyWindow,
                let first = try Self.mailRecords(
                    db, sql: "SELECT * FROM mails WHERE id = ?", arguments: [previous.response]).first
            {
                return first
            }
            if let orgId = request.orgId, try !OrganizationRecord.exists(db, key: orgId) {
                throw HeraldError.invalid("org_id", "Unknown organization \(orgId)")
            }
            let record = try Self.insertMail(
                id: id, request, messageID: messageID, sealedVariables: variables,
                destination: try Self.mailDestination(orgId: request.orgId, in: db), maxAttempts: maxAttempts, now: ms,
                in: db)
            if let key {
                try IdempotencyKeyRecord(key: key, actorId: actorId, response: id, createdAt: ms).save(db)
            }
            return record
        }
    }

    /// Inserts a mail, its recipients (suppressed ones marked) and its `mail.send` job, in the caller's
    /// transaction (an invitation enqueues its mail with the invitation). Returns the new mail's record.
    @discardableResult
    static func insertMail(
        id: String, _ request: MailRequest, messageID: String, sealedVariables: String, destination: String,
        maxAttempts: Int, now ms: Int64, in db: Database
    ) throws -> MailRecord {
        try db.cachedStatement(
            sql: """
                INSERT INTO jobs (kind, org_id, destination, payload, state, attempts, max_attempts, run_at,
                    fencing_token, ordered, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'available', 0, ?, ?, 0, 0, ?, ?)
                """
        ).execute(arguments: [
            JobKind.mailSend.rawValue, request.orgId, destination, Data(id.utf8), maxAttempts, ms, ms, ms,
        ])
        let jobId = db.lastInsertedRowID
        try db.cachedStatement(
            sql: """
                INSERT INTO mails (id, org_id, job_id, message_id, template, language, variables_sealed, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            id, request.orgId, jobId, messageID, request.template, request.language, sealedVariables, ms,
        ])
        let scope = mailScope(request.orgId)
        var seen = Set<String>()
        var recipients: [MailRecipient] = []
        for address in request.to where seen.insert(address.lowercased()).inserted {
            let suppressed = try String.fetchOne(
                db.cachedStatement(sql: "SELECT reason FROM mail_suppressions WHERE scope = ? AND address = ?"),
                arguments: [scope, address])
            let recipient = MailRecipient(
                address: address, status: suppressed == nil ? .pending : .suppressed,
                reply: suppressed.map { "not sent: the address is on the suppression list (\($0))" },
                updatedAt: Date(millisecondsSince1970: ms))
            try db.cachedStatement(
                sql: "INSERT INTO mail_recipients (mail_id, address, status, reply, updated_at) VALUES (?, ?, ?, ?, ?)"
            ).execute(arguments: [id, address, recipient.status.rawValue, recipient.reply, ms])
            recipients.append(recipient)
        }
        return MailRecord(
            id: id, orgId: request.orgId, messageID: messageID, jobId: jobId, template: request.template,
            language: request.language, recipients: recipients.sorted { $0.address < $1.address }, attempts: [],
            createdAt: Date(millisecondsSince1970: ms))
    }

    public func pendingMail(id: String) async throws -> PendingMail? {
        let found = try await read { db -> (messageID: String, orgId: String?, template: String, language: String, sealed: String, pending: [String])? in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM mails WHERE id = ?"), arguments: [id])
            else { return nil }
            let pending = try String.fetchAll(
                db.cachedStatement(
                    sql: "SELECT address FROM mail_recipients WHERE mail_id = ? AND status = 'pending' ORDER BY address"),
                arguments: [id])
            return (row["message_id"], row["org_id"], row["template"], row["language"], row["variables_sealed"], pending)
        }
        guard let found else { return nil }
        let text = try requireSealer().openString(
            found.sealed, context: SealingContext(purpose: Self.mailVariablesPurpose, recordID: id))
        let variables = StorageJSON.stringMap(text)
        return PendingMail(
            id: id, messageID: found.messageID,
            request: MailRequest(
                orgId: found.orgId, template: found.template, language: found.language, to: found.pending,
                variables: variables),
            pending: found.pending)
    }

    public func recordMailRecipient(
        mailId: String, address: String, status: MailRecipient.Status, reply: String?, finishesMail: Bool
    ) async throws {
        let now = self.now()
        let ms = now.millisecondsSince1970
        // Group commit: a burst of mails shares transactions with the job queue's acks.
        try await groupWrite { db in
            guard let mail = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM mails WHERE id = ?"), arguments: [mailId])
            else { return }
            try db.cachedStatement(
                sql: "UPDATE mail_recipients SET status = ?, reply = ?, updated_at = ? WHERE mail_id = ? AND address = ?"
            ).execute(arguments: [status.rawValue, reply.map { String($0.prefix(1000)) }, ms, mailId, address])
            if status == .bounced {
                let orgId: String? = mail["org_id"]
                try db.execute(
                    sql: "INSERT OR IGNORE INTO mail_suppressions (scope, address, reason, created_at) VALUES (?, ?, ?, ?)",
                    arguments: [Self.mailScope(orgId), address, "bounced: \(reply ?? "5xx")".prefix(500).description, ms])
                try Self.record(
                    EventRecord(
                        type: .mailBounced, orgId: orgId, targetType: "mail", targetId: mailId,
                        data: [
                            "message_id": .string(mail["message_id"]), "template": .string(mail["template"]),
                            "recipient": .string(address), "reply": reply.map { .string(String($0.prefix(500))) } ?? .null,
                        ]),
                    actor: .system, now: now, in: db)
            }
            if finishesMail { try Self.recordMailSent(mail, now: now, in: db) }
        }
    }

    public func recordMailSent(mailId: String) async throws {
        let now = self.now()
        try await groupWrite { db in
            guard let mail = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM mails WHERE id = ?"), arguments: [mailId])
            else { return }
            try Self.recordMailSent(mail, now: now, in: db)
        }
    }

    /// `mail.sent` for `mail` (a `mails` row) when at least one of its recipients accepted.
    static func recordMailSent(_ mail: Row, now: Date, in db: Database) throws {
        let mailId: String = mail["id"]
        let accepted = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT COUNT(*) FROM mail_recipients WHERE mail_id = ? AND status = 'accepted'"),
            arguments: [mailId]) ?? 0
        guard accepted > 0 else { return }
        try record(
            EventRecord(
                type: .mailSent, orgId: mail["org_id"], targetType: "mail", targetId: mailId,
                data: [
                    "message_id": .string(mail["message_id"]), "template": .string(mail["template"]),
                    "accepted": .number(Double(accepted)),
                ]),
            actor: .system, now: now, in: db)
    }

    public func mails(orgId: String?, page: Int, limit: Int) async throws -> Page<MailRecord> {
        try await read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM mails WHERE org_id IS ?", arguments: [orgId]) ?? 0
            let items = try Self.mailRecords(
                db, sql: "SELECT * FROM mails WHERE org_id IS ? ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
                arguments: [orgId, limit, (page - 1) * limit])
            return Page(items: items, total: total)
        }
    }

    static func mailRecords(_ db: Database, sql: String, arguments: StatementArguments) throws -> [MailRecord] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let id: String = row["id"]
            let jobId: Int64 = row["job_id"]
            let recipients = try Row.fetchAll(
                db, sql: "SELECT * FROM mail_recipients WHERE mail_id = ? ORDER BY address", arguments: [id]
            ).map { recipient in
                let status: String = recipient["status"]
                return MailRecipient(
                    address: recipient["address"], status: MailRecipient.Status(rawValue: status) ?? .pending,
                    reply: recipient["reply"], updatedAt: Date(millisecondsSince1970: recipient["updated_at"]))
            }
            let attempts = try Row.fetchAll(
                db, sql: "SELECT * FROM job_attempts WHERE job_id = ? ORDER BY id", arguments: [jobId]
            ).map(JobRows.attempt)
            return MailRecord(
                id: id, orgId: row["org_id"], messageID: row["message_id"], jobId: jobId, template: row["template"],
                language: row["language"], recipients: recipients, attempts: attempts,
                createdAt: Date(millisecondsSince1970: row["created_at"]))
        }
    }

    public func suppressions(orgId: String?) async throws -> [MailSuppression] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM mail_suppressions WHERE scope = ? ORDER BY created_at DESC, address",
                arguments: [Self.mailScope(orgId)]
            ).map {
                MailSuppression(
                    address: $0["address"], reason: $0["reason"], createdAt: Date(millisecondsSince1970: $0["created_at"]))
            }
        }
    }

    public func deleteSuppression(orgId: String?, address: String, actor: Actor) async throws {
        let now = self.now()
        try await write { db in
            try db.execute(
                sql: "DELETE FROM mail_suppressions WHERE scope = ? AND address = ?",
                arguments: [Self.mailScope(orgId), address])
            guard db.changesCount > 0 else { throw HeraldError.notFound("Suppressed address") }
            try Self.record(
                EventRecord(
                    type: .smtpSettingsUpdated, orgId: orgId, targetType: "mail_suppression", targetId: address,
                    data: ["unsuppressed": .string(address)]),
                actor: actor, now: now, in: db)
        }
    }
}

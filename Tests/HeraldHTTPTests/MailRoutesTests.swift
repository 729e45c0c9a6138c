import Foundation
import HeraldCore
import HeraldStorage
import Hummingbird
import Testing

/// `POST /api/mail`, `…/mail` and `…/mail/suppressions`, with a ``FakeMailer``; and the mails the store enqueues
/// itself (invitations, approvals, rejections).
@Suite struct MailRoutesTests {
    @Test func sendMailOnlyForServiceKeys() async throws {
        let fixture = try await MailFixture()
        let mailer = try #require(fixture.mailer)
        try await fixture.run { client in
            let (acmeId, globexId) = try await fixture.seed(client)
            let verification = #"{"template":"verification","to":"Jane@Example.com","variables":{"code":"123456","url":"https://sso.example/v"}}"#

            for key in [fixture.ownerKey, fixture.platformKey, fixture.memberKey] {
                let refused = try await client.call(.post, "/api/mail", key: key, json: verification)
                #expect(refused.status == 403)
                #expect(refused.errorCode == "forbidden")
            }
            #expect(try await client.call(.post, "/api/mail", key: nil, json: verification).status == 401)
            #expect(mailer.recorded.validated.isEmpty)

            // `to` as one address.
            let wakes = fixture.api.wakes.value
            let sent = try await fixture.send(client, verification)
            #expect(Set(sent.keys) == ["message_id", "job_id"])
            let messageId = try #require(sent["message_id"] as? String)
            #expect(messageId.hasPrefix("<fake-") && messageId.hasSuffix("@\(FakeMailer.messageIDDomain)>"))
            #expect(Int(try #require(sent["job_id"] as? String)) != nil)
            #expect(fixture.api.wakes.value > wakes)
            let validated = try #require(mailer.recorded.validated.last)
            #expect(validated.to == ["jane@example.com"])
            #expect(validated.orgId == nil)
            #expect(validated.language == "en")
            #expect(validated.template == "verification")

            // `to` as a list, to an organization, in a language.
            let listed = try await fixture.send(client, #"""
                {"template":"verification","to":["b@example.com","A@example.com"],"org_id":"\#(acmeId)","language":"pt-BR",
                 "variables":{"code":"42","url":"https://sso.example/v"}}
                """#)
            #expect(listed["message_id"] as? String != messageId)
            #expect(mailer.recorded.validated.last?.to == ["b@example.com", "a@example.com"])
            #expect(mailer.recorded.validated.last?.language == "pt-BR")

            // Refusals from the mailer's checks: 400 naming the field, nothing enqueued.
            let count = try await fixture.store.mails(orgId: acmeId, page: 1, limit: 100).total
            let unknown = try await client.call(.post, "/api/mail", key: fixture.serviceKey,
                                                json: #"{"template":"nope","to":"a@example.com","org_id":"\#(acmeId)","variables":{}}"#)
            #expect(unknown.status == 400)
            #expect(unknown.errorField == "template")
            let incomplete = try await client.call(.post, "/api/mail", key: fixture.serviceKey,
                                                   json: #"{"template":"verification","to":"a@example.com","org_id":"\#(acmeId)","variables":{"code":"1"}}"#)
            #expect(incomplete.status == 400)
            #expect(incomplete.errorField == "variables")
            #expect(incomplete.errorMessage?.contains("url") == true)

            // The route's own checks.
            for (json, field) in [
                (#"{"template":"verification","to":"a@example.com\r\nBcc: x@evil.example","variables":{}}"#, "to"),
                (#"{"template":"verification","to":["a@example.com","b@example.com\nX: y"],"variables":{}}"#, "to"),
                (#"{"template":"verification","to":"not-an-address","variables":{}}"#, "to"),
                (#"{"template":"verification","to":[],"variables":{}}"#, "to"),
                (#"{"template":"verification","to":"a@example.com","language":"e","variables":{}}"#, "language"),
                (#"{"template":"verification","to":"a@example.com","org_id":"nope","variables":{}}"#, "org_id"),
                (#"{"template":"verification","to":"a@example.com","variables":{"code":"\#(String(repeating: "x", count: 10_001))"}}"#, "variables"),
            ] {
                let response = try await client.call(.post, "/api/mail", key: fixture.serviceKey, json: json)
                #expect(response.status == 400, "\(json.prefix(120)): \(response.text.prefix(300))")
                #expect(response.errorField == field, "\(json.prefix(120))")
            }
            let many = (0...100).map { "\"u\($0)@example.com\"" }.joined(separator: ",")
            #expect(try await client.call(.post, "/api/mail", key: fixture.serviceKey,
                                          json: #"{"template":"verification","to":[\#(many)],"variables":{}}"#).status == 400)
            for json in [#"{"to":"a@example.com"}"#, #"{"template":"verification"}"#, #"{"template":"verification","to":1}"#,
                         #"{"template":"verification","to":"a@example.com","variables":{"code":1}}"#, "{"] {
                #expect(try await client.call(.post, "/api/mail", key: fixture.serviceKey, json: json).status == 400, "\(json)")
            }
            #expect(try await fixture.store.mails(orgId: acmeId, page: 1, limit: 100).total == count)

            // The organization's mail is in its delivery log, pending, with its recipients; not in globex's.
            let log = try await client.call(.get, "/api/organizations/acme/mail", key: fixture.adminKey)
            #expect(log.status == 200, "\(log.text)")
            #expect(Set(log.json.keys) == ["mails", "total", "page", "limit"])
            #expect(log.json["total"] as? Int == 1)
            #expect(log.json["page"] as? Int == 1)
            #expect(log.json["limit"] as? Int == 20)
            let mail = try #require((log.json["mails"] as? [[String: Any]])?.first)
            #expect(Set(mail.keys) == MailFixture.mailFields)
            #expect(mail["message_id"] as? String == listed["message_id"] as? String)
            #expect(mail["job_id"] as? String == listed["job_id"] as? String)
            #expect(mail["template"] as? String == "verification")
            #expect(mail["language"] as? String == "pt-BR")
            #expect(mail["status"] as? String == "pending")
            #expect((mail["attempts"] as? [Any])?.isEmpty == true)
            #expect(mail["created_at"] is String)
            let recipients = try #require(mail["recipients"] as? [[String: Any]])
            #expect(recipients.compactMap { $0["address"] as? String } == ["a@example.com", "b@example.com"])
            #expect(recipients.allSatisfy { $0["status"] as? String == "pending" && $0["reply"] is NSNull })
            #expect(recipients.allSatisfy { Set($0.keys) == ["address", "status", "reply", "updated_at"] })
            #expect(!log.text.contains("https://sso.example/v"))

            // The variables are kept (sealed) for the sender.
            let mailId = try #require(mail["id"] as? String)
            let pending = try #require(try await fixture.store.pendingMail(id: mailId))
            #expect(pending.request.orgId == acmeId)
            #expect(pending.request.variables == ["code": "42", "url": "https://sso.example/v"])
            #expect(pending.pending == ["a@example.com", "b@example.com"])
            #expect(pending.messageID == (listed["message_id"] as? String)?.trimmingCharacters(in: CharacterSet(charactersIn: "<>")))

            // The platform mail is in no organization's log.
            #expect(try await fixture.store.mails(orgId: nil, page: 1, limit: 100).total == 1)
            #expect(try await fixture.store.mails(orgId: globexId, page: 1, limit: 100).total == 0)
            let globexLog = try await client.call(.get, "/api/organizations/globex/mail", key: fixture.outsiderKey)
            #expect(globexLog.status == 200)
            #expect(globexLog.json["total"] as? Int == 0)
            #expect((globexLog.json["mails"] as? [Any])?.isEmpty == true)
            #expect(!log.text.contains(messageId))

            // The log: admins and the owner; pages checked.
            #expect(try await client.call(.get, "/api/organizations/acme/mail", key: fixture.memberKey).status == 403)
            #expect(try await client.call(.get, "/api/organizations/acme/mail", key: fixture.outsiderKey).status == 404)
            #expect(try await client.call(.get, "/api/organizations/acme/mail?page=2&limit=1", key: fixture.ownerKey)
                .json["mails"] as? [Any] != nil)
            for query in ["?limit=0", "?limit=101", "?page=0", "?page=a"] {
                #expect(try await client.call(.get, "/api/organizations/acme/mail\(query)", key: fixture.ownerKey)
                    .status == 400, "\(query)")
            }

            // Mails record no event when enqueued.
            #expect(!(try await fixture.auditActions(client, "/api/organizations/acme/audit-logs", key: fixture.ownerKey))
                .contains { $0.hasPrefix("mail.") })
        }
    }

    @Test func idempotencyKeyReturnsTheFirstMail() async throws {
        let fixture = try await MailFixture()
        try await fixture.run { client in
            let (acmeId, _) = try await fixture.seed(client)
            let body = #"{"template":"verification","to":"a@example.com","org_id":"\#(acmeId)","variables":{"code":"1","url":"u"}}"#
            let first = try await fixture.send(client, body, idempotencyKey: "signup-42")
            let repeated = try await fixture.send(client, body, idempotencyKey: "signup-42")
            #expect(repeated["message_id"] as? String == first["message_id"] as? String)
            #expect(repeated["job_id"] as? String == first["job_id"] as? String)
            // Even with another body, a repeat within 24 h answers the first mail.
            let other = try await fixture.send(
                client, #"{"template":"verification","to":"b@example.com","org_id":"\#(acmeId)","variables":{"code":"2","url":"u"}}"#,
                idempotencyKey: "signup-42")
            #expect(other["message_id"] as? String == first["message_id"] as? String)
            let fresh = try await fixture.send(client, body, idempotencyKey: "signup-43")
            #expect(fresh["message_id"] as? String != first["message_id"] as? String)
            let unkeyed = try await fixture.send(client, body)
            #expect(unkeyed["message_id"] as? String != first["message_id"] as? String)
            #expect(try await fixture.store.mails(orgId: acmeId, page: 1, limit: 100).total == 3)
            let log = try await client.call(.get, "/api/organizations/acme/mail", key: fixture.ownerKey)
            #expect(log.json["total"] as? Int == 3)

            let tooLong = try await client.call(.post, "/api/mail", key: fixture.serviceKey, json: body,
                                                headers: [.init("Idempotency-Key")!: String(repeating: "k", count: 201)])
            #expect(tooLong.status == 400)
            #expect(tooLong.errorField == "Idempotency-Key")
        }
    }

    @Test func sendMailWithoutAMailerIs503() async throws {
        let fixture = try await MailFixture(mailer: false)
        try await fixture.run { client in
            try await fixture.seed(client)
            let response = try await client.call(.post, "/api/mail", key: fixture.serviceKey,
                                                 json: #"{"template":"verification","to":"a@example.com","variables":{}}"#)
            #expect(response.status == 503)
            #expect(response.errorCode == "unavailable")
            #expect(try await fixture.store.mails(orgId: nil, page: 1, limit: 10).total == 0)
        }
    }

    // MARK: Suppressions

    @Test func bouncesAreSuppressedUntilRemoved() async throws {
        let fixture = try await MailFixture()
        try await fixture.run { client in
            let (acmeId, _) = try await fixture.seed(client)
            let base = "/api/organizations/acme/mail/suppressions"
            let empty = try await client.call(.get, base, key: fixture.adminKey)
            #expect(empty.status == 200)
            #expect(empty.text == "[]")
            #expect(try await client.call(.get, base, key: fixture.memberKey).status == 403)
            #expect(try await client.call(.get, base, key: fixture.outsiderKey).status == 404)

            _ = try await fixture.send(client, #"""
                {"template":"verification","to":["gone@example.com","Lost@Example.com","ok@example.com"],
                 "org_id":"\#(acmeId)","variables":{"code":"1","url":"u"}}
                """#)
            let mail = try #require(try await fixture.store.mails(orgId: acmeId, page: 1, limit: 10).items.first)
            try await fixture.store.recordMailRecipient(
                mailId: mail.id, address: "gone@example.com", status: .bounced, reply: "550 5.1.1 <gone@example.com>: no such user")
            try await fixture.store.recordMailRecipient(
                mailId: mail.id, address: "lost@example.com", status: .bounced, reply: "550 5.1.1 mailbox unavailable")
            try await fixture.store.recordMailRecipient(
                mailId: mail.id, address: "ok@example.com", status: .accepted, reply: "250 2.0.0 Ok: queued as 123")

            let listed = try await client.call(.get, base, key: fixture.adminKey)
            #expect(listed.status == 200)
            #expect(Set(listed.array.compactMap { $0["address"] as? String }) == ["gone@example.com", "lost@example.com"])
            #expect(listed.array.allSatisfy { Set($0.keys) == ["address", "reason", "created_at"] })
            let gone = try #require(listed.array.first { $0["address"] as? String == "gone@example.com" })
            #expect((gone["reason"] as? String)?.contains("550 5.1.1") == true)
            #expect(try await client.call(.get, "/api/organizations/globex/mail/suppressions", key: fixture.outsiderKey)
                .text == "[]")

            // The log shows each recipient's outcome; the bounce is an event.
            let log = try await client.call(.get, "/api/organizations/acme/mail", key: fixture.adminKey)
            let entry = try #require((log.json["mails"] as? [[String: Any]])?.first)
            #expect(entry["status"] as? String == "sent")
            let outcomes = (entry["recipients"] as? [[String: Any]] ?? []).map {
                ($0["address"] as? String ?? "", $0["status"] as? String ?? "")
            }
            #expect(outcomes.map(\.0) == ["gone@example.com", "lost@example.com", "ok@example.com"])
            #expect(outcomes.map(\.1) == ["bounced", "bounced", "accepted"])
            let actions = try await fixture.auditActions(client, "/api/organizations/acme/audit-logs", key: fixture.ownerKey)
            #expect(actions.filter { $0 == "mail.bounced" }.count == 2)

            // A later mail to a suppressed address does not go to it.
            _ = try await fixture.send(client, #"""
                {"template":"verification","to":["GONE@example.com","new@example.com"],"org_id":"\#(acmeId)",
                 "variables":{"code":"1","url":"u"}}
                """#)
            let later = try #require(try await fixture.store.mails(orgId: acmeId, page: 1, limit: 10).items.first)
            #expect(later.id != mail.id)
            #expect(later.recipients.map(\.address) == ["gone@example.com", "new@example.com"])
            #expect(later.recipients.map(\.status) == [.suppressed, .pending])
            #expect(try await fixture.store.pendingMail(id: later.id)?.pending == ["new@example.com"])

            // Removal: admins, by the address (percent-encoded or not, any case); then 404.
            #expect(try await client.call(.delete, "\(base)/gone%40example.com", key: fixture.memberKey).status == 403)
            #expect(try await client.call(.delete, "\(base)/gone%40example.com", key: fixture.outsiderKey).status == 404)
            #expect(try await client.call(.delete, "/api/organizations/globex/mail/suppressions/gone%40example.com",
                                          key: fixture.outsiderKey).status == 404)
            #expect(try await client.call(.delete, "\(base)/gone%40example.com", key: fixture.adminKey).status == 204)
            #expect(try await client.call(.delete, "\(base)/gone%40example.com", key: fixture.adminKey).status == 404)
            #expect(try await client.call(.delete, "\(base)/Lost@Example.com", key: fixture.ownerKey).status == 204)
            #expect(try await client.call(.delete, "\(base)/lost@example.com", key: fixture.ownerKey).status == 404)
            #expect(try await client.call(.get, base, key: fixture.adminKey).text == "[]")
        }
    }

    // MARK: Mails the store enqueues itself

    @Test func invitationsAndDecisionsEnqueueTheirMails() async throws {
        let fixture = try await MailFixture(enqueueing: true)
        try await fixture.run { client in
            let (acmeId, globexId) = try await fixture.seed(client)
            // Adding members directly mails nobody.
            #expect(try await fixture.store.mails(orgId: acmeId, page: 1, limit: 10).total == 0)

            let invitation = try await client.call(.post, "/api/organizations/acme/invitations", key: fixture.ownerKey,
                                                   json: #"{"email":"New@Acme.example","role":"admin","message":"Welcome aboard"}"#)
            #expect(invitation.status == 201, "\(invitation.text)")
            let token = try #require(invitation.json["token"] as? String)
            let mails = try await fixture.store.mails(orgId: acmeId, page: 1, limit: 10)
            #expect(mails.total == 1)
            let mail = try #require(mails.items.first)
            #expect(mail.template == "invitation")
            #expect(mail.language == "en")
            #expect(mail.recipients.map(\.address) == ["new@acme.example"])
            #expect(mail.messageID.hasSuffix("@\(FakeMailer.messageIDDomain)"))
            let pending = try #require(try await fixture.store.pendingMail(id: mail.id))
            #expect(pending.pending == ["new@acme.example"])
            let variables = pending.request.variables
            #expect(variables["token"] == token)
            #expect(variables["accept_url"] == MailFixture.invitationURL + token)
            #expect(variables["organization_name"] == "Acme")
            #expect(variables["organization_slug"] == "acme")
            #expect(variables["role"] == "admin")
            #expect(variables["inviter_email"] == "owner@acme.example")
            #expect(variables["message"] == "Welcome aboard")
            #expect(variables["expires_at"]?.isEmpty == false)
            // Every variable the shipped template declares is given.
            let template = try #require(DefaultEmailTemplates.all().first { $0.name == "invitation" })
            #expect(template.variables.allSatisfy { variables[$0] != nil })

            // It shows in the delivery log (without the token) and has its job.
            let log = try await client.call(.get, "/api/organizations/acme/mail", key: fixture.adminKey)
            let entry = try #require((log.json["mails"] as? [[String: Any]])?.first)
            #expect(entry["template"] as? String == "invitation")
            #expect(entry["status"] as? String == "pending")
            #expect(!log.text.contains(token))
            let jobs = try await client.call(.get, "/api/platform/jobs?kind=mail.send", key: fixture.platformKey)
            #expect(jobs.status == 200, "\(jobs.text)")
            let job = try #require((jobs.json["jobs"] as? [[String: Any]])?.first { $0["id"] as? String == String(mail.jobId) })
            #expect(job["kind"] as? String == "mail.send")
            #expect(job["org_id"] as? String == acmeId)
            #expect(job["max_attempts"] as? Int == 5)

            // Approval mails the owner; rejection mails the owner with the reason.
            #expect(try await client.call(.post, "/api/platform/tiers", key: fixture.platformKey,
                                          json: #"{"id":"pro","display_name":"Pro"}"#).status == 201)
            let approved = try await client.call(.post, "/api/platform/organizations/\(acmeId)/approve",
                                                 key: fixture.platformKey, json: #"{"tier_id":"pro"}"#)
            #expect(approved.status == 200, "\(approved.text)")
            let approval = try #require(
                try await fixture.store.mails(orgId: acmeId, page: 1, limit: 10).items.first { $0.template == "organization_approved" })
            #expect(approval.recipients.map(\.address) == ["owner@acme.example"])
            let approvalVariables = try #require(try await fixture.store.pendingMail(id: approval.id)).request.variables
            #expect(approvalVariables["organization_name"] == "Acme")
            #expect(approvalVariables["organization_slug"] == "acme")

            let reason = "The name violates the terms"
            let rejected = try await client.call(.post, "/api/platform/organizations/\(globexId)/reject",
                                                 key: fixture.platformKey, json: #"{"reason":"\#(reason)"}"#)
            #expect(rejected.status == 200, "\(rejected.text)")
            let rejections = try await fixture.store.mails(orgId: globexId, page: 1, limit: 10)
            #expect(rejections.items.map(\.template) == ["organization_rejected"])
            let rejection = try #require(rejections.items.first)
            #expect(rejection.recipients.map(\.address) == ["boss@globex.example"])
            let rejectionVariables = try #require(try await fixture.store.pendingMail(id: rejection.id)).request.variables
            #expect(rejectionVariables["reason"] == reason)
            #expect(rejectionVariables["organization_name"] == "Globex")
            #expect(try await fixture.store.mails(orgId: acmeId, page: 1, limit: 10).total == 2)
        }
    }

    @Test func aStoreWithoutMailSettingsEnqueuesNone() async throws {
        let fixture = try await MailFixture()
        try await fixture.run { client in
            let (acmeId, _) = try await fixture.seed(client)
            #expect(try await client.call(.post, "/api/organizations/acme/invitations", key: fixture.ownerKey,
                                          json: #"{"email":"new@acme.example","role":"member"}"#).status == 201)
            #expect(try await fixture.store.mails(orgId: acmeId, page: 1, limit: 10).total == 0)
        }
    }
}

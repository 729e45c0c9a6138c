import Foundation
import HeraldCore
import HeraldStorage
import Hummingbird
import Testing

/// `/api/organizations/{slug}/smtp`, `…/smtp/dkim`, `…/email-templates`, `/api/platform/email-templates`,
/// `POST /api/mail`, `…/mail` and `…/mail/suppressions`, with a ``FakeMailer``; and the mails the store enqueues
/// itself (invitations, approvals, rejections).
@Suite struct MailRoutesTests {
    static let password = "smtp-secret-0001"
    static let smtpBase = "/api/organizations/acme/smtp"
    static let pem = "-----BEGIN PRIVATE KEY-----\\nMC4CAQAwBQYDK2VwBCIEIDKIM-PRIVATE-KEY-0001\\n-----END PRIVATE KEY-----\\n"

    // MARK: SMTP settings

    @Test func smtpSettingsLifecycleRolesAndTheWriteOnlyPassword() async throws {
        let fixture = try await MailFixture()
        try await fixture.run { client in
            let (acmeId, _) = try await fixture.seed(client)
            let base = Self.smtpBase

            let missing = try await client.call(.get, base, key: fixture.adminKey)
            #expect(missing.status == 404)
            #expect(missing.errorCode == "not_found")
            #expect(try await client.call(.delete, base, key: fixture.adminKey).status == 404)

            // Admins and the owner manage SMTP; members get 403, non-members 404, strangers 401.
            for method in [HTTPRequest.Method.get, .put, .delete] {
                let body = method == .put ? MailFixture.smtp : nil
                #expect(try await client.call(method, base, key: fixture.memberKey, json: body).status == 403, "\(method)")
                #expect(try await client.call(method, base, key: fixture.outsiderKey, json: body).status == 404, "\(method)")
                #expect(try await client.call(method, base, key: nil, json: body).status == 401, "\(method)")
                #expect(try await client.call(method, "/api/organizations/nope/smtp", key: fixture.ownerKey, json: body)
                    .status == 404, "\(method)")
            }
            #expect(try await client.call(.get, base, key: fixture.adminKey).status == 404)

            let put = try await client.call(.put, base, key: fixture.adminKey, json: MailFixture.smtp)
            #expect(put.status == 200, "\(put.text)")
            #expect(Set(put.json.keys) == MailFixture.smtpFields)
            #expect(!put.text.contains(Self.password))
            #expect(put.json["host"] as? String == "smtp.acme.example")
            #expect(put.json["port"] as? Int == 587)
            #expect(put.json["security"] as? String == "starttls")
            #expect(put.json["username"] as? String == "mailer")
            #expect(put.json["auth"] as? String == "password")
            #expect(put.json["has_password"] as? Bool == true)
            #expect(put.json["from_address"] as? String == "noreply@acme.example")
            #expect(put.json["from_name"] as? String == "Acme")
            #expect(put.json["reply_to"] as? String == "support@acme.example")
            #expect(put.json["ca_pem"] is NSNull)
            #expect(put.json["created_at"] is String)
            #expect(put.json["updated_at"] is String)
            #expect(try await fixture.store.smtpPassword(orgId: acmeId) == Self.password)

            let got = try await client.call(.get, base, key: fixture.ownerKey)
            #expect(got.status == 200)
            #expect(Set(got.json.keys) == MailFixture.smtpFields)
            #expect(got.json["has_password"] as? Bool == true)
            #expect(!got.text.contains(Self.password))

            // A PUT without a password keeps the stored one; optional fields absent are cleared.
            let kept = try await client.call(.put, base, key: fixture.ownerKey, json: #"""
                {"host":"smtp2.acme.example","port":2525,"security":"tls","from_address":"mail@acme.example"}
                """#)
            #expect(kept.status == 200, "\(kept.text)")
            #expect(kept.json["has_password"] as? Bool == true)
            #expect(kept.json["host"] as? String == "smtp2.acme.example")
            #expect(kept.json["port"] as? Int == 2525)
            #expect(kept.json["security"] as? String == "tls")
            #expect(kept.json["username"] is NSNull)
            #expect(kept.json["from_name"] is NSNull)
            #expect(kept.json["reply_to"] is NSNull)
            #expect(kept.json["created_at"] as? String == put.json["created_at"] as? String)
            #expect(try await fixture.store.smtpPassword(orgId: acmeId) == Self.password)

            // `tls` defaults to 465; a CA is kept as given.
            let ca = "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n"
            let tls = try await client.call(.put, base, key: fixture.adminKey, json: #"""
                {"host":"smtp.acme.example","security":"tls","from_address":"mail@acme.example","ca_pem":"\#(ca)"}
                """#)
            #expect(tls.status == 200, "\(tls.text)")
            #expect(tls.json["port"] as? Int == 465)
            #expect((tls.json["ca_pem"] as? String)?.hasPrefix("-----BEGIN CERTIFICATE-----") == true)
            #expect(tls.json["has_password"] as? Bool == true)

            // auth xoauth2: the password is an OAuth access token for the user name, which is then required.
            let token = "ya29." + String(repeating: "t", count: 2000)
            let oauth = try await client.call(.put, base, key: fixture.adminKey, json: #"""
                {"host":"smtp.acme.example","username":"mailer@acme.example","password":"\#(token)","auth":"xoauth2","from_address":"mail@acme.example"}
                """#)
            #expect(oauth.status == 200, "\(oauth.text)")
            #expect(oauth.json["auth"] as? String == "xoauth2")
            #expect(!oauth.text.contains("ya29."))
            #expect(try await fixture.store.smtpPassword(orgId: acmeId) == token)
            #expect(try await client.call(.get, base, key: fixture.ownerKey).json["auth"] as? String == "xoauth2")

            // An empty password removes it.
            let cleared = try await client.call(.put, base, key: fixture.adminKey, json: #"""
                {"host":"smtp.acme.example","password":"","from_address":"mail@acme.example"}
                """#)
            #expect(cleared.json["has_password"] as? Bool == false)
            #expect(try await fixture.store.smtpPassword(orgId: acmeId) == nil)

            #expect(try await client.call(.delete, base, key: fixture.adminKey).status == 204)
            #expect(try await client.call(.get, base, key: fixture.adminKey).status == 404)
            #expect(try await client.call(.delete, base, key: fixture.adminKey).status == 404)

            // One event per change, never with the password; globex is untouched.
            let actions = try await fixture.auditActions(client, "/api/organizations/acme/audit-logs", key: fixture.ownerKey)
            #expect(actions.filter { $0 == "smtp.settings.updated" }.count == 5)
            #expect(actions.filter { $0 == "smtp.settings.deleted" }.count == 1)
            let audit = try await client.call(.get, "/api/organizations/acme/audit-logs?limit=1000", key: fixture.ownerKey)
            #expect(!audit.text.contains(Self.password))
            let deletion = try #require(audit.array.first { $0["action"] as? String == "smtp.settings.deleted" })
            #expect(deletion["target_type"] as? String == "smtp_settings")
            #expect(try await client.call(.get, "/api/organizations/globex/smtp", key: fixture.outsiderKey).status == 404)
            #expect(try await fixture.auditActions(client, "/api/organizations/globex/audit-logs", key: fixture.outsiderKey)
                .allSatisfy { !$0.hasPrefix("smtp.") })
        }
    }

    @Test func verifyFailureIsA422AndStoresNothing() async throws {
        let fixture = try await MailFixture()
        let mailer = try #require(fixture.mailer)
        try await fixture.run { client in
            let (acmeId, _) = try await fixture.seed(client)
            let base = Self.smtpBase
            let reply = "535 5.7.8 Error: authentication failed: UGFzc3dvcmQ6"
            mailer.set { $0.verifyResult = SmtpVerifyResult(ok: false, message: reply) }

            let failed = try await client.call(.put, base + "?verify=true", key: fixture.adminKey, json: MailFixture.smtp)
            #expect(failed.status == 422, "\(failed.text)")
            #expect(failed.errorCode == "smtp_verify_failed")
            #expect(failed.errorMessage == reply)
            #expect(!failed.text.contains(Self.password))
            #expect(try await client.call(.get, base, key: fixture.adminKey).status == 404)
            #expect(try await fixture.store.smtpSettings(orgId: acmeId) == nil)
            let call = try #require(mailer.recorded.verified.last)
            #expect(call.settings.host == "smtp.acme.example")
            #expect(call.settings.port == 587)
            #expect(call.settings.security == .starttls)
            #expect(call.password == Self.password)
            #expect(!(try await fixture.auditActions(client, "/api/organizations/acme/audit-logs", key: fixture.ownerKey))
                .contains("smtp.settings.updated"))

            // Invalid settings are refused before any check.
            let before = mailer.recorded.verified.count
            #expect(try await client.call(.put, base + "?verify=true", key: fixture.adminKey,
                                         json: #"{"host":"bad host","from_address":"a@b.example"}"#).status == 400)
            #expect(mailer.recorded.verified.count == before)

            mailer.set { $0.verifyResult = SmtpVerifyResult(ok: true, message: "verified") }
            let verified = try await client.call(.put, base + "?verify=true", key: fixture.adminKey, json: MailFixture.smtp)
            #expect(verified.status == 200, "\(verified.text)")
            #expect(verified.json["has_password"] as? Bool == true)
            #expect(try await client.call(.get, base, key: fixture.adminKey).json["host"] as? String == "smtp.acme.example")

            // Without a password in the body, the check uses the stored one.
            let again = try await client.call(.put, base + "?verify=true", key: fixture.adminKey, json: #"""
                {"host":"smtp.acme.example","username":"mailer","from_address":"noreply@acme.example"}
                """#)
            #expect(again.status == 200, "\(again.text)")
            #expect(mailer.recorded.verified.last?.password == Self.password)

            // A failing check leaves the stored settings as they were.
            mailer.set { $0.verifyResult = SmtpVerifyResult(ok: false, message: "STARTTLS is not offered by the server") }
            let refused = try await client.call(.put, base + "?verify=true", key: fixture.adminKey, json: #"""
                {"host":"other.acme.example","from_address":"noreply@acme.example"}
                """#)
            #expect(refused.status == 422)
            #expect(refused.errorMessage == "STARTTLS is not offered by the server")
            #expect(try await client.call(.get, base, key: fixture.adminKey).json["host"] as? String == "smtp.acme.example")

            // Without `verify=true` nothing is checked.
            let count = mailer.recorded.verified.count
            #expect(try await client.call(.put, base + "?verify=false", key: fixture.adminKey, json: MailFixture.smtp)
                .status == 200)
            #expect(try await client.call(.put, base, key: fixture.adminKey, json: MailFixture.smtp).status == 200)
            #expect(mailer.recorded.verified.count == count)
        }
    }

    @Test func verifyWithoutAMailerIs503() async throws {
        let fixture = try await MailFixture(mailer: false)
        try await fixture.run { client in
            try await fixture.seed(client)
            let unavailable = try await client.call(
                .put, Self.smtpBase + "?verify=true", key: fixture.adminKey, json: MailFixture.smtp)
            #expect(unavailable.status == 503)
            #expect(unavailable.errorCode == "unavailable")
            #expect(try await client.call(.get, Self.smtpBase, key: fixture.adminKey).status == 404)
            #expect(try await client.call(.put, Self.smtpBase, key: fixture.adminKey, json: MailFixture.smtp).status == 200)
        }
    }

    @Test func smtpSettingsValidation() async throws {
        let fixture = try await MailFixture(configure: { $0.outboundAllowlist = ["127.0.0.0/8"] })
        try await fixture.run { client in
            try await fixture.seed(client)
            let cases: [(String, String)] = [
                (#"{"host":"smtp acme.example","from_address":"a@acme.example"}"#, "host"),
                (#"{"host":"","from_address":"a@acme.example"}"#, "host"),
                (#"{"host":"smtp.acme.example/x","from_address":"a@acme.example"}"#, "host"),
                (#"{"host":"user@smtp.acme.example","from_address":"a@acme.example"}"#, "host"),
                (#"{"host":"smtp.acme.example\r\nX: y","from_address":"a@acme.example"}"#, "host"),
                (#"{"host":"smtp.acme.example","port":0,"from_address":"a@acme.example"}"#, "port"),
                (#"{"host":"smtp.acme.example","port":65536,"from_address":"a@acme.example"}"#, "port"),
                (#"{"host":"smtp.acme.example","from_address":"not-an-address"}"#, "from_address"),
                (#"{"host":"smtp.acme.example","from_address":"a@acme.example\r\nBcc: x@evil.example"}"#, "from_address"),
                (#"{"host":"smtp.acme.example","from_address":"a@acme.example","from_name":"Acme\r\nBcc: x@evil.example"}"#, "from_name"),
                (#"{"host":"smtp.acme.example","from_address":"a@acme.example","reply_to":"nope"}"#, "reply_to"),
                (#"{"host":"smtp.acme.example","from_address":"a@acme.example","username":"u\nv"}"#, "username"),
                (#"{"host":"smtp.acme.example","from_address":"a@acme.example","auth":"xoauth2","password":"t"}"#, "username"),
                (#"{"host":"smtp.acme.example","from_address":"a@acme.example","ca_pem":"not a certificate"}"#, "ca_pem"),
                (#"{"host":"smtp.acme.example","security":"none","from_address":"a@acme.example"}"#, "host"),
                (#"{"host":"10.1.2.3","security":"none","port":25,"from_address":"a@acme.example"}"#, "host"),
            ]
            for (json, field) in cases {
                let response = try await client.call(.put, Self.smtpBase, key: fixture.adminKey, json: json)
                #expect(response.status == 400, "\(json): \(response.text)")
                #expect(response.errorField == field, "\(json): \(response.text)")
            }
            // Not even decodable: an unknown security mode, a missing host or from_address, a port as text.
            for json in [
                #"{"host":"smtp.acme.example","security":"ssl","from_address":"a@acme.example"}"#,
                #"{"from_address":"a@acme.example"}"#, #"{"host":"smtp.acme.example"}"#,
                #"{"host":"smtp.acme.example","port":"25","from_address":"a@acme.example"}"#, "[]", "{",
            ] {
                #expect(try await client.call(.put, Self.smtpBase, key: fixture.adminKey, json: json).status == 400, "\(json)")
            }
            #expect(try await client.call(.get, Self.smtpBase, key: fixture.adminKey).status == 404)

            // `none` is fine to an allow-listed address.
            let plain = try await client.call(.put, Self.smtpBase, key: fixture.adminKey,
                                              json: #"{"host":"127.0.0.1","port":2525,"security":"none","from_address":"a@acme.example"}"#)
            #expect(plain.status == 200, "\(plain.text)")
            #expect(plain.json["security"] as? String == "none")
        }
    }

    /// An empty `from_address` or `to` would only fail at send time; an empty `reply_to` means none; `verify`
    /// other than true or false is a bad query parameter, not a silent skip of the check.
    @Test func emptyAddressesAndABadVerifyFlag() async throws {
        let fixture = try await MailFixture()
        let mailer = try #require(fixture.mailer)
        try await fixture.run { client in
            try await fixture.seed(client)
            let response = try await client.call(
                .put, Self.smtpBase, key: fixture.adminKey, json: #"{"host":"smtp.acme.example","from_address":""}"#)
            #expect(response.status == 400, "\(response.text)")
            #expect(response.errorField == "from_address")

            let noReplyTo = try await client.call(.put, Self.smtpBase, key: fixture.adminKey,
                                                  json: #"{"host":"smtp.acme.example","from_address":"a@acme.example","reply_to":""}"#)
            #expect(noReplyTo.status == 200, "\(noReplyTo.text)")
            #expect(noReplyTo.json["reply_to"] is NSNull)

            for query in ["?verify=1", "?verify=yes", "?verify=TRUE", "?verify="] {
                let bad = try await client.call(.put, Self.smtpBase + query, key: fixture.adminKey, json: MailFixture.smtp)
                #expect(bad.status == 400, "\(query)")
                #expect(bad.errorField == "verify", "\(query)")
            }
            #expect(mailer.recorded.verified.isEmpty)
            #expect(try await client.call(.get, Self.smtpBase, key: fixture.adminKey).json["username"] is NSNull)

            for json in [#"{"template":"verification","to":"","variables":{"code":"1","url":"u"}}"#,
                         #"{"template":"verification","to":["a@example.com",""],"variables":{"code":"1","url":"u"}}"#] {
                let empty = try await client.call(.post, "/api/mail", key: fixture.serviceKey, json: json)
                #expect(empty.status == 400, "\(json)")
                #expect(empty.errorField == "to", "\(json)")
            }
            #expect(mailer.recorded.validated.isEmpty)
        }
    }

    // MARK: DKIM

    @Test func dkimKeyLifecycle() async throws {
        let fixture = try await MailFixture()
        try await fixture.run { client in
            let (acmeId, _) = try await fixture.seed(client)
            let base = "/api/organizations/acme/smtp/dkim"
            let body = #"{"domain":"Mail.Acme.example","selector":"S2025","algorithm":"rsa-sha256","private_key_pem":"\#(Self.pem)"}"#

            #expect(try await client.call(.get, base, key: fixture.adminKey).status == 404)
            #expect(try await client.call(.delete, base, key: fixture.adminKey).status == 404)
            for method in [HTTPRequest.Method.get, .put, .delete] {
                let json = method == .put ? body : nil
                #expect(try await client.call(method, base, key: fixture.memberKey, json: json).status == 403, "\(method)")
                #expect(try await client.call(method, base, key: fixture.outsiderKey, json: json).status == 404, "\(method)")
                #expect(try await client.call(method, base, key: nil, json: json).status == 401, "\(method)")
            }

            let put = try await client.call(.put, base, key: fixture.adminKey, json: body)
            #expect(put.status == 200, "\(put.text)")
            #expect(Set(put.json.keys) == MailFixture.dkimFields)
            #expect(put.json["domain"] as? String == "mail.acme.example")
            #expect(put.json["selector"] as? String == "s2025")
            #expect(put.json["algorithm"] as? String == "rsa-sha256")
            #expect(put.json["dns_name"] as? String == "s2025._domainkey.mail.acme.example")
            #expect(put.json["dns_record"] as? String == FakeMailer.dnsRecord)
            #expect(put.json["created_at"] is String)
            #expect(!put.text.contains("PRIVATE"))
            let stored = try #require(try await fixture.store.dkimKey(orgId: acmeId))
            #expect(stored.privateKeyPEM.contains("DKIM-PRIVATE-KEY-0001"))

            let got = try await client.call(.get, base, key: fixture.ownerKey)
            #expect(got.status == 200)
            #expect(Set(got.json.keys) == MailFixture.dkimFields)
            #expect(got.json["dns_name"] as? String == "s2025._domainkey.mail.acme.example")
            #expect(got.json["dns_record"] as? String == FakeMailer.dnsRecord)
            #expect(!got.text.contains("PRIVATE"))

            // The algorithm defaults to rsa-sha256; a PUT replaces the key.
            let ed = try await client.call(.put, base, key: fixture.adminKey, json: #"""
                {"domain":"acme.example","selector":"ed1","algorithm":"ed25519-sha256","private_key_pem":"\#(Self.pem)"}
                """#)
            #expect(ed.status == 200, "\(ed.text)")
            #expect(ed.json["algorithm"] as? String == "ed25519-sha256")
            #expect(try await client.call(.get, base, key: fixture.adminKey).json["dns_name"] as? String
                == "ed1._domainkey.acme.example")
            let defaulted = try await client.call(.put, base, key: fixture.adminKey, json: #"""
                {"domain":"acme.example","selector":"rsa1","private_key_pem":"\#(Self.pem)"}
                """#)
            #expect(defaulted.json["algorithm"] as? String == "rsa-sha256")

            // Bad input: 400 naming the field, nothing stored.
            for (json, field) in [
                (#"{"domain":"bad_domain.example","selector":"s1","private_key_pem":"x"}"#, "domain"),
                (#"{"domain":".acme.example","selector":"s1","private_key_pem":"x"}"#, "domain"),
                (#"{"domain":"acme..example","selector":"s1","private_key_pem":"x"}"#, "domain"),
                (#"{"domain":"acme example","selector":"s1","private_key_pem":"x"}"#, "domain"),
                (#"{"domain":"","selector":"s1","private_key_pem":"x"}"#, "domain"),
                (#"{"domain":"acme.example\r\n","selector":"s1","private_key_pem":"x"}"#, "domain"),
                (#"{"domain":"acme.example","selector":"s 1","private_key_pem":"x"}"#, "selector"),
                (#"{"domain":"acme.example","selector":"s1","algorithm":"rsa-sha1","private_key_pem":"x"}"#, "algorithm"),
                (#"{"domain":"acme.example","selector":"s1","private_key_pem":"bad"}"#, "private_key_pem"),
            ] {
                let response = try await client.call(.put, base, key: fixture.adminKey, json: json)
                #expect(response.status == 400, "\(json): \(response.text)")
                #expect(response.errorField == field, "\(json)")
            }
            #expect(try await client.call(.put, base, key: fixture.adminKey, json: #"{"domain":"acme.example"}"#).status == 400)
            #expect(try await client.call(.get, base, key: fixture.adminKey).json["selector"] as? String == "rsa1")

            #expect(try await client.call(.delete, base, key: fixture.adminKey).status == 204)
            #expect(try await client.call(.get, base, key: fixture.adminKey).status == 404)
            #expect(try await client.call(.delete, base, key: fixture.adminKey).status == 404)
            #expect(try await fixture.store.dkimKey(orgId: acmeId) == nil)

            let audit = try await client.call(.get, "/api/organizations/acme/audit-logs?limit=1000", key: fixture.ownerKey)
            #expect(!audit.text.contains("PRIVATE"))
            let dkimEvents = audit.array.filter { $0["target_type"] as? String == "dkim_key" }
            #expect(dkimEvents.compactMap { $0["action"] as? String }.sorted()
                == ["smtp.settings.deleted", "smtp.settings.updated", "smtp.settings.updated", "smtp.settings.updated"])
        }
    }

    @Test func dkimWithoutAMailerIs503() async throws {
        let fixture = try await MailFixture(mailer: false)
        try await fixture.run { client in
            try await fixture.seed(client)
            let response = try await client.call(.put, "/api/organizations/acme/smtp/dkim", key: fixture.adminKey, json: #"""
                {"domain":"acme.example","selector":"s1","private_key_pem":"\#(Self.pem)"}
                """#)
            #expect(response.status == 503)
            #expect(response.errorCode == "unavailable")
        }
    }

    // MARK: Templates

    static let welcome = #"""
        {"name":"welcome","type":"transactional","subject":"Welcome {{first_name}}","html_body":"<p>Hi {{first_name}}</p>",
         "text_body":"Hi {{first_name}}","shipper_name":"Acme Team","shipper_email":"Team@Acme.example",
         "response_email":"Help@Acme.example","language":"en","variables":["first_name"],
         "description":"Sent after sign-up","is_active":true}
        """#

    @Test func platformTemplatesCrudFiltersAndPagination() async throws {
        let fixture = try await MailFixture()
        let mailer = try #require(fixture.mailer)
        try await fixture.run { client in
            try await fixture.seed(client)
            let base = "/api/platform/email-templates"
            let key = fixture.platformKey

            // Only platform owners; organization owners are not.
            #expect(try await client.call(.get, base, key: fixture.ownerKey).status == 403)
            #expect(try await client.call(.post, base, key: fixture.ownerKey, json: Self.welcome).status == 403)
            #expect(try await client.call(.get, base, key: nil).status == 401)

            // The shipped defaults.
            let defaults = try await client.call(.get, base, key: key)
            #expect(defaults.status == 200, "\(defaults.text)")
            #expect(Set(defaults.json.keys) == ["templates", "total"])
            #expect(defaults.json["total"] as? Int == 6)
            let shipped = try #require(defaults.json["templates"] as? [[String: Any]])
            #expect(shipped.compactMap { $0["name"] as? String } == [
                "invitation", "organization_approved", "organization_rejected", "password_reset", "verification",
                "webhook_endpoint_disabled",
            ])
            #expect(shipped.allSatisfy { Set($0.keys) == MailFixture.templateFields })
            #expect(shipped.allSatisfy { $0["type"] as? String == "system" && $0["is_active"] as? Bool == true })

            let created = try await client.call(.post, base, key: key, json: Self.welcome)
            #expect(created.status == 201, "\(created.text)")
            #expect(Set(created.json.keys) == MailFixture.templateFields)
            let id = try #require(created.json["id"] as? String)
            #expect(created.json["name"] as? String == "welcome")
            #expect(created.json["type"] as? String == "transactional")
            #expect(created.json["subject"] as? String == "Welcome {{first_name}}")
            #expect(created.json["html_body"] as? String == "<p>Hi {{first_name}}</p>")
            #expect(created.json["text_body"] as? String == "Hi {{first_name}}")
            #expect(created.json["shipper_name"] as? String == "Acme Team")
            #expect(created.json["shipper_email"] as? String == "team@acme.example")
            #expect(created.json["response_email"] as? String == "help@acme.example")
            #expect(created.json["language"] as? String == "en")
            #expect(created.json["variables"] as? [String] == ["first_name"])
            #expect(created.json["description"] as? String == "Sent after sign-up")
            #expect(created.json["is_active"] as? Bool == true)
            #expect(created.json["created_at"] is String)
            #expect(mailer.recorded.checked.last?.htmlBody == "<p>Hi {{first_name}}</p>")

            // Defaults of a minimal create.
            let german = try await client.call(.post, base, key: key, json: #"""
                {"name":"welcome","subject":"Willkommen","html_body":"<p>Hallo</p>","language":"de"}
                """#)
            #expect(german.status == 201, "\(german.text)")
            #expect(german.json["type"] as? String == "custom")
            #expect(german.json["is_active"] as? Bool == true)
            #expect(german.json["variables"] as? [String] == [])
            for field in ["text_body", "shipper_name", "shipper_email", "response_email", "description"] {
                #expect(german.json[field] is NSNull, "\(field)")
            }
            let germanId = try #require(german.json["id"] as? String)

            // The same name and language twice in a scope: 409.
            let duplicate = try await client.call(.post, base, key: key, json: Self.welcome)
            #expect(duplicate.status == 409)
            #expect(duplicate.errorCode == "already_exists")

            // Filters and pages.
            func names(_ query: String) async throws -> (names: [String], total: Int) {
                let response = try await client.call(.get, base + query, key: key)
                try #require(response.status == 200, "\(query): \(response.text)")
                let templates = response.json["templates"] as? [[String: Any]] ?? []
                return (templates.compactMap { $0["name"] as? String }, response.json["total"] as? Int ?? -1)
            }
            #expect(try await names("").total == 8)
            #expect(try await names("?search=welcome") == (["welcome", "welcome"], 2))
            #expect(try await names("?search=Verify") == (["verification"], 1))
            #expect(try await names("?search=after%20sign-up") == (["welcome"], 1))
            // `_` and `%` are literal (the names and subjects holding `_`; none holds `%`).
            #expect(try await names("?search=_").total == 6)
            #expect(try await names("?search=%25").total == 0)
            #expect(try await names("?type=system").total == 6)
            #expect(try await names("?type=transactional") == (["welcome"], 1))
            #expect(try await names("?language=de") == (["welcome"], 1))
            #expect(try await names("?language=fr") == ([], 0))
            #expect(try await names("?limit=2&page=2") == (["organization_rejected", "password_reset"], 8))
            #expect(try await names("?limit=5&page=2") == (["webhook_endpoint_disabled", "welcome", "welcome"], 8))
            #expect(try await names("?page=9") == ([], 8))
            for query in ["?limit=0", "?limit=101", "?page=0", "?page=x", "?language=\(String(repeating: "e", count: 13))"] {
                #expect(try await client.call(.get, base + query, key: key).status == 400, "\(query)")
            }

            // Get, patch, toggle, delete.
            let got = try await client.call(.get, "\(base)/\(id)", key: key)
            #expect(got.status == 200)
            #expect(got.json["name"] as? String == "welcome")
            #expect(Set(got.json.keys) == MailFixture.templateFields)
            #expect(try await client.call(.get, "\(base)/nope", key: key).status == 404)

            let patched = try await client.call(.patch, "\(base)/\(id)", key: key, json: #"""
                {"subject":"Hello {{first_name}}","text_body":null,"shipper_name":null,"is_active":false}
                """#)
            #expect(patched.status == 200, "\(patched.text)")
            #expect(patched.json["id"] as? String == id)
            #expect(patched.json["subject"] as? String == "Hello {{first_name}}")
            #expect(patched.json["text_body"] is NSNull)
            #expect(patched.json["shipper_name"] is NSNull)
            #expect(patched.json["is_active"] as? Bool == false)
            #expect(patched.json["html_body"] as? String == "<p>Hi {{first_name}}</p>")
            #expect(patched.json["shipper_email"] as? String == "team@acme.example")
            #expect(patched.json["variables"] as? [String] == ["first_name"])
            #expect(patched.json["created_at"] as? String == created.json["created_at"] as? String)
            #expect(mailer.recorded.checked.last?.subject == "Hello {{first_name}}")
            let conflicting = try await client.call(.patch, "\(base)/\(id)", key: key, json: #"{"language":"de"}"#)
            #expect(conflicting.status == 409)
            #expect(conflicting.errorCode == "already_exists")

            let toggled = try await client.call(.post, "\(base)/\(id)/toggle", key: key)
            #expect(toggled.status == 200, "\(toggled.text)")
            #expect(toggled.json["is_active"] as? Bool == true)
            #expect(Set(toggled.json.keys) == MailFixture.templateFields)
            #expect(try await client.call(.post, "\(base)/\(id)/toggle", key: key).json["is_active"] as? Bool == false)
            #expect(try await client.call(.get, "\(base)/\(id)", key: key).json["is_active"] as? Bool == false)
            #expect(try await client.call(.post, "\(base)/nope/toggle", key: key).status == 404)

            // A refused Mustache check stores nothing.
            mailer.set { $0.templateError = HeraldError.invalid("html_body", "html_body: unclosed section #items") }
            let refused = try await client.call(.post, base, key: key, json: #"""
                {"name":"broken","subject":"x","html_body":"{{#items}}"}
                """#)
            #expect(refused.status == 400)
            #expect(refused.errorField == "html_body")
            #expect(try await client.call(.patch, "\(base)/\(id)", key: key, json: #"{"html_body":"{{#items}}"}"#)
                .status == 400)
            mailer.set { $0.templateError = nil }
            #expect(try await names("?search=broken").total == 0)
            #expect(try await client.call(.get, "\(base)/\(id)", key: key).json["html_body"] as? String
                == "<p>Hi {{first_name}}</p>")

            #expect(try await client.call(.delete, "\(base)/\(germanId)", key: fixture.ownerKey).status == 403)
            #expect(try await client.call(.delete, "\(base)/\(germanId)", key: key).status == 204)
            #expect(try await client.call(.get, "\(base)/\(germanId)", key: key).status == 404)
            #expect(try await client.call(.delete, "\(base)/\(germanId)", key: key).status == 404)
            #expect(try await names("").total == 7)

            let actions = try await fixture.auditActions(client, "/api/platform/audit-log", key: key)
            #expect(actions.filter { $0 == "smtp.settings.updated" }.count == 6)
        }
    }

    @Test func organizationTemplatesAreScopedToTheirOrganization() async throws {
        let fixture = try await MailFixture()
        try await fixture.run { client in
            try await fixture.seed(client)
            let base = "/api/organizations/acme/email-templates"
            let platform = try await client.call(.post, "/api/platform/email-templates", key: fixture.platformKey,
                                                 json: Self.welcome)
            let platformId = try #require(platform.json["id"] as? String)

            // An organization may override a platform template by name.
            let created = try await client.call(.post, base, key: fixture.adminKey, json: Self.welcome)
            #expect(created.status == 201, "\(created.text)")
            #expect(Set(created.json.keys) == MailFixture.templateFields)
            let id = try #require(created.json["id"] as? String)
            #expect(id != platformId)
            let duplicate = try await client.call(.post, base, key: fixture.ownerKey, json: Self.welcome)
            #expect(duplicate.status == 409)
            #expect(duplicate.errorCode == "already_exists")
            // globex may have its own of the same name.
            let foreign = try await client.call(.post, "/api/organizations/globex/email-templates",
                                                key: fixture.outsiderKey, json: Self.welcome)
            #expect(foreign.status == 201)
            let foreignId = try #require(foreign.json["id"] as? String)

            // The organization's list holds only its own.
            let list = try await client.call(.get, base, key: fixture.adminKey)
            #expect(list.status == 200)
            #expect(list.json["total"] as? Int == 1)
            #expect((list.json["templates"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [id])

            // Roles: members 403, non-members 404.
            let routes: [(HTTPRequest.Method, String, String?)] = [
                (.get, base, nil), (.post, base, Self.welcome), (.get, "\(base)/\(id)", nil),
                (.patch, "\(base)/\(id)", #"{"subject":"x"}"#), (.delete, "\(base)/\(id)", nil),
                (.post, "\(base)/\(id)/toggle", nil),
            ]
            for (method, path, body) in routes {
                #expect(try await client.call(method, path, key: fixture.memberKey, json: body).status == 403,
                        "member \(method) \(path)")
                #expect(try await client.call(method, path, key: fixture.outsiderKey, json: body).status == 404,
                        "outsider \(method) \(path)")
            }

            // acme's template is not found through globex, nor through the platform routes, and the reverse.
            for (method, path, body) in [
                (HTTPRequest.Method.get, "/api/organizations/globex/email-templates/\(id)", nil as String?),
                (.patch, "/api/organizations/globex/email-templates/\(id)", #"{"subject":"x"}"#),
                (.delete, "/api/organizations/globex/email-templates/\(id)", nil),
                (.post, "/api/organizations/globex/email-templates/\(id)/toggle", nil),
            ] {
                let response = try await client.call(method, path, key: fixture.outsiderKey, json: body)
                #expect(response.status == 404, "\(method) \(path)")
                #expect(response.errorCode == "not_found")
            }
            for (method, suffix, body) in [
                (HTTPRequest.Method.get, "", nil as String?), (.patch, "", #"{"subject":"x"}"#), (.delete, "", nil),
                (.post, "/toggle", nil),
            ] {
                #expect(try await client.call(method, "/api/platform/email-templates/\(id)\(suffix)",
                                              key: fixture.platformKey, json: body).status == 404, "platform \(method)")
                #expect(try await client.call(method, "\(base)/\(platformId)\(suffix)", key: fixture.ownerKey, json: body)
                    .status == 404, "org \(method) of the platform's")
                #expect(try await client.call(method, "\(base)/\(foreignId)\(suffix)", key: fixture.ownerKey, json: body)
                    .status == 404, "org \(method) of globex's")
            }
            let platformList = try await client.call(.get, "/api/platform/email-templates?search=welcome",
                                                     key: fixture.platformKey)
            #expect((platformList.json["templates"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == [platformId])
            #expect(try await client.call(.get, "\(base)/\(id)", key: fixture.ownerKey).json["subject"] as? String
                == "Welcome {{first_name}}")

            // The owner's changes.
            let patched = try await client.call(.patch, "\(base)/\(id)", key: fixture.ownerKey,
                                                json: #"{"subject":"Bienvenue","language":"fr"}"#)
            #expect(patched.status == 200, "\(patched.text)")
            #expect(patched.json["language"] as? String == "fr")
            #expect(try await client.call(.post, "\(base)/\(id)/toggle", key: fixture.adminKey).json["is_active"] as? Bool
                == false)
            #expect(try await client.call(.delete, "\(base)/\(id)", key: fixture.adminKey).status == 204)
            #expect(try await client.call(.get, "\(base)/\(id)", key: fixture.adminKey).status == 404)
            #expect(try await client.call(.get, "/api/organizations/globex/email-templates/\(foreignId)",
                                          key: fixture.outsiderKey).status == 200)

            let actions = try await fixture.auditActions(client, "/api/organizations/acme/audit-logs", key: fixture.ownerKey)
            #expect(actions.filter { $0 == "smtp.settings.updated" }.count == 4)
        }
    }

    @Test func templateValidation() async throws {
        let fixture = try await MailFixture()
        try await fixture.run { client in
            try await fixture.seed(client)
            let base = "/api/organizations/acme/email-templates"
            let cases: [(String, String)] = [
                (#"{"subject":"s","html_body":"h"}"#, "name"),
                (#"{"name":"n","html_body":"h"}"#, "subject"),
                (#"{"name":"n","subject":"s"}"#, "html_body"),
                (#"{"name":"has space","subject":"s","html_body":"h"}"#, "name"),
                (#"{"name":"","subject":"s","html_body":"h"}"#, "name"),
                (#"{"name":"n","subject":"s","html_body":"h","language":"e"}"#, "language"),
                (#"{"name":"n","subject":"s","html_body":"h","language":"en US"}"#, "language"),
                (#"{"name":"n","subject":"s","html_body":"h","language":"e1"}"#, "language"),
                (#"{"name":"n","subject":"Hi\r\nBcc: x@evil.example","html_body":"h"}"#, "subject"),
                (#"{"name":"n","subject":"Hi\nthere","html_body":"h"}"#, "subject"),
                (#"{"name":"n","subject":"s","html_body":"h","type":"a\nb"}"#, "type"),
                (#"{"name":"n","subject":"s","html_body":"h","shipper_name":"A\r\nB"}"#, "shipper_name"),
                (#"{"name":"n","subject":"s","html_body":"h","shipper_email":"nope"}"#, "shipper_email"),
                (#"{"name":"n","subject":"s","html_body":"h","response_email":"a@b.example\r\nX: y"}"#, "response_email"),
                (#"{"name":"n","subject":"s","html_body":"h","variables":["first-name"]}"#, "variables"),
                (#"{"name":"n","subject":"s","html_body":"h","variables":[""]}"#, "variables"),
            ]
            for (json, field) in cases {
                let response = try await client.call(.post, base, key: fixture.adminKey, json: json)
                #expect(response.status == 400, "\(json): \(response.text)")
                #expect(response.errorField == field, "\(json): \(response.text)")
            }
            for json in [#"{"name":1,"subject":"s","html_body":"h"}"#, #"{"name":"n","subject":"s","html_body":"h","is_active":"yes"}"#, "["] {
                #expect(try await client.call(.post, base, key: fixture.adminKey, json: json).status == 400, "\(json)")
            }
            #expect(try await client.call(.get, base, key: fixture.adminKey).json["total"] as? Int == 0)

            let created = try await client.call(.post, base, key: fixture.adminKey, json: #"{"name":"n","subject":"s","html_body":"h"}"#)
            let id = try #require(created.json["id"] as? String)
            for (json, field) in [
                (#"{"subject":"a\r\nb"}"#, "subject"), (#"{"language":"x"}"#, "language"), (#"{"name":"a b"}"#, "name"),
            ] {
                let response = try await client.call(.patch, "\(base)/\(id)", key: fixture.adminKey, json: json)
                #expect(response.status == 400, "\(json)")
                #expect(response.errorField == field, "\(json)")
            }
            #expect(try await client.call(.get, "\(base)/\(id)", key: fixture.adminKey).json["subject"] as? String == "s")
        }
    }

    // MARK: POST /api/mail and the delivery log

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

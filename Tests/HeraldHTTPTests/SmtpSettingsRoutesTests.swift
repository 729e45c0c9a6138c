import Foundation
import HeraldCore
import HeraldStorage
import Hummingbird
import Testing

/// `/api/organizations/{slug}/smtp` and `…/smtp/dkim`, with a ``FakeMailer`` for `verify`.
@Suite struct SmtpSettingsRoutesTests {
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
}

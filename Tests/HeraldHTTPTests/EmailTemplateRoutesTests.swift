import Foundation
import HeraldCore
import HeraldStorage
import Hummingbird
import Testing

/// `/api/platform/email-templates` and `/api/organizations/{slug}/email-templates`.
@Suite struct EmailTemplateRoutesTests {
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
}

import Foundation
import HeraldCore
import Hummingbird
import Testing

/// An organization `acme` (owner, admin, member) and an outsider with an organization `globex` of their own.
struct WebhookFixture: Sendable {
    let api: TestAPI
    let ownerKey, adminKey, memberKey, outsiderKey: String

    init(configure: @escaping (inout HeraldConfiguration) -> Void = { _ in }) async throws {
        api = try await TestAPI(configure: configure)
        (_, ownerKey) = try await api.user("owner@acme.example")
        (_, adminKey) = try await api.user("admin@acme.example")
        (_, memberKey) = try await api.user("member@acme.example")
        (_, outsiderKey) = try await api.user("boss@globex.example")
    }

    /// Creates the organizations and adds the admin and the member to `acme`.
    func seed(_ client: TestClient) async throws {
        try #require(try await client.call(.post, "/api/organizations", key: ownerKey,
                                           json: #"{"slug":"acme","name":"Acme"}"#).status == 201)
        try #require(try await client.call(.post, "/api/organizations", key: outsiderKey,
                                           json: #"{"slug":"globex","name":"Globex"}"#).status == 201)
        try #require(try await client.call(.post, "/api/organizations/acme/members", key: ownerKey,
                                           json: #"{"email":"admin@acme.example","role":"admin"}"#).status == 201)
        try #require(try await client.call(.post, "/api/organizations/acme/members", key: ownerKey,
                                           json: #"{"email":"member@acme.example","role":"member"}"#).status == 201)
    }

    /// Creates an endpoint of `slug` and answers its JSON (with `secret`).
    func createEndpoint(
        _ client: TestClient, slug: String = "acme", key: String? = nil, json: String = #"{"url":"https://hooks.example.com/h"}"#
    ) async throws -> [String: Any] {
        let response = try await client.call(.post, "/api/organizations/\(slug)/webhooks", key: key ?? ownerKey, json: json)
        try #require(response.status == 201, "\(response.text)")
        return response.json
    }
}

@Suite struct WebhookEndpointTests {
    static let endpointFields: Set<String> = [
        "id", "url", "description", "event_types", "enabled", "disabled_reason", "rate_limit_per_second", "ordered",
        "headers", "signing", "created_at", "updated_at",
    ]

    @Test func crudWithRolesAndOrganizationBoundaries() async throws {
        let fixture = try await WebhookFixture()
        try await fixture.api.run { client in
            try await fixture.seed(client)
            let base = "/api/organizations/acme/webhooks"

            // Admins and the owner manage webhooks; members get 403, non-members 404.
            let created = try await client.call(.post, base, key: fixture.adminKey, json: """
                {"url":"https://hooks.example.com/acme","description":"CRM","event_types":["member.*","organization.updated"],
                 "rate_limit_per_second":50,"ordered":true,"headers":{"X-Team":"identity","Authorization":"Bearer t"}}
                """)
            #expect(created.status == 201)
            #expect(Set(created.json.keys) == Self.endpointFields.union(["secret"]))
            let id = try #require(created.json["id"] as? String)
            #expect((created.json["secret"] as? String)?.hasPrefix("whsec_") == true)
            #expect(created.json["url"] as? String == "https://hooks.example.com/acme")
            #expect(created.json["description"] as? String == "CRM")
            #expect(created.json["event_types"] as? [String] == ["member.*", "organization.updated"])
            #expect(created.json["enabled"] as? Bool == true)
            #expect(created.json["disabled_reason"] is NSNull)
            #expect(created.json["rate_limit_per_second"] as? Int == 50)
            #expect(created.json["ordered"] as? Bool == true)
            #expect(created.json["headers"] as? [String: String] == ["X-Team": "identity", "Authorization": "Bearer t"])
            #expect(created.json["signing"] as? String == "v1")

            #expect(try await client.call(.post, base, key: fixture.memberKey,
                                         json: #"{"url":"https://x.example.com"}"#).status == 403)
            #expect(try await client.call(.get, base, key: fixture.memberKey).status == 403)
            #expect(try await client.call(.get, "\(base)/\(id)", key: fixture.memberKey).status == 403)
            #expect(try await client.call(.get, base, key: fixture.outsiderKey).status == 404)
            #expect(try await client.call(.get, "\(base)/\(id)", key: fixture.outsiderKey).status == 404)
            #expect(try await client.call(.get, "/api/organizations/nope/webhooks", key: fixture.ownerKey).status == 404)
            #expect(try await client.call(.get, base, key: nil).status == 401)

            // Reads never carry the secret.
            let list = try await client.call(.get, base, key: fixture.ownerKey)
            #expect(list.status == 200)
            #expect(list.array.count == 1)
            #expect(Set(list.array.first?.keys.map { $0 } ?? []) == Self.endpointFields)
            let one = try await client.call(.get, "\(base)/\(id)", key: fixture.adminKey)
            #expect(one.status == 200)
            #expect(Set(one.json.keys) == Self.endpointFields)

            // Another organization's endpoint is not found through acme, and acme's not through globex.
            let foreign = try await fixture.createEndpoint(client, slug: "globex", key: fixture.outsiderKey)
            let foreignId = try #require(foreign["id"] as? String)
            for (method, path) in [
                (HTTPRequest.Method.get, "\(base)/\(foreignId)"), (.patch, "\(base)/\(foreignId)"),
                (.delete, "\(base)/\(foreignId)"), (.get, "\(base)/\(foreignId)/secret"),
                (.post, "\(base)/\(foreignId)/rotate-secret"), (.get, "\(base)/\(foreignId)/deliveries"),
                (.post, "\(base)/\(foreignId)/test"), (.get, "\(base)/\(foreignId)/public-key"),
            ] {
                let response = try await client.call(
                    method, path, key: fixture.ownerKey, json: method == .patch ? #"{"ordered":false}"# : nil)
                #expect(response.status == 404, "\(method) \(path)")
            }
            #expect(try await client.call(.get, "/api/organizations/globex/webhooks/\(id)",
                                         key: fixture.outsiderKey).status == 404)

            // PATCH: partial updates, null clears, enabled toggles.
            let patched = try await client.call(.patch, "\(base)/\(id)", key: fixture.adminKey,
                                                json: #"{"description":null,"rate_limit_per_second":null,"ordered":false,"event_types":[]}"#)
            #expect(patched.status == 200)
            #expect(patched.json["description"] is NSNull)
            #expect(patched.json["rate_limit_per_second"] is NSNull)
            #expect(patched.json["ordered"] as? Bool == false)
            #expect(patched.json["event_types"] as? [String] == [])
            #expect(patched.json["url"] as? String == "https://hooks.example.com/acme")
            #expect(patched.json["secret"] == nil)
            let disabled = try await client.call(.patch, "\(base)/\(id)", key: fixture.ownerKey, json: #"{"enabled":false}"#)
            #expect(disabled.json["enabled"] as? Bool == false)
            let enabled = try await client.call(.patch, "\(base)/\(id)", key: fixture.ownerKey, json: #"{"enabled":true}"#)
            #expect(enabled.json["enabled"] as? Bool == true)
            #expect(enabled.json["disabled_reason"] is NSNull)
            #expect(try await client.call(.patch, "\(base)/\(id)", key: fixture.memberKey,
                                         json: #"{"enabled":false}"#).status == 403)

            // Every mutation recorded its event.
            let audit = try await client.call(.get, "/api/organizations/acme/audit-logs?limit=100", key: fixture.ownerKey)
            let actions = audit.array.compactMap { $0["action"] as? String }
            #expect(actions.filter { $0 == "webhook.endpoint.created" }.count == 1)
            #expect(actions.filter { $0 == "webhook.endpoint.updated" }.count == 1)
            #expect(actions.filter { $0 == "webhook.endpoint.disabled" }.count == 1)
            #expect(actions.filter { $0 == "webhook.endpoint.enabled" }.count == 1)

            // DELETE
            #expect(try await client.call(.delete, "\(base)/\(id)", key: fixture.memberKey).status == 403)
            #expect(try await client.call(.delete, "\(base)/\(id)", key: fixture.adminKey).status == 204)
            #expect(try await client.call(.get, "\(base)/\(id)", key: fixture.adminKey).status == 404)
            #expect(try await client.call(.delete, "\(base)/\(id)", key: fixture.adminKey).status == 404)
            #expect(try await client.call(.get, base, key: fixture.ownerKey).array.isEmpty)
        }
    }

    @Test func validationNamesTheField() async throws {
        let fixture = try await WebhookFixture { $0.outboundAllowlist = ["127.0.0.0/8"] }
        try await fixture.api.run { client in
            try await fixture.seed(client)
            let base = "/api/organizations/acme/webhooks"
            let longURL = "https://hooks.example.com/" + String(repeating: "a", count: 2048)
            let manyHeaders = (0..<21).map { #""X-H\#($0)":"v""# }.joined(separator: ",")
            let cases: [(String, String)] = [
                (#"{}"#, "url"),
                (#"{"url":""}"#, "url"),
                (#"{"url":"hooks.example.com/x"}"#, "url"),
                (#"{"url":"ftp://hooks.example.com/x"}"#, "url"),
                (#"{"url":"http://hooks.example.com/x"}"#, "url"),
                (#"{"url":"http://10.0.0.1/x"}"#, "url"),
                (#"{"url":"https://user:pw@hooks.example.com/x"}"#, "url"),
                (#"{"url":"https://hooks.example.com/a b"}"#, "url"),
                ("{\"url\":\"\(longURL)\"}", "url"),
                (#"{"url":42}"#, "url"),
                ("{\"url\":\"https://h.example.com\",\"description\":\"\(String(repeating: "d", count: 501))\"}", "description"),
                (#"{"url":"https://h.example.com","event_types":["Member Added"]}"#, "event_types"),
                (#"{"url":"https://h.example.com","event_types":["member..added"]}"#, "event_types"),
                (#"{"url":"https://h.example.com","rate_limit_per_second":0}"#, "rate_limit_per_second"),
                (#"{"url":"https://h.example.com","rate_limit_per_second":10001}"#, "rate_limit_per_second"),
                (#"{"url":"https://h.example.com","ordered":"yes"}"#, "ordered"),
                (#"{"url":"https://h.example.com","headers":{"webhook-id":"x"}}"#, "headers"),
                (#"{"url":"https://h.example.com","headers":{"Host":"x"}}"#, "headers"),
                (#"{"url":"https://h.example.com","headers":{"Content-Type":"text/plain"}}"#, "headers"),
                (#"{"url":"https://h.example.com","headers":{"X-Bad Name":"x"}}"#, "headers"),
                (#"{"url":"https://h.example.com","headers":{"X-Inject":"a\r\nX-Evil: 1"}}"#, "headers"),
                ("{\"url\":\"https://h.example.com\",\"headers\":{\"X-Long\":\"\(String(repeating: "v", count: 1001))\"}}", "headers"),
                ("{\"url\":\"https://h.example.com\",\"headers\":{\(manyHeaders)}}", "headers"),
                (#"{"url":"https://h.example.com","signing":"v2"}"#, "signing"),
                (#"{"url":"https://h.example.com","headers":{"X-Name":"caf\u00e9"}}"#, "headers"),
                (#"{"url":"https://h.example.com","headers":{"X-A":"1","x-a":"2"}}"#, "headers"),
            ]
            for (json, field) in cases {
                let response = try await client.call(.post, base, key: fixture.ownerKey, json: json)
                #expect(response.status == 400, "\(json.prefix(120))")
                #expect(response.errorField == field, "\(json.prefix(120)): \(response.text.prefix(200))")
            }

            // Plain http only to allow-listed IP literals or localhost.
            for url in ["http://127.0.0.1:8099/hook", "http://localhost:8099/hook", "https://10.0.0.1/hook"] {
                let response = try await client.call(.post, base, key: fixture.ownerKey, json: "{\"url\":\"\(url)\"}")
                #expect(response.status == 201, "\(url): \(response.text)")
            }
            #expect(try await client.call(.get, base, key: fixture.ownerKey).array.count == 3)

            // PATCH validates what it is given.
            let id = try #require(try await fixture.createEndpoint(client)["id"] as? String)
            for (json, field) in [
                (#"{"url":"http://example.com"}"#, "url"), (#"{"description":7}"#, "description"),
                (#"{"rate_limit_per_second":-1}"#, "rate_limit_per_second"), (#"{"event_types":["*.x"]}"#, "event_types"),
                (#"{"headers":{"Webhook-Signature":"x"}}"#, "headers"), (#"{"enabled":"no"}"#, "enabled"),
            ] {
                let response = try await client.call(.patch, "\(base)/\(id)", key: fixture.ownerKey, json: json)
                #expect(response.status == 400, "\(json)")
                #expect(response.errorField == field, "\(json): \(response.text)")
            }
            let invalidJSON = try await client.call(.post, base, key: fixture.ownerKey, json: "{")
            #expect(invalidJSON.status == 400)
        }
    }

    @Test func httpIsRefusedWithoutAnAllowList() async throws {
        let fixture = try await WebhookFixture()
        try await fixture.api.run { client in
            try await fixture.seed(client)
            for url in ["http://127.0.0.1:8099/hook", "http://localhost/hook", "http://[::1]/hook"] {
                let response = try await client.call(.post, "/api/organizations/acme/webhooks", key: fixture.ownerKey,
                                                     json: "{\"url\":\"\(url)\"}")
                #expect(response.status == 400, "\(url)")
                #expect(response.errorField == "url")
            }
        }
    }

    @Test func secretsAreShownOnlyOnCreateRotateAndReveal() async throws {
        let fixture = try await WebhookFixture()
        try await fixture.api.run { client in
            try await fixture.seed(client)
            let base = "/api/organizations/acme/webhooks"
            let created = try await fixture.createEndpoint(client)
            let id = try #require(created["id"] as? String)
            let first = try #require(created["secret"] as? String)
            #expect(first.hasPrefix("whsec_"))

            let revealed = try await client.call(.get, "\(base)/\(id)/secret", key: fixture.adminKey)
            #expect(revealed.status == 200)
            #expect(revealed.json as NSDictionary == ["secret": first] as NSDictionary)
            #expect(try await client.call(.get, "\(base)/\(id)/secret", key: fixture.memberKey).status == 403)
            #expect(try await client.call(.post, "\(base)/\(id)/rotate-secret", key: fixture.memberKey).status == 403)

            let rotated = try await client.call(.post, "\(base)/\(id)/rotate-secret", key: fixture.adminKey)
            #expect(rotated.status == 200)
            let second = try #require(rotated.json["secret"] as? String)
            #expect(second.hasPrefix("whsec_"))
            #expect(second != first)
            #expect(rotated.json["id"] as? String == id)
            #expect(Set(rotated.json.keys) == WebhookEndpointTests.endpointFields.union(["secret"]))
            #expect(try await client.call(.get, "\(base)/\(id)/secret", key: fixture.ownerKey).json["secret"] as? String == second)

            // v1 endpoints have no public key.
            let v1Key = try await client.call(.get, "\(base)/\(id)/public-key", key: fixture.ownerKey)
            #expect(v1Key.status == 404)

            // v1a: the secret is the Ed25519 private key; the public key is published in two forms.
            let asymmetric = try await fixture.createEndpoint(
                client, json: #"{"url":"https://hooks.example.com/ed","signing":"v1a"}"#)
            let edId = try #require(asymmetric["id"] as? String)
            #expect(asymmetric["signing"] as? String == "v1a")
            let privateKey = try #require(asymmetric["secret"] as? String)
            #expect(privateKey.hasPrefix("whsk_"))
            let published = try await client.call(.get, "\(base)/\(edId)/public-key", key: fixture.adminKey)
            #expect(published.status == 200)
            #expect(Set(published.json.keys) == ["public_key", "public_key_pem"])
            let expected = try WebhookSigningKey(parsing: privateKey).publicKey
            #expect(published.json["public_key"] as? String == expected.encoded)
            #expect(published.json["public_key_pem"] as? String == expected.pem)
            #expect(try await client.call(.get, "\(base)/\(edId)/public-key", key: fixture.memberKey).status == 403)
            let rotatedEd = try await client.call(.post, "\(base)/\(edId)/rotate-secret", key: fixture.ownerKey)
            let newPrivateKey = try #require(rotatedEd.json["secret"] as? String)
            #expect(newPrivateKey != privateKey)
            #expect(try await client.call(.get, "\(base)/\(edId)/public-key", key: fixture.ownerKey).json["public_key"]
                as? String == (try WebhookSigningKey(parsing: newPrivateKey).publicKey.encoded))
        }
    }
}

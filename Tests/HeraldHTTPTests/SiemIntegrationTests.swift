import Foundation
import HeraldCore
import Hummingbird
import Testing

/// `/api/organizations/{slug}/siem…`, `/api/platform/siem…` and `/api/organizations/{slug}/security/risk-events`,
/// against the shipped connector manifests.
@Suite struct SiemIntegrationTests {
    static let secret = "hec-secret-0001"

    /// Every sub-route of one integration, with a body where the method needs one.
    static func routes(_ base: String, _ id: String) -> [(HTTPRequest.Method, String, String?)] {
        [
            (.get, "\(base)/\(id)", nil), (.patch, "\(base)/\(id)", #"{"name":"x"}"#), (.delete, "\(base)/\(id)", nil),
            (.post, "\(base)/\(id)/test", nil), (.post, "\(base)/\(id)/replay", #"{"since":"2020-01-01"}"#),
            (.get, "\(base)/\(id)/dead-letters", nil),
        ]
    }

    @Test func theShippedCatalogueLoads() throws {
        let catalogue = try ShippedConnectors.catalogue()
        #expect(Set(catalogue.connectors.keys) == [
            "datadog", "elasticsearch", "http", "http-json-array", "opensearch", "splunk-hec", "sumo-logic", "syslog",
        ])
    }

    @Test func organizationCrudWithRolesAndBoundaries() async throws {
        let fixture = try await SiemFixture()
        try await fixture.run { client in
            let (acmeId, _) = try await fixture.seed(client)
            let base = "/api/organizations/acme/siem"

            let created = try await client.call(.post, base, key: fixture.adminKey, json: #"""
                {"provider":"splunk-hec","name":"Splunk prod","endpoint":"https://splunk.example.com:8088",
                 "credentials":{"token":"hec-secret-0001"},"event_types":["member.*","organization.updated"],
                 "min_severity":"low","schema":"ocsf","options":{"index":"main","sourcetype":"herald"}}
                """#)
            #expect(created.status == 201, "\(created.text)")
            #expect(Set(created.json.keys) == SiemFixture.integrationFields)
            #expect(!created.text.contains(Self.secret))
            let id = try #require(created.json["id"] as? String)
            #expect(created.json["org_id"] as? String == acmeId)
            #expect(created.json["provider"] as? String == "splunk-hec")
            #expect(created.json["name"] as? String == "Splunk prod")
            #expect(created.json["endpoint"] as? String == "https://splunk.example.com:8088")
            #expect(created.json["credentials_set"] as? [String] == ["token"])
            #expect(created.json["event_types"] as? [String] == ["member.*", "organization.updated"])
            #expect(created.json["min_severity"] as? String == "low")
            #expect(created.json["schema"] as? String == "ocsf")
            #expect(created.json["options"] as? [String: String] == ["index": "main", "sourcetype": "herald"])
            #expect(created.json["enabled"] as? Bool == true)
            #expect(created.json["status"] as? String == "active")
            for field in ["disabled_reason", "last_success_at", "last_error", "last_error_at"] {
                #expect(created.json[field] is NSNull, "\(field)")
            }
            #expect((created.json["lag_events"] as? Int).map { $0 >= 0 } == true)
            #expect(created.json["lag_seconds"] is NSNumber)
            #expect(created.json["dropped_events"] as? Int == 0)
            #expect(created.json["created_at"] is String)

            // Defaults: the connector's name and default schema, every event type, info.
            let defaults = try await fixture.create(client, json: #"""
                {"provider":"elasticsearch","endpoint":"https://es.example.com:9200","credentials":{"api_key":"k"}}
                """#)
            #expect(defaults["name"] as? String == "Elasticsearch")
            #expect(defaults["schema"] as? String == "ecs")
            #expect(defaults["event_types"] as? [String] == [])
            #expect(defaults["min_severity"] as? String == "info")
            #expect(defaults["options"] as? [String: String] == [:])
            let datadog = try await fixture.create(client, json: #"{"provider":"datadog","credentials":{"api_key":"dd"}}"#)
            #expect(datadog["endpoint"] as? String == "https://http-intake.logs.datadoghq.com")
            let defaultsId = try #require(defaults["id"] as? String)
            let datadogId = try #require(datadog["id"] as? String)

            // Admins and the owner manage SIEM; members get 403, non-members 404, strangers 401.
            #expect(try await client.call(.post, base, key: fixture.memberKey, json: SiemFixture.splunk).status == 403)
            #expect(try await client.call(.get, base, key: fixture.memberKey).status == 403)
            for (method, path, body) in Self.routes(base, id) {
                #expect(try await client.call(method, path, key: fixture.memberKey, json: body).status == 403,
                        "member \(method) \(path)")
                #expect(try await client.call(method, path, key: fixture.outsiderKey, json: body).status == 404,
                        "outsider \(method) \(path)")
            }
            #expect(try await client.call(.get, base, key: fixture.outsiderKey).status == 404)
            #expect(try await client.call(.post, base, key: fixture.outsiderKey, json: SiemFixture.splunk).status == 404)
            #expect(try await client.call(.get, "/api/organizations/nope/siem", key: fixture.ownerKey).status == 404)
            #expect(try await client.call(.get, base, key: nil).status == 401)
            #expect(try await client.call(.get, "\(base)/nope", key: fixture.ownerKey).status == 404)

            // Reads: newest first, same shape.
            let list = try await client.call(.get, base, key: fixture.ownerKey)
            #expect(list.status == 200)
            #expect(list.array.compactMap { $0["id"] as? String } == [datadogId, defaultsId, id])
            #expect(list.array.allSatisfy { Set($0.keys) == SiemFixture.integrationFields })
            #expect(!list.text.contains(Self.secret))
            let one = try await client.call(.get, "\(base)/\(id)", key: fixture.adminKey)
            #expect(one.status == 200)
            #expect(Set(one.json.keys) == SiemFixture.integrationFields)
            #expect(one.json["name"] as? String == "Splunk prod")
            #expect(!one.text.contains(Self.secret))

            // globex's integration is not found through acme, and acme's not through globex.
            let foreign = try await fixture.create(client, "/api/organizations/globex/siem", key: fixture.outsiderKey)
            let foreignId = try #require(foreign["id"] as? String)
            for (method, path, body) in Self.routes(base, foreignId) {
                let response = try await client.call(method, path, key: fixture.ownerKey, json: body)
                #expect(response.status == 404, "\(method) \(path)")
                #expect(response.errorCode == "not_found")
            }
            for (method, path, body) in Self.routes("/api/organizations/globex/siem", id) {
                #expect(try await client.call(method, path, key: fixture.outsiderKey, json: body).status == 404,
                        "\(method) \(path)")
            }
            #expect(try await client.call(.get, "/api/organizations/globex/siem", key: fixture.outsiderKey)
                .array.compactMap { $0["id"] as? String } == [foreignId])

            // PATCH: absent fields stay.
            let patched = try await client.call(.patch, "\(base)/\(id)", key: fixture.adminKey, json: #"""
                {"name":"Splunk EU","min_severity":"high","event_types":[],"options":{"index":"security"}}
                """#)
            #expect(patched.status == 200, "\(patched.text)")
            #expect(Set(patched.json.keys) == SiemFixture.integrationFields)
            #expect(patched.json["name"] as? String == "Splunk EU")
            #expect(patched.json["min_severity"] as? String == "high")
            #expect(patched.json["event_types"] as? [String] == [])
            #expect(patched.json["options"] as? [String: String] == ["index": "security"])
            #expect(patched.json["schema"] as? String == "ocsf")
            #expect(patched.json["endpoint"] as? String == "https://splunk.example.com:8088")
            #expect(patched.json["credentials_set"] as? [String] == ["token"])
            #expect(!patched.text.contains(Self.secret))
            #expect(try await client.call(.get, "\(base)/\(id)", key: fixture.ownerKey).json["name"] as? String
                == "Splunk EU")

            // DELETE
            #expect(try await client.call(.delete, "\(base)/\(id)", key: fixture.adminKey).status == 204)
            #expect(try await client.call(.get, "\(base)/\(id)", key: fixture.adminKey).status == 404)
            #expect(try await client.call(.delete, "\(base)/\(id)", key: fixture.adminKey).status == 404)
            #expect(try await client.call(.get, base, key: fixture.ownerKey)
                .array.compactMap { $0["id"] as? String } == [datadogId, defaultsId])

            // Each mutation recorded exactly its event, without the credentials.
            let actions = try await fixture.auditActions(client, "/api/organizations/acme/audit-logs", key: fixture.ownerKey)
            #expect(actions.filter { $0 == "siem.integration.created" }.count == 3)
            #expect(actions.filter { $0 == "siem.integration.updated" }.count == 1)
            #expect(actions.filter { $0 == "siem.integration.deleted" }.count == 1)
            #expect(!actions.contains("siem.integration.paused"))
            let audit = try await client.call(.get, "/api/organizations/acme/audit-logs?limit=1000", key: fixture.ownerKey)
            #expect(!audit.text.contains(Self.secret))
            let deletion = try #require(audit.array.first { $0["action"] as? String == "siem.integration.deleted" })
            #expect(deletion["target_type"] as? String == "siem_integration")
            #expect(deletion["target_id"] as? String == id)
            let globexActions = try await fixture.auditActions(
                client, "/api/organizations/globex/audit-logs", key: fixture.outsiderKey)
            #expect(globexActions.filter { $0.hasPrefix("siem.") } == ["siem.integration.created"])
        }
    }

    @Test func platformIntegrationsAreForPlatformOwnersOnly() async throws {
        let tester = RecordingSiemTester()
        let fixture = try await SiemFixture(tester: tester)
        try await fixture.run { client in
            try await fixture.seed(client)
            let base = "/api/platform/siem"
            // The platform owner also owns an organization of their own.
            try #require(try await client.call(.post, "/api/organizations", key: fixture.platformKey,
                                               json: #"{"slug":"platops","name":"Platform ops"}"#).status == 201)

            let created = try await client.call(.post, base, key: fixture.platformKey, json: #"""
                {"provider":"syslog","name":"Central syslog","endpoint":"tls://siem.example.com:6514","schema":"cef",
                 "options":{"facility":"13"}}
                """#)
            #expect(created.status == 201, "\(created.text)")
            #expect(Set(created.json.keys) == SiemFixture.integrationFields)
            #expect(created.json["org_id"] is NSNull)
            #expect(created.json["credentials_set"] as? [String] == [])
            #expect(created.json["schema"] as? String == "cef")
            let id = try #require(created.json["id"] as? String)

            // Organization roles do not reach the platform routes.
            for key in [fixture.ownerKey, fixture.adminKey, fixture.memberKey] {
                #expect(try await client.call(.get, base, key: key).status == 403)
                #expect(try await client.call(.post, base, key: key, json: SiemFixture.splunk).status == 403)
                for (method, path, body) in Self.routes(base, id) {
                    #expect(try await client.call(method, path, key: key, json: body).status == 403, "\(method) \(path)")
                }
            }
            #expect(try await client.call(.get, base, key: nil).status == 401)

            // An organization's integration is not found through the platform routes, and the platform's not
            // through an organization's (not even one the platform owner owns).
            let acme = try await fixture.create(client)
            let acmeId = try #require(acme["id"] as? String)
            for (method, path, body) in Self.routes(base, acmeId) {
                let response = try await client.call(method, path, key: fixture.platformKey, json: body)
                #expect(response.status == 404, "\(method) \(path)")
            }
            for (slug, key) in [("acme", fixture.ownerKey), ("platops", fixture.platformKey)] {
                for (method, path, body) in Self.routes("/api/organizations/\(slug)/siem", id) {
                    #expect(try await client.call(method, path, key: key, json: body).status == 404, "\(method) \(path)")
                }
            }
            #expect(tester.calls.isEmpty)
            #expect(try await client.call(.get, "/api/organizations/platops/siem", key: fixture.platformKey).array.isEmpty)

            // Reads, update, test, replay and dead letters in the platform scope.
            let list = try await client.call(.get, base, key: fixture.platformKey)
            #expect(list.status == 200)
            #expect(list.array.compactMap { $0["id"] as? String } == [id])
            let one = try await client.call(.get, "\(base)/\(id)", key: fixture.platformKey)
            #expect(one.json["name"] as? String == "Central syslog")
            let paused = try await client.call(.patch, "\(base)/\(id)", key: fixture.platformKey, json: #"{"enabled":false}"#)
            #expect(paused.status == 200)
            #expect(paused.json["status"] as? String == "paused")
            let tested = try await client.call(.post, "\(base)/\(id)/test", key: fixture.platformKey)
            #expect(tested.status == 200)
            #expect(tester.calls.map(\.integration.id) == [id])
            #expect(tester.calls.first?.integration.orgId == nil)
            let replay = try await client.call(.post, "\(base)/\(id)/replay", key: fixture.platformKey,
                                               json: #"{"since":"2000-01-01"}"#)
            #expect(replay.status == 202)
            #expect((replay.json["events"] as? Int).map { $0 > 0 } == true)
            let letters = try await client.call(.get, "\(base)/\(id)/dead-letters", key: fixture.platformKey)
            #expect(letters.status == 200)
            #expect(letters.array.isEmpty)
            #expect(try await client.call(.delete, "\(base)/\(id)", key: fixture.platformKey).status == 204)
            #expect(try await client.call(.get, base, key: fixture.platformKey).array.isEmpty)
            // acme's integration is untouched by all this.
            #expect(try await client.call(.get, "/api/organizations/acme/siem/\(acmeId)", key: fixture.ownerKey).status
                == 200)

            // The platform audit log has the platform integration's events.
            let actions = try await fixture.auditActions(client, "/api/platform/audit-log", key: fixture.platformKey)
            for action in ["siem.integration.created", "siem.integration.paused", "siem.integration.updated",
                           "siem.integration.deleted"] {
                #expect(actions.contains(action), "\(action)")
            }
            let acmeActions = try await fixture.auditActions(
                client, "/api/organizations/acme/audit-logs", key: fixture.ownerKey)
            #expect(acmeActions.filter { $0.hasPrefix("siem.") } == ["siem.integration.created"])
        }
    }

    @Test func credentialsAreWriteOnly() async throws {
        let tester = RecordingSiemTester()
        let fixture = try await SiemFixture(tester: tester)
        try await fixture.run { client in
            try await fixture.seed(client)
            let base = "/api/organizations/acme/siem"
            let password = "pw-secret-7f3a"
            let apiKey = "key-secret-91bc"
            let created = try await client.call(.post, base, key: fixture.ownerKey, json: """
                {"provider":"elasticsearch","endpoint":"https://es.example.com:9200",
                 "credentials":{"username":"herald-user","password":"\(password)"}}
                """)
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json["credentials"] == nil)
            #expect(created.json["credentials_set"] as? [String] == ["password", "username"])
            #expect(!created.text.contains(password))
            #expect(!created.text.contains("herald-user"))
            let id = try #require(created.json["id"] as? String)
            for path in [base, "\(base)/\(id)"] {
                let read = try await client.call(.get, path, key: fixture.ownerKey)
                #expect(read.status == 200)
                #expect(!read.text.contains(password), "\(path)")
            }

            // The test route hands the stored credentials to the sender.
            #expect(try await client.call(.post, "\(base)/\(id)/test", key: fixture.ownerKey).status == 200)
            #expect(tester.calls.last?.credentials == ["username": "herald-user", "password": password])

            // PATCH without credentials keeps them.
            let renamed = try await client.call(.patch, "\(base)/\(id)", key: fixture.ownerKey,
                                                json: #"{"name":"Elastic","endpoint":"https://es2.example.com"}"#)
            #expect(renamed.status == 200, "\(renamed.text)")
            #expect(renamed.json["credentials_set"] as? [String] == ["password", "username"])
            #expect(!renamed.text.contains(password))
            #expect(try await client.call(.post, "\(base)/\(id)/test", key: fixture.ownerKey).status == 200)
            #expect(tester.calls.last?.credentials == ["username": "herald-user", "password": password])
            #expect(tester.calls.last?.integration.endpoint == "https://es2.example.com")

            // PATCH with credentials replaces them whole.
            let replaced = try await client.call(.patch, "\(base)/\(id)", key: fixture.ownerKey,
                                                 json: #"{"credentials":{"api_key":"\#(apiKey)"}}"#)
            #expect(replaced.status == 200, "\(replaced.text)")
            #expect(replaced.json["credentials_set"] as? [String] == ["api_key"])
            #expect(!replaced.text.contains(apiKey))
            #expect(try await client.call(.get, "\(base)/\(id)", key: fixture.ownerKey).json["credentials_set"]
                as? [String] == ["api_key"])
            #expect(try await client.call(.post, "\(base)/\(id)/test", key: fixture.ownerKey).status == 200)
            #expect(tester.calls.last?.credentials == ["api_key": apiKey])

            // A refused replacement keeps the stored ones.
            let refused = try await client.call(.patch, "\(base)/\(id)", key: fixture.ownerKey,
                                                json: #"{"credentials":{"username":"only-half"}}"#)
            #expect(refused.status == 400)
            #expect(refused.errorField == "credentials")
            #expect(try await client.call(.post, "\(base)/\(id)/test", key: fixture.ownerKey).status == 200)
            #expect(tester.calls.last?.credentials == ["api_key": apiKey])

            // An optional-credentials connector can have them cleared with an empty object.
            let syslog = try await fixture.create(client, json: #"""
                {"provider":"syslog","endpoint":"tls://siem.example.com:6514",
                 "credentials":{"ca_pem":"-----BEGIN CERTIFICATE-----\nMIIB\r\n-----END CERTIFICATE-----\n"}}
                """#)
            let syslogId = try #require(syslog["id"] as? String)
            #expect(syslog["credentials_set"] as? [String] == ["ca_pem"])
            let cleared = try await client.call(.patch, "\(base)/\(syslogId)", key: fixture.ownerKey,
                                                json: #"{"credentials":{}}"#)
            #expect(cleared.status == 200, "\(cleared.text)")
            #expect(cleared.json["credentials_set"] as? [String] == [])
            #expect(try await client.call(.post, "\(base)/\(syslogId)/test", key: fixture.ownerKey).status == 200)
            #expect(tester.calls.last?.credentials == [:])

            // Sumo Logic: the URL holds the secret, so it is a credential and the endpoint stays empty.
            let sumoSecret = "ZaVnC4dhaV0Q2-sumo-secret"
            let sumo = try await client.call(.post, base, key: fixture.ownerKey, json: """
                {"provider":"sumo-logic",
                 "credentials":{"url":"https://endpoint4.collection.sumologic.com/receiver/v1/http/\(sumoSecret)"}}
                """)
            #expect(sumo.status == 201, "\(sumo.text)")
            #expect(sumo.json["endpoint"] as? String == "")
            #expect(sumo.json["credentials_set"] as? [String] == ["url"])
            #expect(!sumo.text.contains(sumoSecret))
            #expect(!(try await client.call(.get, base, key: fixture.ownerKey).text.contains(sumoSecret)))

            // Nor do the audit log and the event catalogue of what was recorded carry them.
            let audit = try await client.call(.get, "/api/organizations/acme/audit-logs?limit=1000", key: fixture.ownerKey)
            #expect(audit.status == 200)
            for secret in [password, apiKey, sumoSecret, "herald-user", "MIIB"] {
                #expect(!audit.text.contains(secret), "\(secret)")
            }
        }
    }

    @Test func validationNamesTheField() async throws {
        let fixture = try await SiemFixture { $0.outboundAllowlist = ["127.0.0.0/8"] }
        try await fixture.run { client in
            try await fixture.seed(client)
            let base = "/api/organizations/acme/siem"
            let token = #""credentials":{"token":"t"}"#
            let splunk = #""provider":"splunk-hec","endpoint":"https://splunk.example.com""#
            let cases: [(String, String)] = [
                (#"{}"#, "provider"),
                (#"{"provider":"nope","endpoint":"https://x.example.com","credentials":{"token":"t"}}"#, "provider"),
                (#"{"provider":42}"#, "provider"),
                // Credentials against the connector's manifest.
                ("{\(splunk)}", "credentials"),
                ("{\(splunk),\"credentials\":{}}", "credentials"),
                ("{\(splunk),\"credentials\":{\"token\":\"\"}}", "credentials"),
                ("{\(splunk),\"credentials\":{\"token\":\"t\",\"password\":\"p\"}}", "credentials"),
                ("{\(splunk),\"credentials\":{\"api_key\":\"k\"}}", "credentials"),
                ("{\(splunk),\"credentials\":{\"token\":\"a\\r\\nX-Evil: 1\"}}", "credentials"),
                ("{\(splunk),\"credentials\":{\"token\":\"a\\nb\"}}", "credentials"),
                ("{\(splunk),\"credentials\":{\"token\":\"a\\u0000b\"}}", "credentials"),
                ("{\(splunk),\"credentials\":{\"token\":\"\(String(repeating: "t", count: 16_385))\"}}", "credentials"),
                ("{\(splunk),\"credentials\":{\"token\":7}}", "credentials.token"),
                (#"{"provider":"elasticsearch","endpoint":"https://es.example.com","credentials":{"username":"u"}}"#,
                 "credentials"),
                (#"{"provider":"datadog"}"#, "credentials"),
                (#"{"provider":"syslog","endpoint":"tls://siem.example.com:6514","credentials":{"token":"t"}}"#,
                 "credentials"),
                (#"{"provider":"http","endpoint":"https://x.example.com","credentials":{"header_name":"X-Key"}}"#,
                 "credentials"),
                (#"{"provider":"http","endpoint":"https://x.example.com","credentials":{"header_name":"Host","header_value":"v"}}"#,
                 "credentials"),
                (#"{"provider":"http","endpoint":"https://x.example.com","credentials":{"header_name":"X Key","header_value":"v"}}"#,
                 "credentials"),
                (#"{"provider":"http","endpoint":"https://x.example.com","credentials":{"header_name":"webhook-id","header_value":"v"}}"#,
                 "credentials"),
                // Schemas the connector does not take.
                (#"{"provider":"elasticsearch","endpoint":"https://es.example.com","credentials":{"api_key":"k"},"schema":"cef"}"#,
                 "schema"),
                (#"{"provider":"opensearch","endpoint":"https://os.example.com","credentials":{"api_key":"k"},"schema":"leef"}"#,
                 "schema"),
                ("{\(splunk),\(token),\"schema\":\"xml\"}", "schema"),
                // Endpoints.
                (#"{"provider":"splunk-hec","credentials":{"token":"t"}}"#, "endpoint"),
                (#"{"provider":"splunk-hec","endpoint":"","credentials":{"token":"t"}}"#, "endpoint"),
                (#"{"provider":"splunk-hec","endpoint":"tcp://splunk.example.com:8088","credentials":{"token":"t"}}"#,
                 "endpoint"),
                (#"{"provider":"splunk-hec","endpoint":"http://splunk.example.com:8088","credentials":{"token":"t"}}"#,
                 "endpoint"),
                (#"{"provider":"splunk-hec","endpoint":"http://10.0.0.1:8088","credentials":{"token":"t"}}"#, "endpoint"),
                (#"{"provider":"splunk-hec","endpoint":"https://u:p@splunk.example.com","credentials":{"token":"t"}}"#,
                 "endpoint"),
                (#"{"provider":"splunk-hec","endpoint":"splunk.example.com","credentials":{"token":"t"}}"#, "endpoint"),
                (#"{"provider":"syslog","endpoint":"https://siem.example.com:6514"}"#, "endpoint"),
                (#"{"provider":"syslog","endpoint":"udp://siem.example.com:514"}"#, "endpoint"),
                (#"{"provider":"syslog","endpoint":"tls://siem.example.com:6514/path"}"#, "endpoint"),
                (#"{"provider":"syslog","endpoint":"tls://user@siem.example.com:6514"}"#, "endpoint"),
                (#"{"provider":"syslog","endpoint":"tls://siem.example.com:6514?x=1"}"#, "endpoint"),
                (#"{"provider":"syslog","endpoint":"tls://siem.example.com#x"}"#, "endpoint"),
                (#"{"provider":"syslog","endpoint":"tls://siem.example.com:99999"}"#, "endpoint"),
                (#"{"provider":"syslog","endpoint":"tls://"}"#, "endpoint"),
                (#"{"provider":"syslog","endpoint":"tcp://10.1.2.3:514"}"#, "endpoint"),
                (#"{"provider":"syslog"}"#, "endpoint"),
                (#"{"provider":"sumo-logic","endpoint":"https://collectors.sumologic.com","credentials":{"url":"https://collectors.sumologic.com/receiver/v1/http/x"}}"#,
                 "endpoint"),
                (#"{"provider":"sumo-logic"}"#, "credentials"),
                (#"{"provider":"sumo-logic","credentials":{"url":""}}"#, "credentials"),
                (#"{"provider":"sumo-logic","credentials":{"url":"http://collectors.sumologic.com/receiver/v1/http/x"}}"#,
                 "credentials.url"),
                // Options.
                ("{\(splunk),\(token),\"options\":{\"bogus\":\"1\"}}", "options"),
                (#"{"provider":"sumo-logic","credentials":{"url":"https://c.sumologic.com/r"},"options":{"index":"x"}}"#,
                 "options"),
                ("{\(splunk),\(token),\"options\":{\"index\":\"a\\nb\"}}", "options"),
                (#"{"provider":"syslog","endpoint":"tls://siem.example.com:6514","options":{"facility":"99"}}"#, "options"),
                (#"{"provider":"syslog","endpoint":"tls://siem.example.com:6514","options":{"facility":"-1"}}"#, "options"),
                (#"{"provider":"syslog","endpoint":"tls://siem.example.com:6514","options":{"facility":"local0"}}"#,
                 "options"),
                ("{\(splunk),\(token),\"options\":{\"index\":7}}", "options.index"),
                // The rest of the body.
                ("{\(splunk),\(token),\"event_types\":[\"Member Added\"]}", "event_types"),
                ("{\(splunk),\(token),\"event_types\":[\"member..added\"]}", "event_types"),
                ("{\(splunk),\(token),\"event_types\":[\"*.x\"]}", "event_types"),
                ("{\(splunk),\(token),\"event_types\":\"member.*\"}", "event_types"),
                ("{\(splunk),\(token),\"min_severity\":\"severe\"}", "min_severity"),
                ("{\(splunk),\(token),\"name\":\"\"}", "name"),
                ("{\(splunk),\(token),\"name\":\"\(String(repeating: "n", count: 101))\"}", "name"),
                ("{\(splunk),\(token),\"name\":\"a\\tb\"}", "name"),
                ("{\(splunk),\(token),\"enabled\":\"yes\"}", "enabled"),
            ]
            for (json, field) in cases {
                let response = try await client.call(.post, base, key: fixture.ownerKey, json: json)
                #expect(response.status == 400, "\(json.prefix(160))")
                #expect(response.errorCode == "invalid_field", "\(json.prefix(160)): \(response.text.prefix(300))")
                #expect(response.errorField == field, "\(json.prefix(160)): \(response.text.prefix(300))")
            }
            #expect(try await client.call(.get, base, key: fixture.ownerKey).array.isEmpty)
            #expect(try await client.call(.post, base, key: fixture.ownerKey, json: "{").status == 400)

            // Accepted: plain http and tcp to allow-listed addresses, a PEM with its line breaks, every facility.
            for json in [
                #"{"provider":"splunk-hec","endpoint":"http://127.0.0.1:8088","credentials":{"token":"t"}}"#,
                #"{"provider":"splunk-hec","endpoint":"HTTPS://splunk.example.com","credentials":{"token":"t"}}"#,
                #"{"provider":"syslog","endpoint":"tcp://127.0.0.1:514","options":{"facility":"0"}}"#,
                #"{"provider":"syslog","endpoint":"tls://siem.example.com:6514","options":{"facility":"23","host":""}}"#,
                #"{"provider":"syslog","endpoint":"tls://siem.example.com:6514","credentials":{"cert_pem":"-----BEGIN CERTIFICATE-----\r\nMIIB\r\n-----END CERTIFICATE-----\n","key_pem":"-----BEGIN PRIVATE KEY-----\nMC4\n-----END PRIVATE KEY-----\n"}}"#,
                #"{"provider":"http","endpoint":"https://x.example.com","credentials":{"header_name":"X-Key","header_value":"v"}}"#,
                #"{"provider":"sumo-logic","endpoint":"","credentials":{"url":"https://c.sumologic.com/r/x"}}"#,
                #"{"provider":"opensearch","endpoint":"https://os.example.com","credentials":{"username":"u","password":"p"}}"#,
            ] {
                let response = try await client.call(.post, base, key: fixture.ownerKey, json: json)
                #expect(response.status == 201, "\(json): \(response.text)")
            }

            // PATCH checks the integration it would make.
            let es = try await fixture.create(client, json: #"""
                {"provider":"elasticsearch","endpoint":"https://es.example.com","credentials":{"api_key":"k"}}
                """#)
            let esId = try #require(es["id"] as? String)
            let sumo = try await fixture.create(client, json: #"""
                {"provider":"sumo-logic","credentials":{"url":"https://c.sumologic.com/r/y"}}
                """#)
            let sumoId = try #require(sumo["id"] as? String)
            for (id, json, field) in [
                (esId, #"{"schema":"cef"}"#, "schema"),
                (esId, #"{"endpoint":"tcp://es.example.com:9200"}"#, "endpoint"),
                (esId, #"{"endpoint":"http://es.example.com"}"#, "endpoint"),
                (esId, #"{"endpoint":""}"#, "endpoint"),
                (esId, #"{"credentials":{"token":"t"}}"#, "credentials"),
                (esId, #"{"credentials":{}}"#, "credentials"),
                (esId, #"{"credentials":{"api_key":"a\rb"}}"#, "credentials"),
                (esId, #"{"options":{"facility":"1"}}"#, "options"),
                (esId, #"{"event_types":["A.b"]}"#, "event_types"),
                (esId, #"{"min_severity":"extreme"}"#, "min_severity"),
                (esId, #"{"name":""}"#, "name"),
                (esId, #"{"enabled":"no"}"#, "enabled"),
                (sumoId, #"{"endpoint":"https://c.sumologic.com"}"#, "endpoint"),
                (sumoId, #"{"credentials":{}}"#, "credentials"),
            ] {
                let response = try await client.call(.patch, "\(base)/\(id)", key: fixture.ownerKey, json: json)
                #expect(response.status == 400, "\(json)")
                #expect(response.errorCode == "invalid_field", "\(json): \(response.text)")
                #expect(response.errorField == field, "\(json): \(response.text)")
            }
            // The provider is fixed at creation; an unknown key is ignored.
            let kept = try await client.call(.patch, "\(base)/\(esId)", key: fixture.ownerKey,
                                             json: #"{"provider":"datadog"}"#)
            #expect(kept.status == 200)
            #expect(kept.json["provider"] as? String == "elasticsearch")
        }
    }

    @Test func httpAndTcpAreRefusedWithoutAnAllowList() async throws {
        let fixture = try await SiemFixture()
        try await fixture.run { client in
            try await fixture.seed(client)
            for json in [
                #"{"provider":"splunk-hec","endpoint":"http://127.0.0.1:8088","credentials":{"token":"t"}}"#,
                #"{"provider":"http","endpoint":"http://localhost/ingest","credentials":{"token":"t"}}"#,
                #"{"provider":"syslog","endpoint":"tcp://127.0.0.1:514"}"#,
                #"{"provider":"syslog","endpoint":"tcp://siem.example.com:514"}"#,
            ] {
                let response = try await client.call(.post, "/api/organizations/acme/siem", key: fixture.ownerKey,
                                                     json: json)
                #expect(response.status == 400, "\(json)")
                #expect(response.errorField == "endpoint", "\(json): \(response.text)")
            }
        }
    }

    @Test func pausingAndResumingRecordTheirEvents() async throws {
        let fixture = try await SiemFixture()
        try await fixture.run { client in
            try await fixture.seed(client)
            let base = "/api/organizations/acme/siem"
            let created = try await fixture.create(client)
            let id = try #require(created["id"] as? String)
            #expect(created["status"] as? String == "active")

            let paused = try await client.call(.patch, "\(base)/\(id)", key: fixture.adminKey, json: #"{"enabled":false}"#)
            #expect(paused.status == 200)
            #expect(paused.json["enabled"] as? Bool == false)
            #expect(paused.json["status"] as? String == "paused")
            #expect(try await client.call(.get, "\(base)/\(id)", key: fixture.ownerKey).json["status"] as? String
                == "paused")
            // Already off: nothing to pause again, an update.
            let again = try await client.call(.patch, "\(base)/\(id)", key: fixture.adminKey, json: #"{"enabled":false}"#)
            #expect(again.json["status"] as? String == "paused")
            let resumed = try await client.call(.patch, "\(base)/\(id)", key: fixture.adminKey, json: #"{"enabled":true}"#)
            #expect(resumed.status == 200)
            #expect(resumed.json["enabled"] as? Bool == true)
            #expect(resumed.json["status"] as? String == "active")
            // Created paused.
            let off = try await fixture.create(client, json: #"""
                {"provider":"datadog","credentials":{"api_key":"dd"},"enabled":false}
                """#)
            #expect(off["status"] as? String == "paused")
            #expect(off["enabled"] as? Bool == false)

            let audit = try await client.call(.get, "/api/organizations/acme/audit-logs?limit=1000", key: fixture.ownerKey)
            let siem = audit.array.filter { ($0["action"] as? String)?.hasPrefix("siem.") == true }
            // Newest first.
            #expect(siem.compactMap { $0["action"] as? String } == [
                "siem.integration.created", "siem.integration.updated", "siem.integration.updated",
                "siem.integration.paused", "siem.integration.created",
            ])
            let pause = try #require(siem.first { $0["action"] as? String == "siem.integration.paused" })
            #expect(pause["target_type"] as? String == "siem_integration")
            #expect(pause["target_id"] as? String == id)
            #expect(pause["actor_email"] as? String == "admin@acme.example")
            let filtered = try await client.call(
                .get, "/api/organizations/acme/audit-logs?action=siem.integration.paused", key: fixture.ownerKey)
            #expect(filtered.array.compactMap { $0["target_id"] as? String } == [id])
        }
    }

    @Test func replayMovesTheCursorBack() async throws {
        let fixture = try await SiemFixture()
        try await fixture.run { client in
            try await fixture.seed(client)
            let base = "/api/organizations/acme/siem"
            let id = try #require(try await fixture.create(client)["id"] as? String)
            let wakesBefore = fixture.api.wakes.value

            // Nothing since a future date: the cursor stays (what is after it is the creation and this replay).
            let future = try await client.call(.post, "\(base)/\(id)/replay", key: fixture.adminKey,
                                               json: #"{"since":"2999-01-01T00:00:00Z"}"#)
            #expect(future.status == 202, "\(future.text)")
            #expect(future.json.keys.sorted() == ["events"])
            #expect(future.json["events"] as? Int == 2)

            // Since long ago: every event of acme (none of globex's).
            let all = try await client.call(.post, "\(base)/\(id)/replay", key: fixture.adminKey,
                                            json: #"{"since":"2000-01-01"}"#)
            #expect(all.status == 202)
            let audit = try await client.call(.get, "/api/organizations/acme/audit-logs?limit=1000", key: fixture.ownerKey)
            #expect(all.json["events"] as? Int == audit.array.count)
            #expect(fixture.api.wakes.value == wakesBefore + 2)
            let lag = try await client.call(.get, "\(base)/\(id)", key: fixture.ownerKey)
            #expect(lag.json["lag_events"] as? Int == audit.array.count)
            #expect((lag.json["lag_seconds"] as? Double).map { $0 >= 0 } == true)
            #expect(audit.array.filter { $0["action"] as? String == "siem.integration.updated" }.count == 2)

            for json in [#"{"since":"yesterday"}"#, #"{"since":"2025-13-01"}"#, #"{"since":"1969-12-31"}"#,
                         #"{"since":42}"#, #"{}"#] {
                let response = try await client.call(.post, "\(base)/\(id)/replay", key: fixture.ownerKey, json: json)
                #expect(response.status == 400, "\(json)")
                #expect(response.errorField == "since", "\(json): \(response.text)")
            }
            #expect(try await client.call(.post, "\(base)/\(id)/replay", key: fixture.memberKey,
                                         json: #"{"since":"2000-01-01"}"#).status == 403)
            #expect(try await client.call(.post, "\(base)/nope/replay", key: fixture.ownerKey,
                                         json: #"{"since":"2000-01-01"}"#).status == 404)
        }
    }

    @Test func riskEventsAreTheOrganizationsOwn() async throws {
        let fixture = try await SiemFixture()
        let (_, coreKey) = try await fixture.api.user("core@sso", service: true)
        try await fixture.run { client in
            let (acmeId, globexId) = try await fixture.seed(client)
            let path = "/api/organizations/acme/security/risk-events"
            let empty = try await client.call(.get, path, key: fixture.ownerKey)
            #expect(empty.status == 200)
            #expect(empty.text.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")

            let ingested = try await client.call(.post, "/api/events", key: coreKey, json: IngestTests.events([
                #"{"type":"risk.suspicious_activity","org_id":"\#(acmeId)","user_id":"sub-1","email":"jane@acme.example","ip":"203.0.113.9","user_agent":"UA","severity":"high","occurred_at":"2025-03-01T08:00:00Z","data":{"details":"10 failed MFA attempts"}}"#,
                #"{"type":"risk.impossible_travel","org_id":"\#(acmeId)","user_id":"sub-2","severity":"critical","occurred_at":"2025-03-05T08:00:00Z"}"#,
                #"{"type":"auth.login.failed","org_id":"\#(acmeId)","user_id":"sub-1","severity":"high","occurred_at":"2025-03-06T08:00:00Z"}"#,
                #"{"type":"risk.suspicious_activity","org_id":"\#(globexId)","user_id":"sub-3","severity":"high","occurred_at":"2025-03-07T08:00:00Z"}"#,
                #"{"type":"risk.suspicious_activity","user_id":"sub-4","severity":"high"}"#,
            ]))
            #expect(ingested.status == 201, "\(ingested.text)")
            let ids = try #require(ingested.json["ids"] as? [String])

            let all = try await client.call(.get, path, key: fixture.adminKey)
            #expect(all.status == 200)
            #expect(all.array.compactMap { $0["id"] as? String } == [ids[1], ids[0]])
            #expect(all.array.allSatisfy {
                Set($0.keys) == ["id", "type", "severity", "user_id", "email", "ip_address", "user_agent", "data",
                                 "occurred_at"]
            })
            let first = try #require(all.array.last)
            #expect(first["type"] as? String == "risk.suspicious_activity")
            #expect(first["severity"] as? String == "high")
            #expect(first["user_id"] as? String == "sub-1")
            #expect(first["email"] as? String == "jane@acme.example")
            #expect(first["ip_address"] as? String == "203.0.113.9")
            #expect(first["user_agent"] as? String == "UA")
            #expect(first["data"] as? [String: String] == ["details": "10 failed MFA attempts"])
            #expect(first["occurred_at"] as? String == "2025-03-01T08:00:00Z")
            let travel = try #require(all.array.first)
            #expect(travel["email"] is NSNull)
            #expect(travel["data"] as? [String: String] == [:])

            func found(_ query: String, _ slug: String = "acme", key: String? = nil) async throws -> [String] {
                let response = try await client.call(
                    .get, "/api/organizations/\(slug)/security/risk-events\(query)", key: key ?? fixture.ownerKey)
                try #require(response.status == 200, "\(query): \(response.text)")
                return response.array.compactMap { $0["id"] as? String }
            }
            #expect(try await found("?severity=high") == [ids[0]])
            #expect(try await found("?severity=critical") == [ids[1]])
            #expect(try await found("?severity=low") == [])
            #expect(try await found("?type=risk.impossible_travel") == [ids[1]])
            #expect(try await found("?type=risk.unknown") == [])
            #expect(try await found("?since=2025-03-02") == [ids[1]])
            #expect(try await found("?since=2025-03-01T08:00:00Z") == [ids[1], ids[0]])
            #expect(try await found("?since=2025-03-06") == [])
            #expect(try await found("?type=risk.suspicious_activity&severity=high&since=2025-01-01") == [ids[0]])
            #expect(try await found("?limit=1") == [ids[1]])
            #expect(try await found("", "globex", key: fixture.outsiderKey) == [ids[3]])

            for query in ["?type=auth.login.failed", "?type=riskimpossible", "?severity=severe", "?since=tomorrow",
                          "?limit=0", "?limit=1001", "?type=risk." + String(repeating: "x", count: 200)] {
                let response = try await client.call(.get, path + query, key: fixture.ownerKey)
                #expect(response.status == 400, "\(query)")
                #expect(response.errorField == String(query.dropFirst().prefix { $0 != "=" }), "\(query): \(response.text)")
            }
            #expect(try await client.call(.get, path, key: fixture.memberKey).status == 403)
            #expect(try await client.call(.get, path, key: fixture.outsiderKey).status == 404)
            #expect(try await client.call(.get, path, key: nil).status == 401)
            #expect(try await client.call(.get, "/api/organizations/nope/security/risk-events", key: fixture.ownerKey)
                .status == 404)
        }
    }

    @Test func theTestRouteNeedsTheForwarder() async throws {
        let fixture = try await SiemFixture()
        try await fixture.run { client in
            try await fixture.seed(client)
            let base = "/api/organizations/acme/siem"
            let id = try #require(try await fixture.create(client)["id"] as? String)
            let unavailable = try await client.call(.post, "\(base)/\(id)/test", key: fixture.adminKey)
            #expect(unavailable.status == 503)
            #expect(unavailable.errorCode == "unavailable")
            // Authorization and existence come first.
            #expect(try await client.call(.post, "\(base)/\(id)/test", key: fixture.memberKey).status == 403)
            #expect(try await client.call(.post, "\(base)/nope/test", key: fixture.adminKey).status == 404)
            #expect(try await client.call(.post, "/api/platform/siem/\(id)/test", key: fixture.platformKey).status == 404)
        }
    }

    @Test func theTestRouteAnswersTheSendersResult() async throws {
        let tester = RecordingSiemTester()
        let fixture = try await SiemFixture(tester: tester)
        try await fixture.run { client in
            let (acmeId, _) = try await fixture.seed(client)
            let base = "/api/organizations/acme/siem"
            let created = try await fixture.create(client, json: #"""
                {"provider":"splunk-hec","name":"Splunk","endpoint":"https://splunk.example.com:8088",
                 "credentials":{"token":"hec-secret-0001"},"schema":"cef","options":{"index":"sec"}}
                """#)
            let id = try #require(created["id"] as? String)

            let refused = try await client.call(.post, "\(base)/\(id)/test", key: fixture.adminKey)
            #expect(refused.status == 200)
            #expect(refused.json.keys.sorted() == ["latency_ms", "message", "status_code", "success", "vendor_code"])
            #expect(refused.json["success"] as? Bool == false)
            #expect(refused.json["status_code"] as? Int == 403)
            #expect(refused.json["vendor_code"] as? Int == 4)
            #expect(refused.json["message"] as? String == "Invalid token")
            #expect(refused.json["latency_ms"] as? Int == 42)
            #expect(!refused.text.contains(Self.secret))

            let call = try #require(tester.calls.first)
            #expect(tester.calls.count == 1)
            #expect(call.integration.id == id)
            #expect(call.integration.orgId == acmeId)
            #expect(call.integration.provider == "splunk-hec")
            #expect(call.integration.endpoint == "https://splunk.example.com:8088")
            #expect(call.integration.schema == .cef)
            #expect(call.integration.options == ["index": "sec"])
            #expect(call.credentials == ["token": Self.secret])

            // A result without a status (no answer) carries nulls.
            let silent = RecordingSiemTester(result: SiemTestResult(
                success: false, statusCode: nil, vendorCode: nil, message: "connection refused", latencyMilliseconds: 3))
            let other = try await SiemFixture(tester: silent)
            try await other.run { client in
                try await other.seed(client)
                let otherId = try #require(try await other.create(client)["id"] as? String)
                let answer = try await client.call(.post, "/api/organizations/acme/siem/\(otherId)/test", key: other.ownerKey)
                #expect(answer.status == 200)
                #expect(answer.json["status_code"] is NSNull)
                #expect(answer.json["vendor_code"] is NSNull)
                #expect(answer.json["message"] as? String == "connection refused")
            }
            // The test is not a mutation: nothing recorded.
            let actions = try await fixture.auditActions(client, "/api/organizations/acme/audit-logs", key: fixture.ownerKey)
            #expect(actions.filter { $0.hasPrefix("siem.") } == ["siem.integration.created"])
        }
    }

    @Test func deadLettersOfANewIntegrationAreEmpty() async throws {
        let fixture = try await SiemFixture()
        try await fixture.run { client in
            try await fixture.seed(client)
            let base = "/api/organizations/acme/siem"
            let id = try #require(try await fixture.create(client)["id"] as? String)
            let letters = try await client.call(.get, "\(base)/\(id)/dead-letters", key: fixture.adminKey)
            #expect(letters.status == 200)
            #expect(letters.text.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
            #expect(try await client.call(.get, "\(base)/\(id)/dead-letters?limit=1000", key: fixture.adminKey).status
                == 200)
            for query in ["?limit=0", "?limit=1001", "?limit=x"] {
                let response = try await client.call(.get, "\(base)/\(id)/dead-letters\(query)", key: fixture.adminKey)
                #expect(response.status == 400, "\(query)")
                #expect(response.errorField == "limit")
            }
            #expect(try await client.call(.get, "\(base)/\(id)/dead-letters", key: fixture.memberKey).status == 403)
            #expect(try await client.call(.get, "\(base)/nope/dead-letters", key: fixture.adminKey).status == 404)
        }
    }
}

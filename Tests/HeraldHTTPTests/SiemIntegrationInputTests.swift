import Foundation
import HeraldCore
import Hummingbird
import Testing

/// SIEM integrations' input: write-only credentials, validation naming the field, the outbound allow-list.
@Suite struct SiemIntegrationInputTests {
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
}

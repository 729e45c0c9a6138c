import Foundation
import HeraldCore
import Hummingbird
import Testing

/// `/api/organizations/{slug}/siem…` and `/api/platform/siem…`: the catalogue, CRUD, roles and scopes, against the
/// shipped connector manifests.
@Suite struct SiemIntegrationTests {
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
            #expect(!created.text.contains(SiemFixture.secret))
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
            for (method, path, body) in SiemFixture.routes(base, id) {
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
            #expect(!list.text.contains(SiemFixture.secret))
            let one = try await client.call(.get, "\(base)/\(id)", key: fixture.adminKey)
            #expect(one.status == 200)
            #expect(Set(one.json.keys) == SiemFixture.integrationFields)
            #expect(one.json["name"] as? String == "Splunk prod")
            #expect(!one.text.contains(SiemFixture.secret))

            // globex's integration is not found through acme, and acme's not through globex.
            let foreign = try await fixture.create(client, "/api/organizations/globex/siem", key: fixture.outsiderKey)
            let foreignId = try #require(foreign["id"] as? String)
            for (method, path, body) in SiemFixture.routes(base, foreignId) {
                let response = try await client.call(method, path, key: fixture.ownerKey, json: body)
                #expect(response.status == 404, "\(method) \(path)")
                #expect(response.errorCode == "not_found")
            }
            for (method, path, body) in SiemFixture.routes("/api/organizations/globex/siem", id) {
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
            #expect(!patched.text.contains(SiemFixture.secret))
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
            #expect(!audit.text.contains(SiemFixture.secret))
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
                for (method, path, body) in SiemFixture.routes(base, id) {
                    #expect(try await client.call(method, path, key: key, json: body).status == 403, "\(method) \(path)")
                }
            }
            #expect(try await client.call(.get, base, key: nil).status == 401)

            // An organization's integration is not found through the platform routes, and the platform's not
            // through an organization's (not even one the platform owner owns).
            let acme = try await fixture.create(client)
            let acmeId = try #require(acme["id"] as? String)
            for (method, path, body) in SiemFixture.routes(base, acmeId) {
                let response = try await client.call(method, path, key: fixture.platformKey, json: body)
                #expect(response.status == 404, "\(method) \(path)")
            }
            for (slug, key) in [("acme", fixture.ownerKey), ("platops", fixture.platformKey)] {
                for (method, path, body) in SiemFixture.routes("/api/organizations/\(slug)/siem", id) {
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
}

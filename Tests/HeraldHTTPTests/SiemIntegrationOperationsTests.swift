import Foundation
import HeraldCore
import Hummingbird
import Testing

/// Operating SIEM integrations: pause and resume, replay, the test route, dead letters, and
/// `/api/organizations/{slug}/security/risk-events`.
@Suite struct SiemIntegrationOperationsTests {
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
            #expect(!refused.text.contains(SiemFixture.secret))

            let call = try #require(tester.calls.first)
            #expect(tester.calls.count == 1)
            #expect(call.integration.id == id)
            #expect(call.integration.orgId == acmeId)
            #expect(call.integration.provider == "splunk-hec")
            #expect(call.integration.endpoint == "https://splunk.example.com:8088")
            #expect(call.integration.schema == .cef)
            #expect(call.integration.options == ["index": "sec"])
            #expect(call.credentials == ["token": SiemFixture.secret])

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

import Foundation
import HeraldCore
import Hummingbird
import Testing

/// `POST /api/events` from the SSO core, and the MFA and risk views that ingested events feed.
@Suite struct IngestTests {
    static func events(_ items: [String]) -> String { #"{"events":["# + items.joined(separator: ",") + "]}" }

    /// Headers carrying an `Idempotency-Key`.
    static func idempotency(_ value: String) -> HTTPFields { [.init("Idempotency-Key")!: value] }

    static func auditCount(_ client: TestClient, _ key: String) async throws -> Int {
        try await client.call(.get, "/api/platform/audit-log?limit=1000", key: key).array.count
    }

    @Test func onlyServiceKeysMayPost() async throws {
        let api = try await TestAPI()
        let (_, userKey) = try await api.user("alice@acme.example")
        let (_, coreKey) = try await api.user("core@sso", service: true)
        try await api.run { client in
            let body = Self.events([#"{"type":"auth.login.succeeded","user_id":"sub-1"}"#])
            for key in [userKey, api.ownerKey] {
                let refused = try await client.call(.post, "/api/events", key: key, json: body)
                #expect(refused.status == 403)
                #expect(refused.errorCode == "forbidden")
                #expect(refused.errorMessage?.contains("service") == true)
            }
            let anonymous = try await client.call(.post, "/api/events", key: nil, json: body)
            #expect(anonymous.status == 401)
            #expect(anonymous.errorCode == "unauthorized")

            let accepted = try await client.call(.post, "/api/events", key: coreKey, json: Self.events([
                #"{"type":"auth.login.succeeded","user_id":"sub-1","email":"Jane@Acme.example","ip":"203.0.113.9","user_agent":"UA","occurred_at":"2025-01-15T10:30:00Z","data":{"method":"password"}}"#,
                #"{"type":"auth.logout","user_id":"sub-1"}"#,
                #"{"type":"service.created","data":{"service_id":"svc_1"}}"#,
            ]))
            #expect(accepted.status == 201)
            #expect(accepted.headers[.contentType]?.contains("application/json") == true)
            let ids = try #require(accepted.json["ids"] as? [String])
            #expect(ids.count == 3)
            #expect(Set(ids).count == 3)
            #expect(ids.allSatisfy { !$0.isEmpty })
            #expect(accepted.json.keys.sorted() == ["ids"])
        }
    }

    @Test func batchesAndTypesAreValidated() async throws {
        let api = try await TestAPI()
        let (_, aliceKey) = try await api.user("alice@acme.example")
        let (_, coreKey) = try await api.user("core@sso", service: true)
        try await api.run { client in
            let acme = try await client.call(.post, "/api/organizations", key: aliceKey,
                                             json: #"{"slug":"acme","name":"Acme"}"#)
            let orgId = try #require(acme.json["id"] as? String)
            let auditBefore = try await Self.auditCount(client, api.ownerKey)
            let one = #"{"type":"auth.logout"}"#

            let tooMany = try await client.call(.post, "/api/events", key: coreKey,
                                                json: Self.events(Array(repeating: one, count: 1001)))
            #expect(tooMany.status == 400)
            #expect(tooMany.errorField == "events")
            #expect(tooMany.errorMessage?.contains("1000") == true)
            let empty = try await client.call(.post, "/api/events", key: coreKey, json: #"{"events":[]}"#)
            #expect(empty.status == 400)
            #expect(empty.errorField == "events")
            let missing = try await client.call(.post, "/api/events", key: coreKey, json: #"{}"#)
            #expect(missing.status == 400)
            #expect(missing.errorField == "events")
            let full = try await client.call(.post, "/api/events", key: coreKey,
                                             json: Self.events(Array(repeating: one, count: 1000)))
            #expect(full.status == 201)
            #expect((full.json["ids"] as? [String])?.count == 1000)

            // Herald's own types are refused, wherever they are in the batch.
            let own = try await client.call(.post, "/api/events", key: coreKey,
                                            json: Self.events([#"{"type":"organization.created"}"#]))
            #expect(own.status == 400)
            #expect(own.errorCode == "unknown_event_type")
            #expect(own.errorField == "events[0].type")
            let second = try await client.call(.post, "/api/events", key: coreKey,
                                               json: Self.events([one, #"{"type":"apikey.created"}"#]))
            #expect(second.status == 400)
            #expect(second.errorField == "events[1].type")
            for type in ["member.added", "webhook.endpoint.created", "auth", "auth.", "Auth.Login", "risk..x",
                         "custom.thing", ""] {
                let response = try await client.call(.post, "/api/events", key: coreKey,
                                                     json: Self.events([#"{"type":"\#(type)"}"#]))
                #expect(response.status == 400, "\(type)")
                #expect(response.errorField == "events[0].type", "\(type)")
            }

            let unknownOrg = try await client.call(.post, "/api/events", key: coreKey, json: Self.events([
                #"{"type":"auth.login.succeeded","org_id":"\#(orgId)"}"#, #"{"type":"auth.logout","org_id":"nope"}"#,
            ]))
            #expect(unknownOrg.status == 400)
            #expect(unknownOrg.errorField == "events[1].org_id")
            for (event, field) in [
                (#"{"type":"auth.logout","severity":"extreme"}"#, "events[0].severity"),
                (#"{"type":"auth.logout","occurred_at":"yesterday"}"#, "events[0].occurred_at"),
                (#"{"type":"auth.logout","email":"not-an-address"}"#, "events[0].email"),
                (#"{"type":"auth.logout","user_id":""}"#, "events[0].user_id"),
                (#"{"type":"auth.logout","data":"text"}"#, "events[0].data"),
            ] {
                let response = try await client.call(.post, "/api/events", key: coreKey, json: Self.events([event]))
                #expect(response.status == 400, "\(event)")
                #expect(response.errorField == field, "\(event): \(response.text)")
            }
            // A refused batch stores nothing: the valid first event of the unknown-org batch is not in the log.
            let logins = try await client.call(.get, "/api/platform/analytics/overview", key: api.ownerKey)
            #expect(logins.json["total_logins_24h"] as? Int == 0)
            #expect(try await Self.auditCount(client, api.ownerKey) == auditBefore)
        }
    }

    @Test func idempotencyKeyRepeatsTheFirstAnswer() async throws {
        let api = try await TestAPI()
        let (_, coreKey) = try await api.user("core@sso", service: true)
        let (_, otherCoreKey) = try await api.user("core2@sso", service: true)
        let key = api.ownerKey
        try await api.run { client in
            let body = Self.events([
                #"{"type":"auth.login.succeeded","user_id":"sub-1"}"#, #"{"type":"audit.settings_changed"}"#,
            ])
            let headers = Self.idempotency("batch-1")
            let auditBefore = try await Self.auditCount(client, key)
            let first = try await client.call(.post, "/api/events", key: coreKey, json: body, headers: headers)
            #expect(first.status == 201)
            let ids = try #require(first.json["ids"] as? [String])
            #expect(ids.count == 2)
            #expect(try await Self.auditCount(client, key) == auditBefore + 1)

            let repeated = try await client.call(.post, "/api/events", key: coreKey, json: body, headers: headers)
            #expect(repeated.status == 201)
            #expect(repeated.json["ids"] as? [String] == ids)
            #expect(try await Self.auditCount(client, key) == auditBefore + 1)
            let overview = try await client.call(.get, "/api/platform/analytics/overview", key: key)
            #expect(overview.json["total_logins_24h"] as? Int == 1)

            // Without the header, or with another key, the batch is stored again.
            let fresh = try await client.call(.post, "/api/events", key: coreKey, json: body,
                                              headers: Self.idempotency("batch-2"))
            #expect(fresh.status == 201)
            #expect(Set(fresh.json["ids"] as? [String] ?? []).isDisjoint(with: ids))
            // The same key from another service is that service's own.
            let otherService = try await client.call(.post, "/api/events", key: otherCoreKey, json: body,
                                                     headers: headers)
            #expect(otherService.status == 201)
            #expect(Set(otherService.json["ids"] as? [String] ?? []).isDisjoint(with: ids))
            #expect(try await Self.auditCount(client, key) == auditBefore + 3)
            let after = try await client.call(.get, "/api/platform/analytics/overview", key: key)
            #expect(after.json["total_logins_24h"] as? Int == 3)

            let tooLong = try await client.call(.post, "/api/events", key: coreKey, json: body,
                                                headers: Self.idempotency(String(repeating: "k", count: 201)))
            #expect(tooLong.status == 400)
            #expect(tooLong.errorField == "Idempotency-Key")
        }
    }

    @Test func mfaEventsDriveTheMFAStatus() async throws {
        let api = try await TestAPI()
        let (bob, _) = try await api.user("bob@acme.example")
        let (_, coreKey) = try await api.user("core@sso", service: true)
        let (_, aliceKey) = try await api.user("alice@acme.example")
        let key = api.ownerKey
        try await api.run { client in
            let status = "/api/platform/users/\(bob.id)/mfa/status"
            let initial = try await client.call(.get, status, key: key)
            #expect(initial.status == 200)
            #expect(initial.json["enabled"] as? Bool == false)
            #expect(initial.json["has_backup_codes"] as? Bool == false)
            #expect(initial.json.keys.sorted() == ["enabled", "has_backup_codes"])

            let notEnabled = try await client.call(.delete, "/api/platform/users/\(bob.id)/mfa", key: key)
            #expect(notEnabled.status == 400)
            #expect(notEnabled.errorCode == "mfa_not_enabled")

            #expect(try await client.call(.post, "/api/events", key: coreKey, json: Self.events([
                #"{"type":"auth.mfa.enrolled","user_id":"\#(bob.id)","data":{"factor":"totp"}}"#,
            ])).status == 201)
            let enrolled = try await client.call(.get, status, key: key)
            #expect(enrolled.json["enabled"] as? Bool == true)
            #expect(enrolled.json["has_backup_codes"] as? Bool == false)

            #expect(try await client.call(.post, "/api/events", key: coreKey, json: Self.events([
                #"{"type":"auth.mfa.backup_codes_generated","user_id":"\#(bob.id)","data":{"count":10}}"#,
            ])).status == 201)
            let withCodes = try await client.call(.get, status, key: key)
            #expect(withCodes.json["enabled"] as? Bool == true)
            #expect(withCodes.json["has_backup_codes"] as? Bool == true)

            #expect(try await client.call(.delete, "/api/platform/users/\(bob.id)/mfa", key: aliceKey).status == 403)
            let disabled = try await client.call(.delete, "/api/platform/users/\(bob.id)/mfa", key: key)
            #expect(disabled.status == 200)
            #expect(disabled.json["success"] as? Bool == true)
            #expect((disabled.json["message"] as? String)?.isEmpty == false)
            let after = try await client.call(.get, status, key: key)
            #expect(after.json["enabled"] as? Bool == false)
            #expect(after.json["has_backup_codes"] as? Bool == false)
            let repeated = try await client.call(.delete, "/api/platform/users/\(bob.id)/mfa", key: key)
            #expect(repeated.status == 400)
            #expect(repeated.errorCode == "mfa_not_enabled")

            // A user's own disable clears both; a subject known only by email is matched by it.
            #expect(try await client.call(.post, "/api/events", key: coreKey, json: Self.events([
                #"{"type":"auth.mfa.enrolled","user_id":"sso-sub-9","email":"Bob@Acme.example"}"#,
            ])).status == 201)
            #expect(try await client.call(.get, status, key: key).json["enabled"] as? Bool == true)
            #expect(try await client.call(.post, "/api/events", key: coreKey, json: Self.events([
                #"{"type":"auth.mfa.disabled","user_id":"\#(bob.id)"}"#,
            ])).status == 201)
            let selfDisabled = try await client.call(.get, status, key: key)
            #expect(selfDisabled.json["enabled"] as? Bool == false)
            #expect(selfDisabled.json["has_backup_codes"] as? Bool == false)

            let unknown = try await client.call(.get, "/api/platform/users/nobody/mfa/status", key: key)
            #expect(unknown.status == 404)
            #expect(unknown.errorCode == "not_found")
            let unknownDelete = try await client.call(.delete, "/api/platform/users/nobody/mfa", key: key)
            #expect(unknownDelete.status == 404)
            #expect(unknownDelete.errorCode == "not_found")
            #expect(try await client.call(.get, status, key: aliceKey).status == 403)
        }
    }

    @Test func riskEventsShowUpAsSuspiciousActivity() async throws {
        let api = try await TestAPI()
        let (_, aliceKey) = try await api.user("alice@acme.example")
        let (_, carlKey) = try await api.user("carl@globex.example")
        let (_, coreKey) = try await api.user("core@sso", service: true)
        let key = api.ownerKey
        try await api.run { client in
            let acme = try await client.call(.post, "/api/organizations", key: aliceKey,
                                             json: #"{"slug":"acme","name":"Acme"}"#)
            let acmeId = try #require(acme.json["id"] as? String)
            let globex = try await client.call(.post, "/api/organizations", key: carlKey,
                                               json: #"{"slug":"globex","name":"Globex"}"#)
            let globexId = try #require(globex.json["id"] as? String)
            let empty = try await client.call(.get, "/api/platform/mfa/suspicious-activity", key: key)
            #expect(empty.status == 200)
            #expect(empty.text.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")

            let ingested = try await client.call(.post, "/api/events", key: coreKey, json: Self.events([
                #"{"type":"risk.suspicious_activity","org_id":"\#(acmeId)","user_id":"sub-1","email":"jane@acme.example","severity":"high","occurred_at":"2025-03-01T08:00:00Z","data":{"alert_type":"MultipleFailures","details":"10 failed MFA attempts in 5 minutes"}}"#,
                #"{"type":"risk.impossible_travel","org_id":"\#(globexId)","user_id":"sub-2","severity":"critical"}"#,
                #"{"type":"auth.login.succeeded","org_id":"\#(acmeId)","user_id":"sub-1"}"#,
            ]))
            #expect(ingested.status == 201)
            let ids = try #require(ingested.json["ids"] as? [String])

            let all = try await client.call(.get, "/api/platform/mfa/suspicious-activity", key: key)
            #expect(all.status == 200)
            #expect(all.array.count == 2)
            #expect(Set(all.array.compactMap { $0["event_id"] as? String }) == Set(ids.prefix(2)))
            let alert = try #require(all.array.first { $0["event_id"] as? String == ids[0] })
            #expect(alert["alert_type"] as? String == "MultipleFailures")
            #expect(alert["severity"] as? String == "high")
            #expect(alert["details"] as? String == "10 failed MFA attempts in 5 minutes")
            #expect(alert["org_id"] as? String == acmeId)
            #expect(alert["user_id"] as? String == "sub-1")
            #expect(alert["email"] as? String == "jane@acme.example")
            #expect(alert["detected_at"] as? String == "2025-03-01T08:00:00Z")
            let travel = try #require(all.array.first { $0["event_id"] as? String == ids[1] })
            #expect(travel["alert_type"] as? String == "impossible_travel")
            #expect(travel["severity"] as? String == "critical")

            let acmeOnly = try await client.call(.get, "/api/platform/mfa/suspicious-activity?org_id=\(acmeId)", key: key)
            #expect(acmeOnly.status == 200)
            #expect(acmeOnly.array.map { $0["event_id"] as? String } == [ids[0]])
            let globexOnly = try await client.call(.get, "/api/platform/mfa/suspicious-activity?org_id=\(globexId)",
                                                   key: key)
            #expect(globexOnly.array.map { $0["event_id"] as? String } == [ids[1]])
            let none = try await client.call(.get, "/api/platform/mfa/suspicious-activity?org_id=unknown", key: key)
            #expect(none.status == 200)
            #expect(none.array.isEmpty)
            let forbidden = try await client.call(.get, "/api/platform/mfa/suspicious-activity", key: aliceKey)
            #expect(forbidden.status == 403)
            #expect(forbidden.errorCode == "forbidden")
        }
    }
}

import Foundation
import HeraldCore
import Hummingbird
import Testing

/// The audit log over HTTP: one event per mutation, the filters, the organization view and what it leaves out.
@Suite struct AuditLogTests {
    /// Today's date (UTC) as `YYYY-MM-DD`.
    static var today: String { String(ISO8601DateFormatter().string(from: Date()).prefix(10)) }

    /// The whole platform audit log, newest first.
    static func platformLog(_ client: TestClient, _ key: String, query: String = "") async throws -> [[String: Any]] {
        let response = try await client.call(.get, "/api/platform/audit-log?limit=1000" + query, key: key)
        #expect(response.status == 200, "\(response.text)")
        return response.array
    }

    /// Runs `mutation` and checks that it answered `status` and added exactly one audit entry, `action` by `actor`
    /// on `targetType`/`targetId` (nil: any non-empty id); returns the new entry.
    @discardableResult
    static func expectOneEvent(
        _ client: TestClient, ownerKey: String, _ action: String, by actor: User, status: Int = 200,
        targetType: String, targetId: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation, _ mutation: () async throws -> TestResponse
    ) async throws -> [String: Any] {
        let before = try await Self.platformLog(client, ownerKey)
        let response = try await mutation()
        #expect(response.status == status, "\(action): \(response.text)", sourceLocation: sourceLocation)
        let after = try await Self.platformLog(client, ownerKey)
        #expect(after.count == before.count + 1, "\(action): \(after.count) after \(before.count)",
                sourceLocation: sourceLocation)
        let entry = try #require(after.first, sourceLocation: sourceLocation)
        // Newest first: the rest of the log is what it was.
        #expect(after.dropFirst().map { $0["id"] as? String } == before.map { $0["id"] as? String },
                sourceLocation: sourceLocation)
        #expect(entry["action"] as? String == action, sourceLocation: sourceLocation)
        #expect(entry["actor_id"] as? String == actor.id, "\(action)", sourceLocation: sourceLocation)
        #expect(entry["actor_email"] as? String == actor.email, "\(action)", sourceLocation: sourceLocation)
        #expect(entry["target_type"] as? String == targetType, "\(action)", sourceLocation: sourceLocation)
        let target = entry["target_id"] as? String
        #expect(target?.isEmpty == false, "\(action)", sourceLocation: sourceLocation)
        if let targetId { #expect(target == targetId, "\(action)", sourceLocation: sourceLocation) }
        #expect((entry["id"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
        #expect((entry["created_at"] as? String).flatMap(Timestamp.parse) != nil, sourceLocation: sourceLocation)
        for key in ["metadata", "ip_address", "user_agent"] {
            #expect(entry.keys.contains(key), "\(action) lacks \(key)", sourceLocation: sourceLocation)
        }
        return entry
    }

    /// Runs a mutation that must be refused with `status` and checks that the audit log did not change.
    static func expectNoEvent(
        _ client: TestClient, ownerKey: String, status: Int, code: String,
        sourceLocation: SourceLocation = #_sourceLocation, _ mutation: () async throws -> TestResponse
    ) async throws {
        let before = try await Self.platformLog(client, ownerKey)
        let response = try await mutation()
        #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
        #expect(response.errorCode == code, sourceLocation: sourceLocation)
        let after = try await Self.platformLog(client, ownerKey)
        #expect(after.map { $0["id"] as? String } == before.map { $0["id"] as? String }, sourceLocation: sourceLocation)
    }

    @Test func everyMutationRecordsExactlyOneEvent() async throws {
        let api = try await TestAPI()
        let (alice, aliceKey) = try await api.user("alice@acme.example")
        let (bob, bobKey) = try await api.user("bob@acme.example")
        let (dave, daveKey) = try await api.user("dave@acme.example")
        let (erin, _) = try await api.user("erin@example.com")
        let (_, coreKey) = try await api.user("core@sso", service: true)
        let owner = try #require(try await api.store.user(email: "admin@localhost"))
        let key = api.ownerKey
        try await api.run { client in
            // Tiers.
            try await Self.expectOneEvent(client, ownerKey: key, "tier.created", by: owner, status: 201,
                                     targetType: "tier", targetId: "pro") {
                try await client.call(.post, "/api/platform/tiers", key: key, json: #"{"id":"pro","display_name":"Pro"}"#)
            }
            try await Self.expectOneEvent(client, ownerKey: key, "tier.updated", by: owner, targetType: "tier",
                                     targetId: "pro") {
                try await client.call(.patch, "/api/platform/tiers/pro", key: key, json: #"{"max_users":50}"#)
            }
            try await Self.expectOneEvent(client, ownerKey: key, "tier.created", by: owner, status: 201,
                                     targetType: "tier", targetId: "temp") {
                try await client.call(.post, "/api/platform/tiers", key: key, json: #"{"id":"temp","display_name":"T"}"#)
            }
            try await Self.expectOneEvent(client, ownerKey: key, "tier.deleted", by: owner, status: 204,
                                     targetType: "tier", targetId: "temp") {
                try await client.call(.delete, "/api/platform/tiers/temp", key: key)
            }

            // The organization's lifecycle.
            var orgId = ""
            let created = try await Self.expectOneEvent(client, ownerKey: key, "organization.created", by: alice,
                                                   status: 201, targetType: "organization") {
                let response = try await client.call(.post, "/api/organizations", key: aliceKey,
                                                     json: #"{"slug":"acme","name":"Acme"}"#)
                orgId = response.json["id"] as? String ?? ""
                return response
            }
            #expect(created["target_id"] as? String == orgId)
            #expect((created["metadata"] as? [String: Any])?["slug"] as? String == "acme")
            try await Self.expectOneEvent(client, ownerKey: key, "organization.approved", by: owner, targetType: "organization",
                                     targetId: orgId) {
                try await client.call(.post, "/api/platform/organizations/\(orgId)/approve", key: key,
                                      json: #"{"tier_id":"pro"}"#)
            }
            try await Self.expectOneEvent(client, ownerKey: key, "organization.suspended", by: owner,
                                     targetType: "organization", targetId: orgId) {
                try await client.call(.post, "/api/platform/organizations/\(orgId)/suspend", key: key)
            }
            try await Self.expectOneEvent(client, ownerKey: key, "organization.activated", by: owner,
                                     targetType: "organization", targetId: orgId) {
                try await client.call(.post, "/api/platform/organizations/\(orgId)/activate", key: key)
            }
            try await Self.expectOneEvent(client, ownerKey: key, "organization.tier_updated", by: owner,
                                     targetType: "organization", targetId: orgId) {
                try await client.call(.patch, "/api/platform/organizations/\(orgId)/tier", key: key,
                                      json: #"{"tier_id":"pro","max_users":20}"#)
            }
            try await Self.expectOneEvent(client, ownerKey: key, "organization.updated", by: alice,
                                     targetType: "organization", targetId: orgId) {
                try await client.call(.patch, "/api/organizations/acme", key: aliceKey, json: #"{"name":"Acme Inc."}"#)
            }

            // Members and invitations.
            let added = try await Self.expectOneEvent(client, ownerKey: key, "member.added", by: alice, status: 201,
                                                 targetType: "user", targetId: bob.id) {
                try await client.call(.post, "/api/organizations/acme/members", key: aliceKey,
                                      json: #"{"email":"bob@acme.example","role":"member"}"#)
            }
            #expect((added["metadata"] as? [String: Any])?["role"] as? String == "member")
            try await Self.expectOneEvent(client, ownerKey: key, "member.role_updated", by: alice, targetType: "user",
                                     targetId: bob.id) {
                try await client.call(.patch, "/api/organizations/acme/members/\(bob.id)", key: aliceKey,
                                      json: #"{"role":"admin"}"#)
            }
            var invitationId = ""
            try await Self.expectOneEvent(client, ownerKey: key, "invitation.created", by: alice, status: 201,
                                     targetType: "invitation") {
                let response = try await client.call(.post, "/api/organizations/acme/invitations", key: aliceKey,
                                                     json: #"{"email":"carol@acme.example","role":"member"}"#)
                invitationId = response.json["id"] as? String ?? ""
                return response
            }
            try await Self.expectOneEvent(client, ownerKey: key, "invitation.revoked", by: alice, status: 204,
                                     targetType: "invitation", targetId: invitationId) {
                try await client.call(.delete, "/api/organizations/acme/invitations/\(invitationId)", key: aliceKey)
            }
            var token = ""
            let invited = try await Self.expectOneEvent(client, ownerKey: key, "invitation.created", by: bob, status: 201,
                                                   targetType: "invitation") {
                let response = try await client.call(.post, "/api/organizations/acme/invitations", key: bobKey,
                                                     json: #"{"email":"dave@acme.example","role":"member"}"#)
                token = response.json["token"] as? String ?? ""
                return response
            }
            try await Self.expectOneEvent(client, ownerKey: key, "invitation.accepted", by: dave, targetType: "invitation",
                                     targetId: invited["target_id"] as? String) {
                try await client.call(.post, "/api/invitations/accept", key: daveKey, json: #"{"token":"\#(token)"}"#)
            }
            try await Self.expectOneEvent(client, ownerKey: key, "organization.ownership_transferred", by: alice,
                                     targetType: "organization", targetId: orgId) {
                try await client.call(.post, "/api/organizations/acme/members/transfer-ownership", key: aliceKey,
                                      json: #"{"new_owner_id":"\#(bob.id)"}"#)
            }
            try await Self.expectOneEvent(client, ownerKey: key, "member.removed", by: bob, status: 204, targetType: "user",
                                     targetId: dave.id) {
                try await client.call(.delete, "/api/organizations/acme/members/\(dave.id)", key: bobKey)
            }

            // Platform owners, API keys and MFA.
            try await Self.expectOneEvent(client, ownerKey: key, "platform.owner_promoted", by: owner, targetType: "user",
                                     targetId: erin.id) {
                try await client.call(.post, "/api/platform/owners", key: key, json: #"{"user_id":"\#(erin.id)"}"#)
            }
            try await Self.expectOneEvent(client, ownerKey: key, "platform.owner_demoted", by: owner, status: 204,
                                     targetType: "user", targetId: erin.id) {
                try await client.call(.delete, "/api/platform/owners/\(erin.id)", key: key)
            }
            var keyId = ""
            var secret = ""
            let keyCreated = try await Self.expectOneEvent(client, ownerKey: key, "apikey.created", by: alice, status: 201,
                                                      targetType: "api_key") {
                let response = try await client.call(.post, "/api/me/api-keys", key: aliceKey, json: #"{"name":"ci"}"#)
                keyId = response.json["id"] as? String ?? ""
                secret = response.json["key"] as? String ?? ""
                return response
            }
            #expect(keyCreated["target_id"] as? String == keyId)
            // The event names the key, never its secret.
            let keyMetadata = try #require(keyCreated["metadata"] as? [String: Any])
            #expect(keyMetadata["name"] as? String == "ci")
            #expect((keyMetadata["prefix"] as? String).map { secret.hasPrefix($0) } == true)
            #expect(!secret.isEmpty)
            #expect(!String(decoding: try JSONSerialization.data(withJSONObject: keyMetadata), as: UTF8.self)
                .contains(secret))
            try await Self.expectOneEvent(client, ownerKey: key, "apikey.revoked", by: alice, status: 204,
                                     targetType: "api_key", targetId: keyId) {
                try await client.call(.delete, "/api/me/api-keys/\(keyId)", key: aliceKey)
            }
            // An ingested auth.* event adds nothing to the audit log …
            let before = try await Self.platformLog(client, key)
            let enrolled = try await client.call(.post, "/api/events", key: coreKey,
                                                 json: #"{"events":[{"type":"auth.mfa.enrolled","user_id":"\#(dave.id)"}]}"#)
            #expect(enrolled.status == 201)
            #expect(try await Self.platformLog(client, key).count == before.count)
            // … the force-disable that it enables adds one.
            try await Self.expectOneEvent(client, ownerKey: key, "user.mfa_force_disabled", by: owner, targetType: "user",
                                     targetId: dave.id) {
                try await client.call(.delete, "/api/platform/users/\(dave.id)/mfa", key: key)
            }

            // Refused mutations add nothing.
            try await Self.expectNoEvent(client, ownerKey: key, status: 400, code: "invalid_state") {
                try await client.call(.post, "/api/platform/organizations/\(orgId)/approve", key: key,
                                      json: #"{"tier_id":"pro"}"#)
            }
            try await Self.expectNoEvent(client, ownerKey: key, status: 400, code: "invalid_state") {
                try await client.call(.post, "/api/platform/organizations/\(orgId)/activate", key: key)
            }
            try await Self.expectNoEvent(client, ownerKey: key, status: 409, code: "already_exists") {
                try await client.call(.post, "/api/platform/tiers", key: key, json: #"{"id":"pro","display_name":"Pro"}"#)
            }
            try await Self.expectNoEvent(client, ownerKey: key, status: 403, code: "forbidden") {
                try await client.call(.patch, "/api/organizations/acme/members/\(alice.id)", key: aliceKey,
                                      json: #"{"role":"member"}"#)
            }
            try await Self.expectNoEvent(client, ownerKey: key, status: 400, code: "mfa_not_enabled") {
                try await client.call(.delete, "/api/platform/users/\(dave.id)/mfa", key: key)
            }
            try await Self.expectNoEvent(client, ownerKey: key, status: 409, code: "in_use") {
                try await client.call(.delete, "/api/platform/tiers/pro", key: key)
            }

            // Rejecting and deleting a second organization.
            let (carl, carlKey) = try await api.user("carl@globex.example")
            let globex = try await client.call(.post, "/api/organizations", key: carlKey,
                                               json: #"{"slug":"globex","name":"Globex"}"#)
            let globexId = try #require(globex.json["id"] as? String)
            #expect(try await Self.platformLog(client, key).first?["actor_id"] as? String == carl.id)
            try await Self.expectOneEvent(client, ownerKey: key, "organization.rejected", by: owner,
                                     targetType: "organization", targetId: globexId) {
                try await client.call(.post, "/api/platform/organizations/\(globexId)/reject", key: key,
                                      json: #"{"reason":"No"}"#)
            }
            let deleted = try await client.call(.delete, "/api/platform/organizations/\(globexId)", key: key)
            #expect(deleted.status == 200)
            #expect(deleted.json["success"] as? Bool == true)
            let last = try #require(try await Self.platformLog(client, key).first)
            #expect(last["action"] as? String == "organization.deleted")
            #expect(last["actor_id"] as? String == owner.id)
            #expect(last["target_type"] as? String == "organization")
            #expect(last["target_id"] as? String == globexId)
        }
    }

    @Test func platformAuditLogFilters() async throws {
        let api = try await TestAPI()
        let (alice, aliceKey) = try await api.user("alice@acme.example")
        let owner = try #require(try await api.store.user(email: "admin@localhost"))
        let key = api.ownerKey
        try await api.run { client in
            _ = try await client.call(.post, "/api/platform/tiers", key: key, json: #"{"id":"pro","display_name":"Pro"}"#)
            _ = try await client.call(.post, "/api/platform/tiers", key: key, json: #"{"id":"gold","display_name":"Gold"}"#)
            let created = try await client.call(.post, "/api/organizations", key: aliceKey,
                                                json: #"{"slug":"acme","name":"Acme"}"#)
            let orgId = try #require(created.json["id"] as? String)
            _ = try await client.call(.post, "/api/platform/organizations/\(orgId)/approve", key: key,
                                      json: #"{"tier_id":"pro"}"#)
            for email in ["m1@acme.example", "m2@acme.example", "m3@acme.example"] {
                #expect(try await client.call(.post, "/api/organizations/acme/members", key: aliceKey,
                                             json: #"{"email":"\#(email)","role":"member"}"#).status == 201)
            }
            let all = try await Self.platformLog(client, key)
            // The bootstrap key and the test user's key (by the system), two tiers, created, approved, three members.
            #expect(all.count == 9)
            #expect(all.map { $0["action"] as? String }.prefix(7) == [
                "member.added", "member.added", "member.added", "organization.approved", "organization.created",
                "tier.created", "tier.created",
            ])

            let byAction = try await Self.platformLog(client, key, query: "&action=member.added")
            #expect(byAction.count == 3)
            #expect(byAction.allSatisfy { $0["action"] as? String == "member.added" })
            let byActor = try await Self.platformLog(client, key, query: "&actor_id=\(alice.id)")
            #expect(byActor.count == 4)
            #expect(byActor.allSatisfy { $0["actor_id"] as? String == alice.id })
            let byOwner = try await Self.platformLog(client, key, query: "&actor_id=\(owner.id)")
            #expect(byOwner.map { $0["action"] as? String } == ["organization.approved", "tier.created", "tier.created"])
            let byTargetType = try await Self.platformLog(client, key, query: "&target_type=tier")
            #expect(byTargetType.map { $0["target_id"] as? String } == ["gold", "pro"])
            let byTarget = try await Self.platformLog(client, key, query: "&target_id=\(orgId)")
            #expect(byTarget.map { $0["action"] as? String } == ["organization.approved", "organization.created"])
            let combined = try await Self.platformLog(
                client, key, query: "&target_type=organization&action=organization.created&actor_id=\(alice.id)")
            #expect(combined.map { $0["target_id"] as? String } == [orgId])
            let none = try await Self.platformLog(client, key, query: "&action=organization.deleted")
            #expect(none.isEmpty)

            // Dates: a plain end_date includes its whole day.
            let future = try await Self.platformLog(client, key, query: "&start_date=2999-01-01")
            #expect(future.isEmpty)
            let past = try await Self.platformLog(client, key, query: "&end_date=2000-01-01")
            #expect(past.isEmpty)
            let today = try await Self.platformLog(client, key, query: "&start_date=\(Self.today)&end_date=\(Self.today)")
            #expect(today.count == all.count)
            let sinceNow = try await Self.platformLog(client, key, query: "&start_date=2000-01-01T00:00:00Z")
            #expect(sinceNow.count == all.count)

            // Paging, newest first.
            let page2 = try await client.call(.get, "/api/platform/audit-log?limit=2&page=2", key: key)
            #expect(page2.status == 200)
            #expect(page2.array.map { $0["id"] as? String } == all[2..<4].map { $0["id"] as? String })
            let page5 = try await client.call(.get, "/api/platform/audit-log?limit=2&page=5", key: key)
            #expect(page5.array.map { $0["id"] as? String } == all[8...].map { $0["id"] as? String })
            let beyond = try await client.call(.get, "/api/platform/audit-log?limit=2&page=6", key: key)
            #expect(beyond.status == 200)
            #expect(beyond.array.isEmpty)
            #expect(beyond.text.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
            let byDefault = try await client.call(.get, "/api/platform/audit-log", key: key)
            #expect(byDefault.array.count == all.count)

            // Refusals.
            for (query, field) in [
                ("limit=1001", "limit"), ("limit=0", "limit"), ("limit=ten", "limit"), ("page=0", "page"),
                ("start_date=2025-13-01", "start_date"), ("end_date=yesterday", "end_date"),
                ("start_date=2025-02-02&end_date=2025-02-01", "start_date"),
                ("start_date=2025-02-01T12:00:00Z&end_date=2025-02-01T11:00:00Z", "start_date"),
                ("action=\(String(repeating: "a", count: 201))", "action"),
            ] {
                let response = try await client.call(.get, "/api/platform/audit-log?\(query)", key: key)
                #expect(response.status == 400, "\(query)")
                #expect(response.errorCode == "invalid_query_parameter", "\(query)")
                #expect(response.errorField == field, "\(query)")
                #expect(response.errorMessage?.isEmpty == false)
            }
            // The same day as both bounds is a valid range.
            #expect(try await client.call(.get, "/api/platform/audit-log?start_date=2025-02-01&end_date=2025-02-01",
                                         key: key).status == 200)
            let forbidden = try await client.call(.get, "/api/platform/audit-log", key: aliceKey)
            #expect(forbidden.status == 403)
            #expect(forbidden.errorCode == "forbidden")
            let anonymous = try await client.call(.get, "/api/platform/audit-log", key: nil)
            #expect(anonymous.status == 401)
            #expect(anonymous.errorCode == "unauthorized")
        }
    }

    @Test func organizationAuditLogShowsOnlyItsOwnEvents() async throws {
        let api = try await TestAPI()
        let (alice, aliceKey) = try await api.user("alice@acme.example")
        let (_, bobKey) = try await api.user("bob@acme.example")
        let (_, memberKey) = try await api.user("mia@acme.example")
        let (carl, carlKey) = try await api.user("carl@globex.example")
        try await api.run { client in
            let acme = try await client.call(.post, "/api/organizations", key: aliceKey,
                                             json: #"{"slug":"acme","name":"Acme"}"#)
            let acmeId = try #require(acme.json["id"] as? String)
            let globex = try await client.call(.post, "/api/organizations", key: carlKey,
                                               json: #"{"slug":"globex","name":"Globex"}"#)
            let globexId = try #require(globex.json["id"] as? String)
            _ = try await client.call(.post, "/api/organizations/acme/members", key: aliceKey,
                                      json: #"{"email":"bob@acme.example","role":"admin"}"#)
            _ = try await client.call(.post, "/api/organizations/acme/members", key: aliceKey,
                                      json: #"{"email":"mia@acme.example","role":"member"}"#)
            _ = try await client.call(.post, "/api/organizations/acme/invitations", key: aliceKey,
                                      json: #"{"email":"zoe@acme.example","role":"member"}"#)
            _ = try await client.call(.patch, "/api/organizations/acme", key: aliceKey, json: #"{"name":"Acme 2"}"#)
            _ = try await client.call(.post, "/api/organizations/globex/members", key: carlKey,
                                      json: #"{"email":"gus@globex.example","role":"member"}"#)
            _ = try await client.call(.post, "/api/platform/tiers", key: api.ownerKey,
                                      json: #"{"id":"pro","display_name":"Pro"}"#)

            let acmeLog = try await client.call(.get, "/api/organizations/acme/audit-logs", key: aliceKey)
            #expect(acmeLog.status == 200)
            #expect(acmeLog.array.map { $0["action"] as? String } == [
                "organization.updated", "invitation.created", "member.added", "member.added", "organization.created",
            ])
            #expect(acmeLog.array.allSatisfy { ($0["target_id"] as? String) != globexId })
            #expect(acmeLog.array.last?["target_id"] as? String == acmeId)
            #expect(acmeLog.array.last?["actor_id"] as? String == alice.id)
            // An admin reads it too, with the same filters as the platform log.
            let byAdmin = try await client.call(.get, "/api/organizations/acme/audit-logs?action=member.added&limit=1",
                                                key: bobKey)
            #expect(byAdmin.status == 200)
            #expect(byAdmin.array.count == 1)
            #expect(byAdmin.array.first?["action"] as? String == "member.added")
            let page2 = try await client.call(.get, "/api/organizations/acme/audit-logs?limit=2&page=2", key: bobKey)
            #expect(page2.array.map { $0["id"] as? String } == acmeLog.array[2..<4].map { $0["id"] as? String })
            let future = try await client.call(.get, "/api/organizations/acme/audit-logs?start_date=2999-01-01",
                                               key: bobKey)
            #expect(future.status == 200)
            #expect(future.array.isEmpty)
            let tooMany = try await client.call(.get, "/api/organizations/acme/audit-logs?limit=1001", key: bobKey)
            #expect(tooMany.status == 400)
            #expect(tooMany.errorField == "limit")
            // Filtering by another organization's target finds nothing here.
            let foreign = try await client.call(.get, "/api/organizations/acme/audit-logs?target_id=\(globexId)",
                                                key: aliceKey)
            #expect(foreign.status == 200)
            #expect(foreign.array.isEmpty)

            let globexLog = try await client.call(.get, "/api/organizations/globex/audit-logs", key: carlKey)
            #expect(globexLog.status == 200)
            #expect(globexLog.array.map { $0["action"] as? String } == ["member.added", "organization.created"])
            #expect(globexLog.array.allSatisfy { $0["actor_id"] as? String == carl.id })

            let byMember = try await client.call(.get, "/api/organizations/acme/audit-logs", key: memberKey)
            #expect(byMember.status == 403)
            #expect(byMember.errorCode == "forbidden")
            let byOutsider = try await client.call(.get, "/api/organizations/acme/audit-logs", key: carlKey)
            #expect(byOutsider.status == 404)
            #expect(byOutsider.errorCode == "not_found")
            // A platform owner who is not a member does not see it either (the platform log is theirs).
            let byPlatformOwner = try await client.call(.get, "/api/organizations/acme/audit-logs", key: api.ownerKey)
            #expect(byPlatformOwner.status == 404)
            let missing = try await client.call(.get, "/api/organizations/nope/audit-logs", key: aliceKey)
            #expect(missing.status == 404)
            #expect(missing.errorCode == "not_found")
        }
    }

    @Test func ingestedAuthAndRiskEventsStayOutOfTheAuditLog() async throws {
        let api = try await TestAPI()
        let (_, aliceKey) = try await api.user("alice@acme.example")
        let (core, coreKey) = try await api.user("core@sso", service: true)
        let key = api.ownerKey
        try await api.run { client in
            let acme = try await client.call(.post, "/api/organizations", key: aliceKey,
                                             json: #"{"slug":"acme","name":"Acme"}"#)
            let orgId = try #require(acme.json["id"] as? String)
            let before = try await Self.platformLog(client, key)
            let orgBefore = try await client.call(.get, "/api/organizations/acme/audit-logs", key: aliceKey).array
            let ingested = try await client.call(.post, "/api/events", key: coreKey, json: """
                {"events":[
                  {"type":"auth.login.succeeded","org_id":"\(orgId)","user_id":"sub-1"},
                  {"type":"auth.login.failed","org_id":"\(orgId)","user_id":"sub-2"},
                  {"type":"auth.mfa.failed","org_id":"\(orgId)","user_id":"sub-1","severity":"high"},
                  {"type":"risk.suspicious_activity","org_id":"\(orgId)","user_id":"sub-1","severity":"high"},
                  {"type":"risk.impossible_travel","user_id":"sub-1"},
                  {"type":"audit.settings_changed","org_id":"\(orgId)","user_id":"sub-3","data":{"setting":"mfa"}},
                  {"type":"audit.platform_note"}
                ]}
                """)
            #expect(ingested.status == 201)
            let ids = try #require(ingested.json["ids"] as? [String])
            #expect(ids.count == 7)

            let after = try await Self.platformLog(client, key)
            #expect(after.count == before.count + 2)
            #expect(after.prefix(2).map { $0["action"] as? String } == ["audit.platform_note", "audit.settings_changed"])
            #expect(after.prefix(2).map { $0["id"] as? String } == [ids[6], ids[5]])
            let settings = after[1]
            #expect(settings["actor_id"] as? String == core.id)
            #expect(settings["actor_email"] as? String == "core@sso")
            #expect(settings["target_type"] as? String == "user")
            #expect(settings["target_id"] as? String == "sub-3")
            #expect((settings["metadata"] as? [String: Any])?["setting"] as? String == "mfa")
            #expect(!after.contains { ($0["action"] as? String)?.hasPrefix("auth.") == true })
            #expect(!after.contains { ($0["action"] as? String)?.hasPrefix("risk.") == true })
            // Filtering for an ingested auth type finds nothing either.
            #expect(try await Self.platformLog(client, key, query: "&action=auth.login.succeeded").isEmpty)
            #expect(try await Self.platformLog(client, key, query: "&action=risk.suspicious_activity").isEmpty)

            let orgAfter = try await client.call(.get, "/api/organizations/acme/audit-logs", key: aliceKey).array
            #expect(orgAfter.count == orgBefore.count + 1)
            #expect(orgAfter.first?["action"] as? String == "audit.settings_changed")
        }
    }
}

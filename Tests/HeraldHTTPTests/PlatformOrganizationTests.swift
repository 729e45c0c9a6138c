import Foundation
import HeraldCore
import Testing

@Suite struct PlatformOrganizationTests {
    /// Creates a pending organization owned by a new user; returns its id and the owner's key.
    static func pendingOrganization(_ api: TestAPI, _ client: TestClient, slug: String) async throws
        -> (id: String, ownerKey: String)
    {
        let (_, key) = try await api.user("owner-\(slug)@example.com")
        let created = try await client.call(.post, "/api/organizations", key: key,
                                            json: #"{"slug":"\#(slug)","name":"Org \#(slug)"}"#)
        #expect(created.status == 201)
        #expect(created.json["status"] as? String == "pending")
        return (try #require(created.json["id"] as? String), key)
    }

    @Test func lifecycleTransitionsAndTheirRefusals() async throws {
        let api = try await TestAPI()
        try await api.run { client in
            let key = api.ownerKey
            #expect(try await client.call(.post, "/api/platform/tiers", key: key,
                                         json: #"{"id":"pro","display_name":"Pro"}"#).status == 201)
            let (id, _) = try await Self.pendingOrganization(api, client, slug: "acme")
            let base = "/api/platform/organizations/\(id)"

            // Only pending organizations may be suspended? No: suspend needs active.
            let early = try await client.call(.post, base + "/suspend", key: key)
            #expect(early.status == 400)
            #expect(early.errorCode == "invalid_state")
            #expect(early.errorMessage?.contains("current status: pending") == true)
            #expect(try await client.call(.post, base + "/activate", key: key).status == 400)

            let unknownTier = try await client.call(.post, base + "/approve", key: key, json: #"{"tier_id":"nope"}"#)
            #expect(unknownTier.status == 400)
            #expect(unknownTier.errorField == "tier_id")

            let approved = try await client.call(.post, base + "/approve", key: key, json: #"{"tier_id":"pro"}"#)
            #expect(approved.status == 200)
            #expect(approved.json["status"] as? String == "active")
            #expect(approved.json["tier_id"] as? String == "pro")
            #expect(approved.json["approved_at"] is String)

            let again = try await client.call(.post, base + "/approve", key: key, json: #"{"tier_id":"pro"}"#)
            #expect(again.status == 400)
            #expect(again.errorMessage?.contains("current status: active") == true)
            #expect(try await client.call(.post, base + "/reject", key: key, json: #"{"reason":"x"}"#).status == 400)

            let suspended = try await client.call(.post, base + "/suspend", key: key)
            #expect(suspended.json["status"] as? String == "suspended")
            #expect(try await client.call(.post, base + "/suspend", key: key).status == 400)
            let activated = try await client.call(.post, base + "/activate", key: key)
            #expect(activated.json["status"] as? String == "active")

            let (other, _) = try await Self.pendingOrganization(api, client, slug: "globex")
            let rejected = try await client.call(.post, "/api/platform/organizations/\(other)/reject", key: key,
                                                 json: #"{"reason":"Name violates the terms"}"#)
            #expect(rejected.json["status"] as? String == "rejected")
            #expect(rejected.json["rejection_reason"] as? String == "Name violates the terms")
            #expect(try await client.call(.post, "/api/platform/organizations/\(other)/approve", key: key,
                                         json: #"{"tier_id":"pro"}"#).status == 400)

            let missing = try await client.call(.post, "/api/platform/organizations/nope/suspend", key: key)
            #expect(missing.status == 404)
            #expect(missing.errorCode == "not_found")
        }
    }

    @Test func updateTierDeleteAndListing() async throws {
        let api = try await TestAPI()
        try await api.run { client in
            let key = api.ownerKey
            _ = try await client.call(.post, "/api/platform/tiers", key: key, json: #"{"id":"pro","display_name":"Pro"}"#)
            let (id, _) = try await Self.pendingOrganization(api, client, slug: "acme")
            let unknown = try await client.call(.patch, "/api/platform/organizations/\(id)/tier", key: key,
                                                json: #"{"tier_id":"gold"}"#)
            #expect(unknown.status == 404)
            let updated = try await client.call(.patch, "/api/platform/organizations/\(id)/tier", key: key,
                                                json: #"{"tier_id":"pro","max_users":5,"max_services":2}"#)
            #expect(updated.status == 200)
            #expect(updated.json["max_users"] as? Int == 5)
            #expect(try await client.call(.delete, "/api/platform/tiers/pro", key: key).errorCode == "in_use")

            let list = try await client.call(.get, "/api/platform/organizations?tier_id=pro&limit=5", key: key)
            #expect(list.json["total"] as? Int == 1)
            #expect(list.json["limit"] as? Int == 5)
            let first = try #require((list.json["organizations"] as? [[String: Any]])?.first)
            #expect(first["owner_email"] as? String == "owner-acme@example.com")
            #expect((first["tier"] as? [String: Any])?["id"] as? String == "pro")
            #expect(try await client.call(.get, "/api/platform/organizations?limit=101", key: key).status == 400)
            #expect(try await client.call(.get, "/api/platform/organizations?status=bogus", key: key).errorField == "status")
            #expect(try await client.call(.get, "/api/platform/organizations?page=0", key: key).status == 400)

            let deleted = try await client.call(.delete, "/api/platform/organizations/\(id)", key: key)
            #expect(deleted.status == 200)
            #expect(deleted.json["success"] as? Bool == true)
            #expect(try await client.call(.get, "/api/platform/organizations/\(id)", key: key).status == 404)
            #expect(try await client.call(.delete, "/api/platform/tiers/pro", key: key).status == 204)
        }
    }

    @Test func platformRoutesNeedAPlatformOwner() async throws {
        let api = try await TestAPI()
        let (_, key) = try await api.user("plain@example.com")
        try await api.run { client in
            for path in ["/api/platform/tiers", "/api/platform/organizations", "/api/platform/users",
                         "/api/platform/audit-log", "/api/platform/analytics/overview", "/api/platform/api-keys"] {
                let response = try await client.call(.get, path, key: key)
                #expect(response.status == 403, "\(path)")
                #expect(response.errorCode == "forbidden")
            }
        }
    }

    @Test func platformOwnersCannotDemoteThemselvesOrTheLastOwner() async throws {
        let api = try await TestAPI()
        let (second, secondKey) = try await api.user("second@example.com")
        try await api.run { client in
            let me = try await client.call(.get, "/api/me", key: api.ownerKey)
            let ownerId = try #require(me.json["id"] as? String)
            let selfDemotion = try await client.call(.delete, "/api/platform/owners/\(ownerId)", key: api.ownerKey)
            #expect(selfDemotion.status == 400)
            #expect(selfDemotion.errorCode == "self_demotion")
            let notOwner = try await client.call(.delete, "/api/platform/owners/\(second.id)", key: api.ownerKey)
            #expect(notOwner.errorCode == "not_platform_owner")
            #expect(try await client.call(.post, "/api/platform/owners", key: api.ownerKey,
                                         json: #"{"user_id":"\#(second.id)"}"#).status == 200)
            let twice = try await client.call(.post, "/api/platform/owners", key: api.ownerKey,
                                              json: #"{"user_id":"\#(second.id)"}"#)
            #expect(twice.errorCode == "already_platform_owner")
            #expect(try await client.call(.post, "/api/platform/owners", key: api.ownerKey,
                                         json: #"{"user_id":"nobody"}"#).status == 404)
            #expect(try await client.call(.delete, "/api/platform/owners/\(ownerId)", key: secondKey).status == 204)
            // `second` is now the last owner; nobody else may demote it and it may not demote itself.
            let last = try await client.call(.delete, "/api/platform/owners/\(second.id)", key: secondKey)
            #expect(last.status == 400)
        }
    }

    @Test func tierValidationAndBodyLimits() async throws {
        let api = try await TestAPI { $0.limits.maxBodyBytes = 200 }
        try await api.run { client in
            let key = api.ownerKey
            let missing = try await client.call(.post, "/api/platform/tiers", key: key, json: #"{"id":"x"}"#)
            #expect(missing.status == 400)
            #expect(missing.errorField == "display_name")
            let wrongType = try await client.call(.post, "/api/platform/tiers", key: key,
                                                  json: #"{"display_name":"X","max_users":"ten"}"#)
            #expect(wrongType.errorField == "max_users")
            let negative = try await client.call(.post, "/api/platform/tiers", key: key,
                                                 json: #"{"display_name":"X","max_users":-1}"#)
            #expect(negative.errorField == "max_users")
            let malformed = try await client.call(.post, "/api/platform/tiers", key: key, json: #"{"display_name":"#)
            #expect(malformed.status == 400)
            #expect(malformed.errorCode == "invalid_json")
            let big = String(repeating: "x", count: 300)
            let tooLarge = try await client.call(.post, "/api/platform/tiers", key: key,
                                                 json: #"{"display_name":"\#(big)"}"#)
            #expect(tooLarge.status == 413)
            #expect(tooLarge.errorCode == "payload_too_large")
            let created = try await client.call(.post, "/api/platform/tiers", key: key,
                                                json: #"{"id":"gold","display_name":"Gold","max_users":10}"#)
            #expect(created.status == 201)
            #expect(try await client.call(.post, "/api/platform/tiers", key: key,
                                         json: #"{"id":"gold","display_name":"Gold"}"#).status == 409)
            let cleared = try await client.call(.patch, "/api/platform/tiers/gold", key: key, json: #"{"max_users":null}"#)
            #expect(cleared.status == 200)
            #expect(cleared.json["max_users"] is NSNull)
            #expect(try await client.call(.get, "/api/platform/tiers/none", key: key).status == 404)
        }
    }
}

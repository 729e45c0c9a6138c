import Foundation
import HeraldCore
import Hummingbird
import Testing

/// API keys (`/api/me/api-keys`, `/api/platform/api-keys`), the event catalogue and the platform user listing.
@Suite struct APIKeyTests {
    @Test func createListUseAndRevokeMyKey() async throws {
        let api = try await TestAPI()
        let (alice, aliceKey) = try await api.user("alice@acme.example")
        try await api.run { client in
            let created = try await client.call(.post, "/api/me/api-keys", key: aliceKey, json: #"{"name":"ci"}"#)
            #expect(created.status == 201)
            let secret = try #require(created.json["key"] as? String)
            #expect(secret.hasPrefix("hk_"))
            let id = try #require(created.json["id"] as? String)
            #expect(created.json["name"] as? String == "ci")
            #expect(created.json["user_id"] as? String == alice.id)
            let prefix = try #require(created.json["prefix"] as? String)
            #expect(prefix.hasPrefix("hk_"))
            #expect(secret.hasPrefix(prefix))
            #expect(prefix.count < secret.count)
            #expect((created.json["created_at"] as? String).flatMap(Timestamp.parse) != nil)
            #expect(created.json["last_used_at"] is NSNull)

            let listed = try await client.call(.get, "/api/me/api-keys", key: aliceKey)
            #expect(listed.status == 200)
            #expect(listed.array.count == 2)
            let entry = try #require(listed.array.first { $0["id"] as? String == id })
            #expect(entry["key"] == nil)
            #expect(entry["name"] as? String == "ci")
            #expect(entry["prefix"] as? String == prefix)
            #expect(!listed.text.contains(secret))

            // The new key authenticates as its user.
            let me = try await client.call(.get, "/api/me", key: secret)
            #expect(me.status == 200)
            #expect(me.json["id"] as? String == alice.id)
            #expect(me.json["email"] as? String == "alice@acme.example")
            let used = try await client.call(.get, "/api/me/api-keys", key: aliceKey)
            #expect((used.array.first { $0["id"] as? String == id }?["last_used_at"] as? String).flatMap(Timestamp.parse)
                    != nil)

            let revoked = try await client.call(.delete, "/api/me/api-keys/\(id)", key: aliceKey)
            #expect(revoked.status == 204)
            #expect(revoked.body.isEmpty)
            let refused = try await client.call(.get, "/api/me", key: secret)
            #expect(refused.status == 401)
            #expect(refused.errorCode == "unauthorized")
            let again = try await client.call(.delete, "/api/me/api-keys/\(id)", key: aliceKey)
            #expect(again.status == 404)
            #expect(again.errorCode == "not_found")
            let remaining = try await client.call(.get, "/api/me/api-keys", key: aliceKey)
            #expect(remaining.array.count == 1)
            #expect(remaining.array.allSatisfy { $0["id"] as? String != id })

            // A key may revoke itself; it stops working at once.
            let selfKey = try await client.call(.post, "/api/me/api-keys", key: aliceKey, json: #"{"name":"self"}"#)
            let selfSecret = try #require(selfKey.json["key"] as? String)
            let selfId = try #require(selfKey.json["id"] as? String)
            #expect(try await client.call(.delete, "/api/me/api-keys/\(selfId)", key: selfSecret).status == 204)
            #expect(try await client.call(.get, "/api/me/api-keys", key: selfSecret).status == 401)
        }
    }

    @Test func createValidatesTheName() async throws {
        let api = try await TestAPI()
        let (_, aliceKey) = try await api.user("alice@acme.example")
        try await api.run { client in
            let missing = try await client.call(.post, "/api/me/api-keys", key: aliceKey, json: #"{}"#)
            #expect(missing.status == 400)
            #expect(missing.errorField == "name")
            let empty = try await client.call(.post, "/api/me/api-keys", key: aliceKey, json: #"{"name":""}"#)
            #expect(empty.status == 400)
            #expect(empty.errorField == "name")
            let wrongType = try await client.call(.post, "/api/me/api-keys", key: aliceKey, json: #"{"name":5}"#)
            #expect(wrongType.status == 400)
            #expect(wrongType.errorField == "name")
            let anonymous = try await client.call(.post, "/api/me/api-keys", key: nil, json: #"{"name":"x"}"#)
            #expect(anonymous.status == 401)
            #expect(anonymous.errorCode == "unauthorized")
            #expect(try await client.call(.get, "/api/me/api-keys", key: aliceKey).array.count == 1)
        }
    }

    @Test func anotherUsersKeyIsNotFound() async throws {
        let api = try await TestAPI()
        let (_, aliceKey) = try await api.user("alice@acme.example")
        let (bob, bobKey) = try await api.user("bob@acme.example")
        try await api.run { client in
            let bobKeys = try await client.call(.get, "/api/me/api-keys", key: bobKey)
            #expect(bobKeys.array.count == 1)
            let bobKeyId = try #require(bobKeys.array.first?["id"] as? String)
            #expect(bobKeys.array.first?["user_id"] as? String == bob.id)
            let foreign = try await client.call(.delete, "/api/me/api-keys/\(bobKeyId)", key: aliceKey)
            #expect(foreign.status == 404)
            #expect(foreign.errorCode == "not_found")
            // Not even a platform owner revokes another user's key through /api/me.
            #expect(try await client.call(.delete, "/api/me/api-keys/\(bobKeyId)", key: api.ownerKey).status == 404)
            let unknown = try await client.call(.delete, "/api/me/api-keys/does-not-exist", key: aliceKey)
            #expect(unknown.status == 404)
            #expect(unknown.errorCode == "not_found")
            let stillWorks = try await client.call(.get, "/api/me", key: bobKey)
            #expect(stillWorks.status == 200)
            #expect(stillWorks.json["id"] as? String == bob.id)
        }
    }

    @Test func platformOwnersListAndRevokeEveryKey() async throws {
        let api = try await TestAPI()
        let (alice, aliceKey) = try await api.user("alice@acme.example")
        let (_, bobKey) = try await api.user("bob@acme.example")
        try await api.run { client in
            let all = try await client.call(.get, "/api/platform/api-keys", key: api.ownerKey)
            #expect(all.status == 200)
            // The bootstrap key and the two users' keys.
            #expect(all.array.count == 3)
            #expect(all.array.allSatisfy { $0["key"] == nil })
            #expect(Set(all.array.compactMap { $0["name"] as? String }) == ["bootstrap", "test"])
            #expect(!all.text.contains(aliceKey))
            let aliceEntry = try #require(all.array.first { $0["user_id"] as? String == alice.id })
            let aliceKeyId = try #require(aliceEntry["id"] as? String)

            let byUser = try await client.call(.get, "/api/platform/api-keys", key: aliceKey)
            #expect(byUser.status == 403)
            #expect(byUser.errorCode == "forbidden")
            let deleteByUser = try await client.call(.delete, "/api/platform/api-keys/\(aliceKeyId)", key: bobKey)
            #expect(deleteByUser.status == 403)
            #expect(deleteByUser.errorCode == "forbidden")

            let revoked = try await client.call(.delete, "/api/platform/api-keys/\(aliceKeyId)", key: api.ownerKey)
            #expect(revoked.status == 204)
            let refused = try await client.call(.get, "/api/me", key: aliceKey)
            #expect(refused.status == 401)
            #expect(refused.errorCode == "unauthorized")
            let after = try await client.call(.get, "/api/platform/api-keys", key: api.ownerKey)
            #expect(after.array.count == 2)
            #expect(!after.array.contains { $0["id"] as? String == aliceKeyId })
            let missing = try await client.call(.delete, "/api/platform/api-keys/\(aliceKeyId)", key: api.ownerKey)
            #expect(missing.status == 404)
            #expect(missing.errorCode == "not_found")
            #expect(try await client.call(.get, "/api/me", key: bobKey).status == 200)
        }
    }

    /// Every type of API.md's "Event types" that this increment emits.
    static let emittedTypes = [
        "organization.created", "organization.updated", "organization.approved", "organization.rejected",
        "organization.suspended", "organization.activated", "organization.tier_updated", "organization.deleted",
        "organization.ownership_transferred", "member.added", "member.role_updated", "member.removed",
        "invitation.created", "invitation.accepted", "invitation.revoked", "tier.created", "tier.updated",
        "tier.deleted", "platform.owner_promoted", "platform.owner_demoted", "user.mfa_force_disabled",
        "apikey.created", "apikey.revoked",
    ]

    @Test func eventTypeCatalogue() async throws {
        let api = try await TestAPI()
        let (_, aliceKey) = try await api.user("alice@acme.example")
        try await api.run { client in
            let catalogue = try await client.call(.get, "/api/event-types", key: aliceKey)
            #expect(catalogue.status == 200)
            let entries = catalogue.array
            let byType = Dictionary(entries.map { ($0["type"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            #expect(byType.count == entries.count, "duplicate types")
            for type in Self.emittedTypes {
                let entry = try #require(byType[type], "\(type) is missing")
                #expect((entry["description"] as? String)?.isEmpty == false, "\(type)")
                #expect(entry["example"] is [String: Any], "\(type)")
                #expect(entry.keys.sorted() == ["description", "example", "type"], "\(type)")
            }
            // The ingested login types are described too.
            for type in ["auth.login.succeeded", "auth.login.failed", "risk.suspicious_activity"] {
                #expect(byType[type] != nil, "\(type)")
            }
            #expect((byType["organization.approved"]?["example"] as? [String: Any])?["tier_id"] is String)
            let anonymous = try await client.call(.get, "/api/event-types", key: nil)
            #expect(anonymous.status == 401)
            #expect(anonymous.errorCode == "unauthorized")
        }
    }

    @Test func platformUserListingAndSearch() async throws {
        let api = try await TestAPI()
        // A few milliseconds apart, so that creation order is listing order.
        try await Task.sleep(for: .milliseconds(3))
        let (alice, aliceKey) = try await api.user("alice@acme.example")
        try await Task.sleep(for: .milliseconds(3))
        let (bob, _) = try await api.user("bob@globex.example")
        try await Task.sleep(for: .milliseconds(3))
        let (carol, _) = try await api.user("carol_x@acme.example")
        let key = api.ownerKey
        try await api.run { client in
            let all = try await client.call(.get, "/api/platform/users", key: key)
            #expect(all.status == 200)
            #expect(all.json["total"] as? Int == 4)
            let users = try #require(all.json["users"] as? [[String: Any]])
            #expect(users.count == 4)
            #expect(users.map { $0["email"] as? String } == [
                "admin@localhost", "alice@acme.example", "bob@globex.example", "carol_x@acme.example",
            ])
            let first = try #require(users.first)
            #expect(first.keys.sorted() == ["created_at", "email", "id", "is_platform_owner"])
            #expect(first["is_platform_owner"] as? Bool == true)
            #expect(users[1]["is_platform_owner"] as? Bool == false)

            let page = try await client.call(.get, "/api/platform/users?limit=2&offset=1", key: key)
            #expect(page.status == 200)
            #expect(page.json["total"] as? Int == 4)
            #expect((page.json["users"] as? [[String: Any]])?.map { $0["id"] as? String } == [alice.id, bob.id])
            let past = try await client.call(.get, "/api/platform/users?offset=10", key: key)
            #expect((past.json["users"] as? [[String: Any]])?.isEmpty == true)
            #expect(past.json["total"] as? Int == 4)
            for (query, field) in [("limit=101", "limit"), ("limit=0", "limit"), ("offset=-1", "offset"),
                                   ("limit=abc", "limit")] {
                let response = try await client.call(.get, "/api/platform/users?\(query)", key: key)
                #expect(response.status == 400, "\(query)")
                #expect(response.errorCode == "invalid_query_parameter", "\(query)")
                #expect(response.errorField == field, "\(query)")
            }

            let acme = try await client.call(.get, "/api/platform/users/search?q=acme", key: key)
            #expect(acme.status == 200)
            #expect(acme.array.map { $0["id"] as? String } == [alice.id, carol.id])
            let limited = try await client.call(.get, "/api/platform/users/search?q=acme&limit=1", key: key)
            #expect(limited.array.map { $0["id"] as? String } == [alice.id])
            let exact = try await client.call(.get, "/api/platform/users/search?q=bob@globex.example", key: key)
            #expect(exact.array.map { $0["id"] as? String } == [bob.id])
            let encoded = try await client.call(.get, "/api/platform/users/search?q=bob%40globex", key: key)
            #expect(encoded.array.map { $0["id"] as? String } == [bob.id])
            let byId = try await client.call(.get, "/api/platform/users/search?q=\(bob.id)", key: key)
            #expect(byId.array.map { $0["id"] as? String } == [bob.id])
            // `_` and `%` are literal characters, not wildcards.
            let underscore = try await client.call(.get, "/api/platform/users/search?q=_", key: key)
            #expect(underscore.array.map { $0["id"] as? String } == [carol.id])
            let percent = try await client.call(.get, "/api/platform/users/search?q=%25", key: key)
            #expect(percent.status == 200)
            #expect(percent.array.isEmpty)
            let nothing = try await client.call(.get, "/api/platform/users/search?q=nobody", key: key)
            #expect(nothing.status == 200)
            #expect(nothing.text.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")

            for (query, field) in [("", "q"), ("q=", "q"), ("q=acme&limit=51", "limit"), ("q=acme&limit=0", "limit")] {
                let response = try await client.call(.get, "/api/platform/users/search?\(query)", key: key)
                #expect(response.status == 400, "\(query)")
                #expect(response.errorCode == "invalid_query_parameter", "\(query)")
                #expect(response.errorField == field, "\(query)")
            }
            #expect(try await client.call(.get, "/api/platform/users/search?q=acme&limit=50", key: key).status == 200)
            let forbidden = try await client.call(.get, "/api/platform/users/search?q=acme", key: aliceKey)
            #expect(forbidden.status == 403)
            #expect(forbidden.errorCode == "forbidden")
        }
    }
}

import Foundation
import HeraldCore
import Hummingbird
import Testing

@Suite struct MembershipTests {
    @Test func rolesDecideWhoMayManageMembers() async throws {
        let api = try await TestAPI()
        let (_, ownerKey) = try await api.user("owner@acme.example")
        let (admin, adminKey) = try await api.user("admin@acme.example")
        let (member, memberKey) = try await api.user("member@acme.example")
        try await api.run { client in
            #expect(try await client.call(.post, "/api/organizations", key: ownerKey,
                                         json: #"{"slug":"acme","name":"Acme"}"#).status == 201)
            let addAdmin = try await client.call(.post, "/api/organizations/acme/members", key: ownerKey,
                                                 json: #"{"email":"admin@acme.example","role":"admin"}"#)
            #expect(addAdmin.status == 201)
            #expect(addAdmin.json["user_id"] as? String == admin.id)
            #expect(try await client.call(.post, "/api/organizations/acme/members", key: adminKey,
                                         json: #"{"email":"member@acme.example","role":"member"}"#).status == 201)
            let duplicate = try await client.call(.post, "/api/organizations/acme/members", key: adminKey,
                                                  json: #"{"email":"member@acme.example","role":"member"}"#)
            #expect(duplicate.status == 409)

            let byMember = try await client.call(.post, "/api/organizations/acme/members", key: memberKey,
                                                 json: #"{"email":"x@acme.example","role":"member"}"#)
            #expect(byMember.status == 403)
            #expect(try await client.call(.get, "/api/organizations/acme/members", key: memberKey).json["total"] as? Int == 3)
            let grantOwner = try await client.call(.post, "/api/organizations/acme/members", key: ownerKey,
                                                   json: #"{"email":"y@acme.example","role":"owner"}"#)
            #expect(grantOwner.status == 400)
            #expect(grantOwner.errorField == "role")
            let badRole = try await client.call(.post, "/api/organizations/acme/members", key: ownerKey,
                                                json: #"{"email":"y@acme.example","role":"king"}"#)
            #expect(badRole.status == 400)

            // Only the owner updates roles.
            #expect(try await client.call(.patch, "/api/organizations/acme/members/\(member.id)", key: adminKey,
                                         json: #"{"role":"admin"}"#).status == 403)
            let promoted = try await client.call(.patch, "/api/organizations/acme/members/\(member.id)",
                                                 key: ownerKey, json: #"{"role":"admin"}"#)
            #expect(promoted.json["role"] as? String == "admin")
            #expect(try await client.call(.patch, "/api/organizations/acme/members/\(member.id)", key: ownerKey,
                                         json: #"{"role":"owner"}"#).status == 400)

            // The owner cannot be removed; a member may leave.
            let me = try await client.call(.get, "/api/me", key: ownerKey)
            let ownerId = try #require(me.json["id"] as? String)
            let removeOwner = try await client.call(.delete, "/api/organizations/acme/members/\(ownerId)", key: adminKey)
            #expect(removeOwner.status == 400)
            #expect(try await client.call(.delete, "/api/organizations/acme/members/\(member.id)", key: memberKey).status == 204)

            // Transfer: the old owner becomes admin.
            let transfer = try await client.call(.post, "/api/organizations/acme/members/transfer-ownership",
                                                 key: ownerKey, json: #"{"new_owner_id":"\#(admin.id)"}"#)
            #expect(transfer.status == 200)
            let members = try await client.call(.get, "/api/organizations/acme/members", key: adminKey)
            let roles = Dictionary(uniqueKeysWithValues: (members.json["members"] as? [[String: Any]] ?? []).map {
                ($0["user_id"] as? String ?? "", $0["role"] as? String ?? "")
            })
            #expect(roles[admin.id] == "owner")
            #expect(roles[ownerId] == "admin")
            #expect(try await client.call(.delete, "/api/organizations/acme", key: ownerKey).status == 403)
            #expect(try await client.call(.delete, "/api/organizations/acme", key: adminKey).status == 204)
        }
    }

    @Test func otherOrganizationsAnswer404() async throws {
        let api = try await TestAPI()
        let (_, aKey) = try await api.user("a@a.example")
        let (b, bKey) = try await api.user("b@b.example")
        try await api.run { client in
            _ = try await client.call(.post, "/api/organizations", key: aKey, json: #"{"slug":"org-a","name":"A"}"#)
            _ = try await client.call(.post, "/api/organizations", key: bKey, json: #"{"slug":"org-b","name":"B"}"#)
            for (method, path) in [
                (HTTPRequest.Method.get, "/api/organizations/org-b"),
                (.get, "/api/organizations/org-b/members"),
                (.get, "/api/organizations/org-b/audit-logs"),
                (.delete, "/api/organizations/org-b/members/\(b.id)"),
                (.get, "/api/organizations/does-not-exist"),
            ] {
                let response = try await client.call(method, path, key: aKey)
                #expect(response.status == 404, "\(path)")
                #expect(response.errorCode == "not_found")
            }
            let mine = try await client.call(.get, "/api/organizations", key: aKey)
            #expect(mine.array.map { $0["slug"] as? String } == ["org-a"])
            #expect(mine.array.first?["role"] as? String == "owner")
        }
    }

    @Test func tierLimitRefusesAddAndAccept() async throws {
        let api = try await TestAPI()
        let (_, ownerKey) = try await api.user("owner@small.example")
        let (_, lateKey) = try await api.user("late@small.example")
        try await api.run { client in
            let created = try await client.call(.post, "/api/organizations", key: ownerKey,
                                                json: #"{"slug":"small","name":"Small"}"#)
            let id = try #require(created.json["id"] as? String)
            _ = try await client.call(.post, "/api/platform/tiers", key: api.ownerKey,
                                      json: #"{"id":"tiny","display_name":"Tiny","max_users":2}"#)
            _ = try await client.call(.post, "/api/platform/organizations/\(id)/approve", key: api.ownerKey,
                                      json: #"{"tier_id":"tiny"}"#)
            let invitation = try await client.call(.post, "/api/organizations/small/invitations", key: ownerKey,
                                                   json: #"{"email":"late@small.example","role":"member"}"#)
            let token = try #require(invitation.json["token"] as? String)
            #expect(try await client.call(.post, "/api/organizations/small/members", key: ownerKey,
                                         json: #"{"email":"second@small.example","role":"member"}"#).status == 201)
            let full = try await client.call(.post, "/api/organizations/small/members", key: ownerKey,
                                             json: #"{"email":"third@small.example","role":"member"}"#)
            #expect(full.status == 403)
            #expect(full.errorCode == "limit_reached")
            #expect(full.errorMessage?.contains("max_users") == true)
            let accept = try await client.call(.post, "/api/invitations/accept", key: lateKey, json: #"{"token":"\#(token)"}"#)
            #expect(accept.status == 403)
            #expect(accept.errorCode == "limit_reached")
        }
    }

    @Test func invitationsAreAcceptedOnceByTheInvitedAddress() async throws {
        let api = try await TestAPI()
        let (_, ownerKey) = try await api.user("owner@inv.example")
        let (_, janeKey) = try await api.user("jane@inv.example")
        let (_, eveKey) = try await api.user("eve@inv.example")
        try await api.run { client in
            _ = try await client.call(.post, "/api/organizations", key: ownerKey, json: #"{"slug":"inv","name":"Inv"}"#)
            let invitation = try await client.call(.post, "/api/organizations/inv/invitations", key: ownerKey,
                                                   json: #"{"email":"Jane@inv.example","role":"admin","message":"hi"}"#)
            #expect(invitation.status == 201)
            #expect(invitation.json["email"] as? String == "jane@inv.example")
            let token = try #require(invitation.json["token"] as? String)
            let listed = try await client.call(.get, "/api/organizations/inv/invitations", key: ownerKey)
            #expect(listed.array.count == 1)
            #expect(listed.array.first?["token"] == nil)
            #expect(try await client.call(.post, "/api/invitations/accept", key: eveKey,
                                         json: #"{"token":"\#(token)"}"#).status == 403)
            #expect(try await client.call(.post, "/api/invitations/accept", key: janeKey,
                                         json: #"{"token":"hinv_unknown"}"#).status == 404)
            let accepted = try await client.call(.post, "/api/invitations/accept", key: janeKey,
                                                 json: #"{"token":"\#(token)"}"#)
            #expect(accepted.status == 200)
            #expect((accepted.json["member"] as? [String: Any])?["role"] as? String == "admin")
            let reused = try await client.call(.post, "/api/invitations/accept", key: janeKey, json: #"{"token":"\#(token)"}"#)
            #expect(reused.status == 410)

            let second = try await client.call(.post, "/api/organizations/inv/invitations", key: ownerKey,
                                               json: #"{"email":"bob@inv.example","role":"member"}"#)
            let secondId = try #require(second.json["id"] as? String)
            #expect(try await client.call(.delete, "/api/organizations/inv/invitations/\(secondId)", key: ownerKey).status == 204)
            #expect(try await client.call(.delete, "/api/organizations/inv/invitations/\(secondId)", key: ownerKey).status == 400)
        }
    }
}

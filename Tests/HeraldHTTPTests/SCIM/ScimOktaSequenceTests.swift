import Foundation
import HeraldCore
import Hummingbird
import Testing

/// Okta's provisioning flow as its SCIM 2.0 documentation lays it out: look the user up by `userName`, create it,
/// read it, replace it (OIN profile push), deactivate and reactivate it with a path-less PATCH, then push a group.
@Suite struct ScimOktaSequenceTests {
    static let userName = "jane.doe@okta.example"

    static var oktaUser: [String: Any] {
        [
            "schemas": [ScimTestURN.user], "userName": userName,
            "name": ["givenName": "Jane", "familyName": "Doe"],
            "emails": [["primary": true, "value": userName, "type": "work"]],
            "displayName": "Jane Doe", "locale": "en-US", "externalId": "00u1ab2cd3EfGh4iJ5k6",
            "groups": [], "password": "1mz050nq", "active": true,
        ]
    }

    @Test func userLifecycle() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("okta")
            let lookup = "filter=\(ScimHarness.encode("userName eq \"\(Self.userName)\""))&startIndex=1&count=100"

            // 1. The lookup before creation: an empty ListResponse with an integer totalResults.
            let empty = try await h.scim(.get, "/Users?\(lookup)", token: org.token)
            #expect(empty.status == 200)
            #expect(empty.isListResponse)
            #expect(empty.totalResults == 0, "\(empty.text)")
            #expect(empty.resources.isEmpty)
            #expect(empty.json["Resources"] is [Any])
            #expect(empty.integer("startIndex") == 1)
            #expect(empty.integer("itemsPerPage") == 0)
            #expect(empty.contentType?.hasPrefix("application/scim+json") == true)

            // 2. Create: 201 with the resource, never the password, `groups: []` ignored.
            let created = try await h.scim(.post, "/Users", token: org.token, Self.oktaUser)
            #expect(created.status == 201, "\(created.text)")
            let id = try #require(created.id)
            #expect(created.json["userName"] as? String == Self.userName)
            #expect(created.active == true)
            #expect(created.json["password"] == nil)
            #expect(created.json["externalId"] as? String == "00u1ab2cd3EfGh4iJ5k6")
            #expect((created.json["name"] as? [String: Any])?["givenName"] as? String == "Jane")
            #expect((created.json["emails"] as? [[String: Any]])?.first?["value"] as? String == Self.userName)
            #expect((created.json["emails"] as? [[String: Any]])?.first?["primary"] as? Bool == true)
            #expect(created.json["schemas"] as? [String] == [ScimTestURN.user])
            let meta = try #require(created.json["meta"] as? [String: Any])
            #expect(meta["resourceType"] as? String == "User")
            #expect((meta["location"] as? String)?.hasSuffix("/scim/v2/Users/\(id)") == true)
            #expect(meta["version"] as? String == "W/\"1\"")
            #expect(created.etag == "W/\"1\"")
            #expect(created.headers[.location]?.hasSuffix("/scim/v2/Users/\(id)") == true)
            #expect(created.contentType?.hasPrefix("application/scim+json") == true)

            // 3. A second create with the same userName: 409 uniqueness.
            let again = try await h.scim(.post, "/Users", token: org.token, Self.oktaUser)
            #expect(again.status == 409)
            #expect(again.isScimError)
            #expect(again.scimType == "uniqueness")

            // 4. Read it back by id and by the lookup filter, whatever the case of userName.
            let read = try await h.scim(.get, "/Users/\(id)", token: org.token)
            #expect(read.status == 200)
            #expect(read.id == id)
            #expect(read.json["userName"] as? String == Self.userName)
            let found = try await h.scim(.get, "/Users?\(lookup)", token: org.token)
            #expect(found.totalResults == 1)
            #expect(found.resourceIds == [id])
            let upper = try await h.list("/Users", token: org.token, filter: "userName eq \"\(Self.userName.uppercased())\"")
            #expect(upper.status == 200)
            #expect(upper.resourceIds == [id])

            // 5. PUT (OIN profile update): every attribute replaced; what is not sent is gone.
            var replacement = Self.oktaUser
            replacement["id"] = id
            replacement["name"] = ["givenName": "Janet", "familyName": "Doe"]
            replacement["locale"] = nil
            replacement["title"] = "Engineer"
            replacement["password"] = nil
            let put = try await h.scim(.put, "/Users/\(id)", token: org.token, replacement)
            #expect(put.status == 200, "\(put.text)")
            #expect((put.json["name"] as? [String: Any])?["givenName"] as? String == "Janet")
            #expect(put.json["title"] as? String == "Engineer")
            #expect(put.json["locale"] == nil)
            #expect(put.etag == "W/\"2\"")
            let afterPut = try await h.scim(.get, "/Users/\(id)", token: org.token)
            #expect((afterPut.json["name"] as? [String: Any])?["givenName"] as? String == "Janet")
            #expect(afterPut.json["locale"] == nil)

            // 6. Deactivation: Okta's path-less replace of `active`.
            let deactivated = try await h.patch("/Users/\(id)", token: org.token,
                                                [["op": "replace", "value": ["active": false]]])
            #expect(deactivated.status == 200, "\(deactivated.text)")
            #expect(deactivated.active == false)
            let inactive = try await h.scim(.get, "/Users/\(id)", token: org.token)
            #expect(inactive.status == 200)
            #expect(inactive.active == false)
            #expect(inactive.json["userName"] as? String == Self.userName)
            let stillFound = try await h.scim(.get, "/Users?\(lookup)", token: org.token)
            #expect(stillFound.totalResults == 1)
            #expect(stillFound.resources.first?["active"] as? Bool == false)
            let byActive = try await h.list("/Users", token: org.token, filter: "active eq false")
            #expect(byActive.resourceIds == [id])

            // 7. Reactivation.
            let reactivated = try await h.patch("/Users/\(id)", token: org.token,
                                                [["op": "replace", "value": ["active": true]]])
            #expect(reactivated.status == 200)
            #expect(reactivated.active == true)
            #expect(try await h.scim(.get, "/Users/\(id)", token: org.token).active == true)
            #expect(try await h.list("/Users", token: org.token, filter: "active eq false").totalResults == 0)

            let types = try await h.events(org).map(\.type)
            #expect(types == [
                "directory.user.created", "directory.user.updated", "directory.user.deactivated",
                "directory.user.reactivated",
            ])
        }
    }

    @Test func groupPush() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("okta")
            let jane = try await h.createUser(org, "jane@okta.example", ["displayName": "Jane"])
            let john = try await h.createUser(org, "john@okta.example")

            let created = try await h.scim(.post, "/Groups", token: org.token, [
                "schemas": [ScimTestURN.group], "displayName": "Engineering", "members": [],
            ])
            #expect(created.status == 201, "\(created.text)")
            let gid = try #require(created.id)
            #expect(created.json["displayName"] as? String == "Engineering")
            #expect(created.members.isEmpty)
            #expect((created.json["meta"] as? [String: Any])?["resourceType"] as? String == "Group")

            // Members pushed without `type`: the server finds out they are users.
            let added = try await h.patch("/Groups/\(gid)", token: org.token, [[
                "op": "add", "path": "members",
                "value": [["value": jane, "display": "jane@okta.example"], ["value": john, "display": "john@okta.example"]],
            ]])
            #expect(added.status == 200 || added.status == 204, "\(added.text)")
            let group = try await h.scim(.get, "/Groups/\(gid)", token: org.token)
            #expect(group.memberIds == [jane, john])
            #expect(group.members.allSatisfy { $0["type"] as? String == "User" })
            #expect(group.members.first { $0["value"] as? String == jane }?["display"] as? String == "jane@okta.example")
            let janeGroups = try await h.scim(.get, "/Users/\(jane)", token: org.token).json["groups"] as? [[String: Any]]
            #expect(janeGroups?.map { $0["value"] as? String } == [gid])
            #expect(janeGroups?.first?["display"] as? String == "Engineering")

            // Okta's rename: a path-less replace carrying the read-only `id`.
            let renamed = try await h.patch("/Groups/\(gid)", token: org.token,
                                            [["op": "replace", "value": ["id": gid, "displayName": "Engineering Team"]]])
            #expect(renamed.status == 200, "\(renamed.text)")
            #expect(renamed.json["displayName"] as? String == "Engineering Team")
            #expect(renamed.id == gid)
            let afterRename = try await h.scim(.get, "/Groups/\(gid)", token: org.token)
            #expect(afterRename.json["displayName"] as? String == "Engineering Team")
            #expect(afterRename.memberIds == [jane, john])
            let renamedRef = try await h.scim(.get, "/Users/\(jane)", token: org.token).json["groups"] as? [[String: Any]]
            #expect(renamedRef?.first?["display"] as? String == "Engineering Team")
            #expect(try await h.list("/Groups", token: org.token, filter: "displayName eq \"Engineering Team\"")
                .resourceIds == [gid])

            // Removal of one member by filter.
            let removed = try await h.patch("/Groups/\(gid)", token: org.token,
                                            [["op": "remove", "path": "members[value eq \"\(jane)\"]"]])
            #expect(removed.status == 200 || removed.status == 204, "\(removed.text)")
            #expect(try await h.scim(.get, "/Groups/\(gid)", token: org.token).memberIds == [john])
            #expect(try await h.scim(.get, "/Users/\(jane)", token: org.token).json["groups"] == nil)

            // Replace with [] clears the membership.
            let cleared = try await h.patch("/Groups/\(gid)", token: org.token,
                                            [["op": "replace", "path": "members", "value": []]])
            #expect(cleared.status == 200 || cleared.status == 204, "\(cleared.text)")
            let empty = try await h.scim(.get, "/Groups/\(gid)", token: org.token)
            #expect(empty.status == 200)
            #expect(empty.memberIds.isEmpty)
            #expect(try await h.scim(.get, "/Users/\(john)", token: org.token).json["groups"] == nil)

            // Delete, then it is gone.
            let deleted = try await h.scim(.delete, "/Groups/\(gid)", token: org.token)
            #expect(deleted.status == 204)
            #expect(deleted.body.isEmpty)
            let gone = try await h.scim(.get, "/Groups/\(gid)", token: org.token)
            #expect(gone.status == 404)
            #expect(gone.isScimError)
            #expect(try await h.list("/Groups", token: org.token).totalResults == 0)
            #expect(try await h.scim(.get, "/Users/\(jane)", token: org.token).status == 200)

            let types = try await h.events(org).map(\.type).filter { $0.hasPrefix("directory.group") }
            #expect(types == [
                "directory.group.created", "directory.group.user_added", "directory.group.updated",
                "directory.group.user_removed", "directory.group.user_removed", "directory.group.deleted",
            ])
        }
    }
}

import Foundation
import HeraldCore
import Hummingbird
import Testing

/// The acceptance criterion: a token of organization A cannot read, find, patch or delete anything of organization
/// B (404 or an empty list), through ids, filters, searches and Bulk; and tokens and organizations that are not in
/// good standing are refused.
@Suite struct ScimTenancyTests {
    /// Two active organizations, each with a user and a group holding that user.
    struct TwoTenants {
        let a, b: ScimOrg
        let aUser, aGroup, bUser, bGroup: String

        init(_ h: ScimHarness) async throws {
            a = try await h.organization("alpha")
            b = try await h.organization("beta", createTier: false)
            aUser = try await h.createUser(a, "ann@alpha.example", [
                "emails": [["value": "ann@alpha.example", "type": "work"]], "externalId": "ext-ann",
            ])
            bUser = try await h.createUser(b, "bob@beta.example", [
                "emails": [["value": "bob@beta.example", "type": "work"]], "externalId": "ext-bob",
                "title": "Beta Only", "displayName": "Bob Beta",
            ])
            aGroup = try await h.createGroup(a, "Alpha Team", members: [aUser])
            bGroup = try await h.createGroup(b, "Beta Team", members: [bUser])
        }
    }

    @Test func readsFiltersAndSearchesNeverReachAnotherOrganization() async throws {
        try await ScimHarness.run { h in
            let t = try await TwoTenants(h)
            let token = t.a.token
            for path in ["/Users/\(t.bUser)", "/Groups/\(t.bGroup)", "/Users/\(t.bGroup)", "/Groups/\(t.bUser)",
                         "/Users/\(t.bUser)?attributes=userName"] {
                let response = try await h.scim(.get, path, token: token)
                #expect(response.status == 404, "\(path)")
                #expect(response.isScimError, "\(path): \(response.text)")
                #expect(response.json["status"] as? String == "404")
                #expect(!response.text.contains("bob@beta.example"))
            }
            let userFilters = [
                "userName eq \"bob@beta.example\"", "userName eq \"BOB@BETA.EXAMPLE\"", "id eq \"\(t.bUser)\"",
                "emails.value eq \"bob@beta.example\"", "emails[value eq \"bob@beta.example\"]",
                "externalId eq \"ext-bob\"", "userName sw \"bob\"", "userName co \"beta\"", "title eq \"Beta Only\"",
                "displayName eq \"Bob Beta\"", "emails[type eq \"work\" and value co \"beta\"]",
                "id eq \"\(t.bUser)\" or userName eq \"bob@beta.example\"", "not (userName eq \"ann@alpha.example\")",
            ]
            for filter in userFilters {
                let response = try await h.list("/Users", token: token, filter: filter)
                #expect(response.status == 200, "\(filter): \(response.text)")
                #expect(response.totalResults == 0, "\(filter): \(response.text)")
                #expect(response.resources.isEmpty, "\(filter)")
            }
            for filter in ["displayName eq \"Beta Team\"", "id eq \"\(t.bGroup)\"", "members.value eq \"\(t.bUser)\"",
                           "members[value eq \"\(t.bUser)\"]", "displayName co \"Beta\""] {
                let response = try await h.list("/Groups", token: token, filter: filter)
                #expect(response.status == 200, "\(filter): \(response.text)")
                #expect(response.totalResults == 0, "\(filter): \(response.text)")
            }
            // Unfiltered lists, cursors and sorting hold A's resources only.
            #expect(try await h.list("/Users", token: token).resourceIds == [t.aUser])
            #expect(try await h.list("/Groups", token: token).resourceIds == [t.aGroup])
            #expect(try await h.list("/Users", token: token, query: "cursor=&count=10").resourceIds == [t.aUser])
            #expect(try await h.list("/Users", token: token, query: "sortBy=title&count=10").resourceIds == [t.aUser])

            // .search, at the root and per type.
            let search: (String) -> [String: Any] = { ["schemas": [ScimTestURN.searchRequest], "filter": $0] }
            for (path, filter) in [
                ("/.search", "userName eq \"bob@beta.example\""), ("/.search", "id eq \"\(t.bUser)\""),
                ("/.search", "displayName eq \"Beta Team\""), ("/.search", "externalId eq \"ext-bob\""),
                ("/Users/.search", "emails.value eq \"bob@beta.example\""), ("/Users/.search", "id eq \"\(t.bUser)\""),
                ("/Groups/.search", "id eq \"\(t.bGroup)\""), ("/Groups/.search", "members.value eq \"\(t.bUser)\""),
            ] {
                let response = try await h.scim(.post, path, token: token, search(filter))
                #expect(response.status == 200, "\(path) \(filter): \(response.text)")
                #expect(response.totalResults == 0, "\(path) \(filter): \(response.text)")
            }
            let everything = try await h.scim(.post, "/.search", token: token, ["schemas": [ScimTestURN.searchRequest]])
            #expect(everything.totalResults == 2)
            #expect(Set(everything.resourceIds) == [t.aUser, t.aGroup])

            // B's token sees B's own resources (the fixture is not empty by accident).
            #expect(try await h.list("/Users", token: t.b.token, filter: "userName eq \"bob@beta.example\"")
                .resourceIds == [t.bUser])
            #expect(try await h.list("/Groups", token: t.b.token, filter: "members.value eq \"\(t.bUser)\"")
                .resourceIds == [t.bGroup])
            // The same userName may exist in both organizations.
            let twin = try await h.scim(.post, "/Users", token: token, ScimHarness.userBody("bob@beta.example"))
            #expect(twin.status == 201, "\(twin.text)")
            #expect(twin.id != t.bUser)

            // The admin views of the directory and the request log are per organization too.
            let endUsers = try await h.admin.call(.get, "/api/organizations/alpha/end-users", key: t.a.ownerKey)
            let endUserIds = (endUsers.json["end_users"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(Set(endUserIds) == Set([t.aUser, twin.id].compactMap { $0 }))
            #expect(try await h.admin.call(.get, "/api/organizations/alpha/end-users/\(t.bUser)", key: t.a.ownerKey)
                .status == 404)
            for (org, other) in [(t.a, t.b), (t.b, t.a)] {
                let lines = try await h.requestLog(org, atLeast: 1)
                #expect(!lines.isEmpty)
                #expect(lines.allSatisfy { ($0["token_prefix"] as? String).map { org.token.hasPrefix($0) } == true })
                #expect(lines.allSatisfy { ($0["token_prefix"] as? String).map { !other.token.hasPrefix($0) } == true })
            }
        }
    }

    @Test func writesToAnotherOrganizationAreNotFoundAndChangeNothing() async throws {
        try await ScimHarness.run { h in
            let t = try await TwoTenants(h)
            let token = t.a.token
            let beforeUser = try await h.scim(.get, "/Users/\(t.bUser)", token: t.b.token)
            let beforeGroup = try await h.scim(.get, "/Groups/\(t.bGroup)", token: t.b.token)
            let patchOp: [String: Any] = ["schemas": [ScimTestURN.patchOp], "Operations": [
                ["op": "replace", "value": ["active": false, "displayName": "Hijacked"]],
            ]]
            let requests: [(HTTPRequest.Method, String, Any?)] = [
                (.put, "/Users/\(t.bUser)", ScimHarness.userBody("hijacked@alpha.example")),
                (.patch, "/Users/\(t.bUser)", patchOp),
                (.put, "/Groups/\(t.bGroup)", ["schemas": [ScimTestURN.group], "displayName": "Hijacked", "members": []]),
                (.patch, "/Groups/\(t.bGroup)", ["schemas": [ScimTestURN.patchOp], "Operations": [
                    ["op": "replace", "path": "members", "value": [["value": t.aUser]]]]]),
                (.patch, "/Groups/\(t.bGroup)", ["schemas": [ScimTestURN.patchOp], "Operations": [
                    ["op": "remove", "path": "members"]]]),
                (.delete, "/Users/\(t.bUser)", nil), (.delete, "/Groups/\(t.bGroup)", nil),
            ]
            for (method, path, body) in requests {
                let response = try await h.scim(method, path, token: token, body, headers: [.ifMatch: "*"])
                #expect(response.status == 404, "\(method) \(path): \(response.text)")
                #expect(response.isScimError, "\(method) \(path)")
            }
            // Bulk: per-operation 404, nothing changed.
            let bulk = try await h.scim(.post, "/Bulk", token: token, [
                "schemas": [ScimTestURN.bulkRequest], "Operations": [
                    ["method": "PATCH", "path": "/Users/\(t.bUser)", "data": patchOp],
                    ["method": "PUT", "path": "/Groups/\(t.bGroup)",
                     "data": ["schemas": [ScimTestURN.group], "displayName": "Hijacked"]],
                    ["method": "DELETE", "path": "/Users/\(t.bUser)"],
                    ["method": "DELETE", "path": "/Groups/\(t.bGroup)"],
                ],
            ])
            #expect(bulk.status == 200, "\(bulk.text)")
            let results = bulk.json["Operations"] as? [[String: Any]] ?? []
            #expect(results.count == 4)
            #expect(results.map { $0["status"] as? String } == ["404", "404", "404", "404"], "\(bulk.text)")
            #expect(results.allSatisfy { ($0["response"] as? [String: Any])?["status"] as? String == "404" })

            let afterUser = try await h.scim(.get, "/Users/\(t.bUser)", token: t.b.token)
            let afterGroup = try await h.scim(.get, "/Groups/\(t.bGroup)", token: t.b.token)
            #expect(afterUser.status == 200)
            #expect(afterUser.canonical == beforeUser.canonical)
            #expect(afterUser.etag == "W/\"1\"")
            #expect(afterGroup.canonical == beforeGroup.canonical)
            #expect(afterGroup.memberIds == [t.bUser])
            #expect(try await h.events(t.b).map(\.type) == [
                "directory.user.created", "directory.group.created", "directory.group.user_added",
            ])

            // A's group naming B's user id: B's user does not list A's group, and A learns nothing about B's user.
            let added = try await h.patch("/Groups/\(t.aGroup)", token: token,
                                          [["op": "add", "path": "members", "value": [["value": t.bUser]]]])
            #expect(added.status == 200 || added.status == 204, "\(added.text)")
            let aGroup = try await h.scim(.get, "/Groups/\(t.aGroup)", token: token)
            let foreign = aGroup.members.first { $0["value"] as? String == t.bUser }
            #expect(foreign != nil)
            #expect(foreign?["display"] == nil, "B's display name leaked: \(aGroup.text)")
            #expect(!aGroup.text.contains("Bob Beta") && !aGroup.text.contains("bob@beta.example"))
            let bView = try await h.scim(.get, "/Users/\(t.bUser)", token: t.b.token)
            let bGroups = (bView.json["groups"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? String }
            #expect(bGroups == [t.bGroup])
            #expect(try await h.list("/Groups", token: t.b.token, filter: "members.value eq \"\(t.bUser)\"")
                .resourceIds == [t.bGroup])
        }
    }

    /// Organization B's DELETE of its own user removes that id from organization A's group (trigger
    /// `scim_users_leave_groups` deletes `scim_group_members` rows by `member_id` in every organization), without a
    /// version bump or an event in A — B's activity changes A's data, and A can observe B's deletions.
    @Test func anotherOrganizationsDeletesDoNotTouchThisOrganizationsGroups() async throws {
        try await ScimHarness.run { h in
            let t = try await TwoTenants(h)
            #expect(try await h.patch("/Groups/\(t.aGroup)", token: t.a.token,
                                     [["op": "add", "path": "members", "value": [["value": t.bUser], ["value": t.bGroup]]]])
                .status == 200)
            let before = try await h.scim(.get, "/Groups/\(t.aGroup)", token: t.a.token)
            #expect(before.memberIds == [t.aUser, t.bUser, t.bGroup])

            #expect(try await h.scim(.delete, "/Users/\(t.bUser)", token: t.b.token).status == 204)
            #expect(try await h.scim(.delete, "/Groups/\(t.bGroup)", token: t.b.token).status == 204)
            let after = try await h.scim(.get, "/Groups/\(t.aGroup)", token: t.a.token)
            #expect(after.memberIds == before.memberIds, "B's deletes changed A's group: \(after.memberIds)")
            #expect(after.etag == before.etag)
        }
    }

    @Test func theBearerSchemeIsCaseInsensitiveAndBlanksAroundTheTokenAreIgnored() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("alpha")
            for header in ["bearer \(org.token)", "BEARER \(org.token)", "Bearer  \(org.token)\t "] {
                let response = try await h.scim(.get, "/Users", token: nil, headers: [.authorization: header])
                #expect(response.status == 200, "\(header): \(response.text)")
            }
            for header in ["Bearer", "Bearer  ", "Token \(org.token)", "Bearer \(org.token) x"] {
                let response = try await h.scim(.get, "/Users", token: nil, headers: [.authorization: header])
                #expect(response.status == 401, "\(header)")
            }
        }
    }

    @Test func revokedAndDeletedTokensAreRefused() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("alpha")
            #expect(try await h.list("/Users", token: org.token).status == 200)
            let (secondId, second) = try await h.scimToken(slug: org.slug, ownerKey: org.ownerKey, name: "second")
            #expect(try await h.list("/Users", token: second).status == 200)

            let revoked = try await h.admin.call(
                .post, "/api/organizations/\(org.slug)/scim/tokens/\(org.tokenId)/revoke", key: org.ownerKey)
            #expect(revoked.status == 200, "\(revoked.text)")
            #expect(revoked.json["revoked_at"] is String)
            let deleted = try await h.admin.call(
                .delete, "/api/organizations/\(org.slug)/scim/tokens/\(secondId)", key: org.ownerKey)
            #expect(deleted.status == 204)
            try await h.waitForTokenCache()

            for token in [org.token, second, nil, "scim_not-a-real-token", org.token.uppercased()] {
                let response = try await h.list("/Users", token: token)
                #expect(response.status == 401, "\(token ?? "none")")
                #expect(response.isScimError, "\(response.text)")
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
            let basic = try await h.scim(.get, "/Users", token: nil, headers: [.authorization: "Basic \(org.token)"])
            #expect(basic.status == 401)
            #expect(try await h.scim(.post, "/Users", token: org.token, ScimHarness.userBody("x@alpha.example"))
                .status == 401)
            // A fresh token works, and nothing was created by the refused requests.
            let (_, fresh) = try await h.scimToken(slug: org.slug, ownerKey: org.ownerKey, name: "fresh")
            #expect(try await h.list("/Users", token: fresh).totalResults == 0)
        }
    }

    @Test func suspendedOrganizationIsForbidden() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("alpha")
            let user = try await h.createUser(org, "ann@alpha.example")
            let suspend = try await h.admin.call(
                .post, "/api/platform/organizations/\(org.id)/suspend", key: h.api.ownerKey)
            #expect(suspend.status == 200, "\(suspend.text)")
            try await h.waitForTokenCache()
            for (method, path) in [(HTTPRequest.Method.get, "/Users"), (.get, "/Users/\(user)"),
                                   (.delete, "/Users/\(user)"), (.get, "/ServiceProviderConfig")] {
                let response = try await h.scim(method, path, token: org.token)
                #expect(response.status == 403, "\(method) \(path)")
                #expect(response.isScimError, "\(response.text)")
                #expect(response.detail?.contains("suspended") == true)
            }
            #expect(try await h.admin.call(
                .post, "/api/platform/organizations/\(org.id)/activate", key: h.api.ownerKey).status == 200)
            try await h.waitForTokenCache()
            #expect(try await h.scim(.get, "/Users/\(user)", token: org.token).status == 200)
        }
    }

    @Test func tierUserLimitRefusesTheNextUser() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("alpha", tier: "solo", maxUsers: 1)
            let first = try await h.createUser(org, "one@alpha.example")
            let second = try await h.scim(.post, "/Users", token: org.token, ScimHarness.userBody("two@alpha.example"))
            #expect(second.status == 403, "\(second.text)")
            #expect(second.isScimError)
            #expect(second.detail?.contains("max_users") == true, "\(second.detail ?? "")")
            #expect(second.detail?.contains("1") == true)
            let bulk = try await h.scim(.post, "/Bulk", token: org.token, [
                "schemas": [ScimTestURN.bulkRequest], "Operations": [
                    ["method": "POST", "path": "/Users", "bulkId": "b1", "data": ScimHarness.userBody("three@alpha.example")],
                ],
            ])
            #expect((bulk.json["Operations"] as? [[String: Any]])?.first?["status"] as? String == "403", "\(bulk.text)")
            #expect(try await h.list("/Users", token: org.token).resourceIds == [first])
            // Groups do not count, and deleting a user frees its place.
            #expect(try await h.scim(.post, "/Groups", token: org.token,
                                    ["schemas": [ScimTestURN.group], "displayName": "G"]).status == 201)
            #expect(try await h.scim(.delete, "/Users/\(first)", token: org.token).status == 204)
            #expect(try await h.scim(.post, "/Users", token: org.token, ScimHarness.userBody("two@alpha.example"))
                .status == 201)
        }
    }
}

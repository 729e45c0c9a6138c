import Foundation
import HeraldCore
import Hummingbird
import Testing

/// Pagination (index and RFC 9865 cursors), Bulk and the `directory.*` events.
extension ScimSemanticsTests {
    /// 25 users `user00…user24` (created in that order, userNames shuffled against it), their ids in order.
    static func seedUsers(_ h: ScimHarness, _ org: ScimOrg) async throws -> [String] {
        var ids: [String] = []
        for index in 0..<25 {
            let name = String(format: "user%02d@acme.example", (index * 7) % 25)
            ids.append(try await h.createUser(org, name, ["title": index % 3 == 0 ? "third" : "other"]))
        }
        return ids
    }

    @Test func indexPagination() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("acme")
            let ids = try await Self.seedUsers(h, org)

            var seen: [String] = []
            for (start, expected) in [(1, 10), (11, 10), (21, 5)] {
                let page = try await h.list("/Users", token: org.token, query: "startIndex=\(start)&count=10")
                #expect(page.status == 200)
                #expect(page.totalResults == 25)
                #expect(page.integer("startIndex") == start)
                #expect(page.integer("itemsPerPage") == expected)
                #expect(page.resources.count == expected)
                seen += page.resourceIds
            }
            #expect(seen == ids, "pages follow creation order")
            let again = try await h.list("/Users", token: org.token, query: "startIndex=11&count=10")
            #expect(again.resourceIds == Array(ids[10..<20]))

            let countOnly = try await h.list("/Users", token: org.token, query: "count=0")
            #expect(countOnly.status == 200)
            #expect(countOnly.totalResults == 25)
            #expect(countOnly.resources.isEmpty)
            #expect(countOnly.integer("itemsPerPage") == 0)
            let past = try await h.list("/Users", token: org.token, query: "startIndex=26&count=10")
            #expect(past.totalResults == 25)
            #expect(past.resources.isEmpty)
            // startIndex < 1 is 1; a negative count is 0 (RFC 7644 §3.4.2.4).
            #expect(try await h.list("/Users", token: org.token, query: "startIndex=0&count=2").resourceIds
                == Array(ids[0..<2]))
            #expect(try await h.list("/Users", token: org.token, query: "count=-5").resources.isEmpty)
            #expect(try await h.list("/Users", token: org.token, query: "count=x").scimType == "invalidCount")

            // Sorted pages are stable too.
            var sorted: [String] = []
            for start in [1, 8, 15, 22] {
                sorted += try await h.list("/Users", token: org.token, query: "sortBy=userName&startIndex=\(start)&count=7")
                    .resources.compactMap { $0["userName"] as? String }
            }
            #expect(sorted == (0..<25).map { String(format: "user%02d@acme.example", $0) })
            // A filter answered by evaluation (title has no index) pages the same way.
            let thirds = ids.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
            var filtered: [String] = []
            for start in [1, 4, 7] {
                let page = try await h.list("/Users", token: org.token, filter: "title eq \"third\"",
                                            query: "startIndex=\(start)&count=3")
                #expect(page.totalResults == thirds.count)
                filtered += page.resourceIds
            }
            #expect(filtered == thirds)
        }
    }

    /// Follows `nextCursor` from `cursor=` until it is absent; answers every id seen, in order.
    static func walkCursor(_ h: ScimHarness, _ org: ScimOrg, _ query: String, filter: String? = nil) async throws
        -> [String]
    {
        var cursor = ""
        var seen: [String] = []
        for _ in 0..<30 {
            let page = try await h.list("/Users", token: org.token, filter: filter,
                                        query: "cursor=\(ScimHarness.encode(cursor))&\(query)")
            try #require(page.status == 200, "\(page.text)")
            #expect(page.json["startIndex"] == nil)
            seen += page.resourceIds
            guard let next = page.json["nextCursor"] as? String else { return seen }
            #expect(!next.isEmpty)
            cursor = next
        }
        Issue.record("the cursor never ended")
        return seen
    }

    @Test func cursorPagination() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("acme")
            let ids = try await Self.seedUsers(h, org)

            let first = try await h.list("/Users", token: org.token, query: "cursor=&count=7")
            #expect(first.totalResults == 25)
            #expect(first.resources.count == 7)
            #expect(first.json["nextCursor"] is String)

            #expect(try await Self.walkCursor(h, org, "count=7") == ids)
            #expect(try await Self.walkCursor(h, org, "count=5") == ids)
            let bySortedName = try await Self.walkCursor(h, org, "count=6&sortBy=userName&sortOrder=descending")
            #expect(Set(bySortedName) == Set(ids))
            #expect(bySortedName.count == 25)
            let thirds = ids.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
            #expect(try await Self.walkCursor(h, org, "count=4", filter: "title eq \"third\"") == thirds)
            #expect(try await Self.walkCursor(h, org, "count=4", filter: "userName sw \"user1\"").count == 10)

            let bad = try await h.list("/Users", token: org.token, query: "cursor=bogus")
            #expect(bad.status == 400)
            #expect(bad.scimType == "invalidCursor")
            let rootCursor = try await h.scim(.post, "/.search", token: org.token,
                                              ["schemas": [ScimTestURN.searchRequest], "cursor": ""])
            #expect(rootCursor.scimType == "invalidCursor")
        }
    }

    static func bulk(_ operations: [[String: Any]], failOnErrors: Int? = nil) -> [String: Any] {
        var body: [String: Any] = ["schemas": [ScimTestURN.bulkRequest], "Operations": operations]
        if let failOnErrors { body["failOnErrors"] = failOnErrors }
        return body
    }

    @Test func bulkReferencesAndFailOnErrors() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("acme")
            // The group comes first and waits for the user it names.
            let response = try await h.scim(.post, "/Bulk", token: org.token, Self.bulk([
                ["method": "POST", "path": "/Groups", "bulkId": "g1", "data": [
                    "schemas": [ScimTestURN.group], "displayName": "Bulk Group", "members": [["value": "bulkId:u1"]],
                ]],
                ["method": "POST", "path": "/Users", "bulkId": "u1", "data": ScimHarness.userBody("bulk@acme.example")],
                ["method": "PATCH", "path": "/Users/bulkId:u1", "data": [
                    "schemas": [ScimTestURN.patchOp], "Operations": [["op": "replace", "path": "title", "value": "T"]],
                ]],
            ]))
            #expect(response.status == 200, "\(response.text)")
            let results = response.json["Operations"] as? [[String: Any]] ?? []
            #expect(results.map { $0["status"] as? String } == ["201", "201", "200"], "\(response.text)")
            #expect(results.map { $0["bulkId"] as? String } == ["g1", "u1", nil])
            let userId = try #require((results[1]["location"] as? String)?.split(separator: "/").last.map(String.init))
            let groupId = try #require((results[0]["location"] as? String)?.split(separator: "/").last.map(String.init))
            let group = try await h.scim(.get, "/Groups/\(groupId)", token: org.token)
            #expect(group.memberIds == [userId])
            let user = try await h.scim(.get, "/Users/\(userId)", token: org.token)
            #expect(user.json["title"] as? String == "T")
            #expect(results[2]["version"] as? String == user.etag)

            // failOnErrors: 1 stops after the first error; what ran before it stays.
            let failing = try await h.scim(.post, "/Bulk", token: org.token, Self.bulk([
                ["method": "POST", "path": "/Users", "bulkId": "a", "data": ScimHarness.userBody("a@acme.example")],
                ["method": "POST", "path": "/Users", "bulkId": "b", "data": ScimHarness.userBody("BULK@acme.example")],
                ["method": "POST", "path": "/Users", "bulkId": "c", "data": ScimHarness.userBody("c@acme.example")],
            ], failOnErrors: 1))
            #expect(failing.status == 200)
            let failed = failing.json["Operations"] as? [[String: Any]] ?? []
            #expect(failed.map { $0["status"] as? String } == ["201", "409"], "\(failing.text)")
            #expect((failed.last?["response"] as? [String: Any])?["scimType"] as? String == "uniqueness")
            let names = try await h.list("/Users", token: org.token).resources.compactMap { $0["userName"] as? String }
            #expect(names == ["bulk@acme.example", "a@acme.example"])

            // Without failOnErrors every operation runs; a malformed request is refused whole.
            let all = try await h.scim(.post, "/Bulk", token: org.token, Self.bulk([
                ["method": "POST", "path": "/Users", "bulkId": "d", "data": ScimHarness.userBody("a@acme.example")],
                ["method": "POST", "path": "/Users", "bulkId": "e", "data": ScimHarness.userBody("e@acme.example")],
                ["method": "DELETE", "path": "/Users/no-such-id"],
            ]))
            #expect((all.json["Operations"] as? [[String: Any]])?.map { $0["status"] as? String } == ["409", "201", "404"])
            let unnamed = try await h.scim(.post, "/Bulk", token: org.token, Self.bulk([
                ["method": "POST", "path": "/Users", "data": ScimHarness.userBody("f@acme.example")],
            ]))
            #expect(unnamed.status == 400)
            #expect(unnamed.isScimError)
            #expect(try await h.list("/Users", token: org.token).totalResults == 3)
        }
    }

    @Test func directoryEvents() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("acme")
            let id = try await h.createUser(org, "ann@acme.example")
            #expect(try await h.patch("/Users/\(id)", token: org.token,
                                     [["op": "replace", "path": "active", "value": false]]).status == 200)
            #expect(try await h.scim(.delete, "/Users/\(id)", token: org.token).status == 204)
            let lifecycle = try await h.events(org)
            #expect(lifecycle.map(\.type) == ["directory.user.created", "directory.user.deactivated", "directory.user.deleted"])
            #expect(lifecycle.allSatisfy { $0.targetId == id && $0.targetType == "directory_user" })
            #expect(lifecycle.allSatisfy { $0.actorEmail?.hasPrefix("scim:") == true })
            #expect(lifecycle.first?.data["resource"]?.objectValue?["userName"] == .string("ann@acme.example"))
            #expect(lifecycle.map { $0.data["version"] } == [.number(1), .number(2), .number(2)])

            let members = [
                try await h.createUser(org, "m1@acme.example"), try await h.createUser(org, "m2@acme.example"),
                try await h.createUser(org, "m3@acme.example"),
            ]
            let group = try await h.createGroup(org, "Three")
            let added = try await h.patch("/Groups/\(group)", token: org.token, [
                ["op": "add", "path": "members", "value": [["value": members[0]], ["value": members[1]]]],
                ["op": "add", "path": "members", "value": [["value": members[2]]]],
            ])
            #expect(added.status == 200, "\(added.text)")
            #expect(added.memberIds == Set(members))
            let removed = try await h.patch("/Groups/\(group)", token: org.token, [
                ["op": "remove", "path": "members[value eq \"\(members[0])\" or value eq \"\(members[1])\"]"],
            ])
            #expect(removed.status == 200)
            #expect(removed.memberIds == [members[2]])

            let membership = try await h.events(org).filter { $0.type.hasPrefix("directory.group.user_") }
            #expect(membership.map(\.type) == ["directory.group.user_added", "directory.group.user_removed"])
            func ids(_ event: Event?) -> [String] {
                guard case .array(let values)? = event?.data["user_ids"] else { return [] }
                return values.compactMap(\.stringValue)
            }
            #expect(ids(membership.first).sorted() == members.sorted())
            #expect(ids(membership.last).sorted() == [members[0], members[1]].sorted())
            #expect(membership.allSatisfy { $0.targetId == group && $0.data["group_id"] == .string(group) })
        }
    }
}

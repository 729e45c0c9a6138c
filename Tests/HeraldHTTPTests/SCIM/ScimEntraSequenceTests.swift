import Foundation
import HeraldCore
import Hummingbird
import Testing

/// What Microsoft Entra ID's provisioning service sends (and its SCIM validator checks): capitalised `op`s,
/// `"False"` strings, dotted and URN-qualified path-less keys, filtered paths that match nothing, a bare manager
/// id, empty `Operations`, member removal by value array, `"$ref": null`; and the request log naming each rule.
@Suite struct ScimEntraSequenceTests {
    static let ext = ScimTestURN.enterprise

    @Test func provisioningSequenceAndRequestLog() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("contoso")
            let userName = "alice@contoso.example"

            // The lookup before creation.
            let empty = try await h.list("/Users", token: org.token, filter: "userName eq \"\(userName)\"")
            #expect(empty.status == 200)
            #expect(empty.totalResults == 0, "\(empty.text)")
            #expect(empty.resources.isEmpty)

            // A user with the enterprise extension, its manager created first.
            let manager = try await h.createUser(org, "boss@contoso.example")
            let created = try await h.scim(.post, "/Users", token: org.token, [
                "schemas": [ScimTestURN.user, Self.ext], "externalId": "e-alice", "userName": userName,
                "active": true, "displayName": "Alice Smith", "title": "Developer",
                "emails": [["primary": true, "type": "work", "value": userName]],
                "name": ["formatted": "Alice Smith", "familyName": "Smith", "givenName": "Alice"],
                Self.ext: ["employeeNumber": "EMP-1001", "department": "R&D Europe", "manager": ["value": manager]],
            ])
            #expect(created.status == 201, "\(created.text)")
            let alice = try #require(created.id)
            #expect(Set(created.json["schemas"] as? [String] ?? []) == [ScimTestURN.user, Self.ext])
            let enterprise = try #require(created.json[Self.ext] as? [String: Any])
            #expect(enterprise["employeeNumber"] as? String == "EMP-1001")
            #expect(enterprise["department"] as? String == "R&D Europe")
            #expect((enterprise["manager"] as? [String: Any])?["value"] as? String == manager)

            // `"op":"Replace"` with `"False"`: a boolean on `active`, the same text on a string attribute.
            let off = try await h.patch("/Users/\(alice)", token: org.token,
                                        [["op": "Replace", "path": "active", "value": "False"]])
            #expect(off.status == 200, "\(off.text)")
            let inactive = try await h.scim(.get, "/Users/\(alice)", token: org.token)
            #expect(inactive.text.contains(#""active":false"#), "\(inactive.text)")
            let title = try await h.patch("/Users/\(alice)", token: org.token,
                                          [["op": "Replace", "path": "title", "value": "False"]])
            #expect(title.status == 200, "\(title.text)")
            let titled = try await h.scim(.get, "/Users/\(alice)", token: org.token)
            #expect(titled.json["title"] as? String == "False")
            #expect(titled.text.contains(#""active":false"#))

            // Path-less replace with dotted and URN-qualified keys: nested attributes, the others kept.
            let pathless = try await h.patch("/Users/\(alice)", token: org.token, [[
                "op": "replace",
                "value": ["displayName": "Alice S.", "name.givenName": "Ally", "\(Self.ext):employeeNumber": "7"],
            ]])
            #expect(pathless.status == 200, "\(pathless.text)")
            let nested = try await h.scim(.get, "/Users/\(alice)", token: org.token)
            #expect(nested.json["displayName"] as? String == "Alice S.")
            let name = nested.json["name"] as? [String: Any]
            #expect(name?["givenName"] as? String == "Ally")
            #expect(name?["familyName"] as? String == "Smith")
            #expect(name?["formatted"] as? String == "Alice Smith")
            #expect(nested.json["name.givenName"] == nil)
            let nestedExt = nested.json[Self.ext] as? [String: Any]
            #expect(nestedExt?["employeeNumber"] as? String == "7")
            #expect(nestedExt?["department"] as? String == "R&D Europe")
            #expect((nestedExt?["manager"] as? [String: Any])?["value"] as? String == manager)

            // `emails[type eq "work"].value` on a user with no work address creates the element.
            let bob = try await h.createUser(org, "bob@contoso.example", [
                "emails": [["type": "home", "value": "bob@home.example"]],
            ])
            let work = try await h.patch("/Users/\(bob)", token: org.token, [[
                "op": "Replace", "path": "emails[type eq \"work\"].value", "value": "bob@contoso.example",
            ]])
            #expect(work.status == 200, "\(work.text)")
            let emails = try await h.scim(.get, "/Users/\(bob)", token: org.token).json["emails"] as? [[String: Any]]
            #expect(emails?.count == 2)
            #expect(emails?.contains { $0["type"] as? String == "home" && $0["value"] as? String == "bob@home.example" }
                == true)
            #expect(emails?.contains { $0["type"] as? String == "work" && $0["value"] as? String == "bob@contoso.example" }
                == true)
            #expect(try await h.list("/Users", token: org.token, filter: "emails.value eq \"bob@contoso.example\"")
                .resourceIds == [bob])

            // The manager as a bare id: by path, and as a path-less URN-qualified key.
            let byPath = try await h.patch("/Users/\(bob)", token: org.token,
                                           [["op": "Add", "path": "\(Self.ext):manager", "value": manager]])
            #expect(byPath.status == 200, "\(byPath.text)")
            let bobRead = try await h.scim(.get, "/Users/\(bob)", token: org.token)
            #expect(((bobRead.json[Self.ext] as? [String: Any])?["manager"] as? [String: Any])?["value"] as? String
                == manager)
            let byKey = try await h.patch("/Users/\(bob)", token: org.token,
                                          [["op": "replace", "value": ["\(Self.ext):manager": alice]]])
            #expect(byKey.status == 200, "\(byKey.text)")
            let bobAgain = try await h.scim(.get, "/Users/\(bob)", token: org.token)
            #expect(((bobAgain.json[Self.ext] as? [String: Any])?["manager"] as? [String: Any])?["value"] as? String
                == alice)

            // Empty Operations (the validator's probe): 200, nothing changes, not even the version.
            let before = try await h.scim(.get, "/Users/\(bob)", token: org.token)
            let noop = try await h.patch("/Users/\(bob)", token: org.token, [])
            #expect(noop.status == 200, "\(noop.text)")
            #expect(noop.etag == before.etag)
            let after = try await h.scim(.get, "/Users/\(bob)", token: org.token)
            #expect(after.etag == before.etag)
            #expect(after.json["emails"] as? [[String: Any]] != nil)

            // Groups: add with `"$ref": null`, remove by value array, list without members.
            let group = try await h.createGroup(org, "Sales")
            let add = try await h.patch("/Groups/\(group)", token: org.token, [[
                "op": "Add", "path": "members",
                "value": [["$ref": NSNull(), "value": alice], ["$ref": NSNull(), "value": bob]],
            ]])
            #expect(add.status == 200 || add.status == 204, "\(add.text)")
            #expect(try await h.scim(.get, "/Groups/\(group)", token: org.token).memberIds == [alice, bob])
            let remove = try await h.patch("/Groups/\(group)", token: org.token,
                                           [["op": "Remove", "path": "members", "value": [["value": alice]]]])
            #expect(remove.status == 200 || remove.status == 204, "\(remove.text)")
            #expect(try await h.scim(.get, "/Groups/\(group)", token: org.token).memberIds == [bob])
            let listed = try await h.list("/Groups", token: org.token, filter: "displayName eq \"Sales\"",
                                          query: "excludedAttributes=members")
            #expect(listed.status == 200)
            #expect(listed.resourceIds == [group])
            #expect(listed.resources.first.map { $0.keys.contains("members") } == false)
            #expect(listed.resources.first?["displayName"] as? String == "Sales")

            // The request log: one line per request, the rules that fired, no bodies.
            let lines = try await h.requestLog(org, atLeast: 26)
            #expect(lines.count == 26, "\(lines.count) lines")
            let allQuirks = Set(lines.flatMap { $0["quirks"] as? [String] ?? [] })
            for rule in [
                "capitalized_op", "boolean_string", "pathless_keys_expanded", "member_remove_value_array",
                "null_ref_dropped", "manager_string", "empty_operations", "filtered_entry_created",
            ] {
                #expect(allQuirks.contains(rule), "\(rule) not in \(allQuirks.sorted())")
            }
            for line in lines {
                #expect(Set(line.keys) == [
                    "id", "at", "method", "path", "status", "scim_type", "quirks", "duration_ms", "token_prefix",
                    "user_agent",
                ])
            }
            func quirks(_ method: String, _ path: String, status: Int = 200) -> [[String]] {
                lines.filter { $0["method"] as? String == method && $0["path"] as? String == path
                    && $0["status"] as? Int == status }.map { $0["quirks"] as? [String] ?? [] }
            }
            let alicePatches = quirks("PATCH", "/scim/v2/Users/\(alice)")
            #expect(alicePatches.contains { Set($0) == ["capitalized_op", "boolean_string"] }, "\(alicePatches)")
            #expect(alicePatches.contains { $0 == ["capitalized_op"] }, "\(alicePatches)")
            #expect(alicePatches.contains { $0.contains("pathless_keys_expanded") }, "\(alicePatches)")
            let groupPatches = quirks("PATCH", "/scim/v2/Groups/\(group)")
            #expect(groupPatches.contains { $0.contains("null_ref_dropped") && $0.contains("capitalized_op") })
            #expect(groupPatches.contains { $0.contains("member_remove_value_array") })
            #expect(quirks("GET", "/scim/v2/Users/\(alice)").allSatisfy { $0.isEmpty })
            #expect(quirks("POST", "/scim/v2/Users", status: 201).count == 3)
            let prefixes = Set(lines.compactMap { $0["token_prefix"] as? String })
            #expect(prefixes.count == 1)
            #expect(prefixes.first.map { org.token.hasPrefix($0) } == true)
            let text = String(decoding: try JSONSerialization.data(withJSONObject: lines), as: UTF8.self)
            for secretValue in ["R&D Europe", "bob@home.example", "Ally", "e-alice", "EMP-1001"] {
                #expect(!text.contains(secretValue), "the log holds \(secretValue)")
            }
        }
    }
}

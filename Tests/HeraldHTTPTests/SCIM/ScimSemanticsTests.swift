import Foundation
import HeraldCore
import Hummingbird
import Testing

/// RFC 7644 semantics: ETags and conditional requests, media type, errors and their `scimType`, discovery
/// endpoints' methods, projections and sorting. (Pagination, Bulk and events are in `ScimSemanticsTests+Paging`.)
@Suite struct ScimSemanticsTests {
    static func isScimJSON(_ response: ScimResponse) -> Bool {
        response.contentType?.hasPrefix("application/scim+json") == true
    }

    @Test func etagsAndConditionalRequests() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("acme")
            let id = try await h.createUser(org, "ann@acme.example", ["title": "One"])
            let path = "/Users/\(id)"

            let read = try await h.scim(.get, path, token: org.token)
            #expect(read.status == 200)
            #expect(read.etag == "W/\"1\"")
            #expect((read.json["meta"] as? [String: Any])?["version"] as? String == read.etag)
            #expect(Self.isScimJSON(read))

            // If-None-Match: the current tag (weak or strong form, or `*`) is 304 without a body.
            for tag in ["W/\"1\"", "\"1\"", "*", "W/\"9\", W/\"1\""] {
                let cached = try await h.scim(.get, path, token: org.token, headers: [.ifNoneMatch: tag])
                #expect(cached.status == 304, "\(tag)")
                #expect(cached.body.isEmpty)
                #expect(cached.etag == "W/\"1\"")
            }
            #expect(try await h.scim(.get, path, token: org.token, headers: [.ifNoneMatch: "W/\"2\""]).status == 200)

            // If-Match on PUT, PATCH and DELETE: a stale tag is 412 and changes nothing.
            let stale: HTTPFields = [.ifMatch: "W/\"7\""]
            let put = try await h.scim(.put, path, token: org.token,
                                       ScimHarness.userBody("ann@acme.example", ["title": "Two"]), headers: stale)
            #expect(put.status == 412)
            #expect(put.isScimError)
            #expect(Self.isScimJSON(put))
            let patch = try await h.patch(path, token: org.token, [["op": "replace", "path": "title", "value": "Two"]],
                                          headers: stale)
            #expect(patch.status == 412)
            #expect(try await h.scim(.delete, path, token: org.token, headers: stale).status == 412)
            let unchanged = try await h.scim(.get, path, token: org.token)
            #expect(unchanged.json["title"] as? String == "One")
            #expect(unchanged.etag == "W/\"1\"")

            // The current tag is accepted; each change is a new version, in the header and in meta.version.
            let replaced = try await h.scim(.put, path, token: org.token,
                                            ScimHarness.userBody("ann@acme.example", ["title": "Two"]),
                                            headers: [.ifMatch: "W/\"1\""])
            #expect(replaced.status == 200, "\(replaced.text)")
            #expect(replaced.etag == "W/\"2\"")
            #expect((replaced.json["meta"] as? [String: Any])?["version"] as? String == "W/\"2\"")
            let patched = try await h.patch(path, token: org.token, [["op": "replace", "path": "title", "value": "3"]],
                                            headers: [.ifMatch: "W/\"2\""])
            #expect(patched.status == 200)
            #expect(patched.etag == "W/\"3\"")
            // A PATCH that changes nothing keeps the version.
            let same = try await h.patch(path, token: org.token, [["op": "replace", "path": "title", "value": "3"]])
            #expect(same.etag == "W/\"3\"")
            #expect(try await h.scim(.get, path, token: org.token, headers: [.ifNoneMatch: "W/\"2\""]).status == 200)
            #expect(try await h.scim(.delete, path, token: org.token, headers: [.ifMatch: "W/\"3\""]).status == 204)
            #expect(try await h.scim(.get, path, token: org.token).status == 404)
        }
    }

    @Test func errorsUseTheScimErrorSchema() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("acme")
            let id = try await h.createUser(org, "ann@acme.example")
            let before = try await h.scim(.get, "/Users/\(id)", token: org.token)

            // Read-only attributes by path: 400 mutability, nothing applied.
            for operation: [String: Any] in [
                ["op": "replace", "path": "id", "value": "other"], ["op": "remove", "path": "id"],
                ["op": "replace", "path": "meta", "value": ["version": "W/\"9\""]],
                ["op": "replace", "path": "meta.lastModified", "value": "2020-01-01T00:00:00Z"],
                ["op": "add", "path": "groups", "value": [["value": "g"]]],
            ] {
                let response = try await h.patch("/Users/\(id)", token: org.token, [
                    ["op": "replace", "path": "title", "value": "changed"], operation,
                ])
                #expect(response.status == 400, "\(operation)")
                #expect(response.scimType == "mutability", "\(operation): \(response.text)")
                #expect(response.isScimError)
                #expect(Self.isScimJSON(response))
            }
            let after = try await h.scim(.get, "/Users/\(id)", token: org.token)
            #expect(after.canonical == before.canonical)

            // Invalid filters.
            for filter in ["userName eq", "userName zz \"x\"", "(userName eq \"x\"", "nope eq \"x\"",
                           "active eq \"true\"", "meta.created gt \"yesterday\"", "name eq \"x\""] {
                let response = try await h.list("/Users", token: org.token, filter: filter)
                #expect(response.status == 400, "\(filter)")
                #expect(response.scimType == "invalidFilter", "\(filter): \(response.text)")
                #expect(response.isScimError)
            }
            let search = try await h.scim(.post, "/Users/.search", token: org.token,
                                          ["schemas": [ScimTestURN.searchRequest], "filter": "userName eq"])
            #expect(search.scimType == "invalidFilter")

            // Paths and methods.
            let unknown = try await h.scim(.get, "/Widgets", token: org.token)
            #expect(unknown.status == 404)
            #expect(unknown.isScimError)
            #expect(Self.isScimJSON(unknown))
            #expect(try await h.scim(.get, "/Users/\(id)/extra", token: org.token).isScimError)
            for (method, path) in [(HTTPRequest.Method.post, "/ServiceProviderConfig"), (.put, "/Schemas"),
                                   (.delete, "/ResourceTypes/User"), (.patch, "/ServiceProviderConfig")] {
                let response = try await h.scim(method, path, token: org.token, method == .delete ? nil : ["a": 1])
                #expect(response.status == 405, "\(method) \(path)")
                #expect(response.isScimError, "\(response.text)")
            }
            for method in [HTTPRequest.Method.get, .post, .patch] {
                let me = try await h.scim(method, "/Me", token: org.token, method == .get ? nil : ["a": 1])
                #expect(me.status == 501, "\(method)")
                #expect(me.isScimError)
            }
            let config = try await h.scim(.get, "/ServiceProviderConfig", token: org.token)
            #expect(config.status == 200)
            #expect((config.json["patch"] as? [String: Any])?["supported"] as? Bool == true)
            #expect((config.json["etag"] as? [String: Any])?["supported"] as? Bool == true)
            #expect(Self.isScimJSON(config))
            let types = try await h.scim(.get, "/ResourceTypes", token: org.token)
            #expect(Set(types.resourceIds) == ["User", "Group"])

            // Bodies.
            let malformed = try await h.scim(.post, "/Users", token: org.token, "{\"schemas\": [")
            #expect(malformed.status == 400)
            #expect(malformed.scimType == "invalidSyntax")
            let noSchemas = try await h.scim(.post, "/Users", token: org.token, ["userName": "x@acme.example"])
            #expect(noSchemas.status == 400)
            #expect(noSchemas.scimType == "invalidSyntax")
            let noUserName = try await h.scim(.post, "/Users", token: org.token, ["schemas": [ScimTestURN.user]])
            #expect(noUserName.status == 400)
            #expect(noUserName.scimType == "invalidValue")
            let wrongType = try await h.scim(.post, "/Users", token: org.token,
                                             ScimHarness.userBody("x@acme.example", ["active": "maybe"]))
            #expect(wrongType.status == 400)
            #expect(wrongType.scimType == "invalidValue")
            let caseTwin = try await h.scim(.post, "/Users", token: org.token, ScimHarness.userBody("ANN@ACME.EXAMPLE"))
            #expect(caseTwin.status == 409)
            #expect(caseTwin.scimType == "uniqueness")
            let plainJSON = try await h.scim(.post, "/Users", token: org.token, ScimHarness.userBody("json@acme.example"),
                                             headers: [.contentType: "application/json"])
            #expect(plainJSON.status == 201)
            #expect(Self.isScimJSON(plainJSON))
            #expect(try await h.list("/Users", token: org.token).totalResults == 2)
        }
    }

    @Test func projectionAndSorting() async throws {
        try await ScimHarness.run { h in
            let org = try await h.organization("acme")
            let names = ["mia@acme.example", "Bea@acme.example", "zoe@acme.example", "adam@acme.example"]
            var ids: [String: String] = [:]
            for name in names {
                ids[name] = try await h.createUser(org, name, [
                    "emails": [["value": name, "type": "work"]], "displayName": name.uppercased(),
                    "name": ["givenName": "G", "familyName": "F"],
                ])
            }
            let one = try #require(ids["mia@acme.example"])

            let only = try await h.scim(.get, "/Users/\(one)?attributes=userName", token: org.token)
            #expect(only.status == 200)
            #expect(Set(only.json.keys) == ["id", "schemas", "userName"], "\(only.text)")
            let listed = try await h.list("/Users", token: org.token, query: "attributes=userName")
            #expect(listed.resources.count == 4)
            #expect(listed.resources.allSatisfy { Set($0.keys) == ["id", "schemas", "userName"] })
            let sub = try await h.scim(.get, "/Users/\(one)?attributes=name.givenName,emails.value", token: org.token)
            #expect(sub.json["name"] as? [String: String] == ["givenName": "G"])
            #expect(sub.json["emails"] as? [[String: String]] == [["value": "mia@acme.example"]])

            let excluded = try await h.scim(.get, "/Users/\(one)?excludedAttributes=emails", token: org.token)
            #expect(excluded.json["emails"] == nil)
            #expect(excluded.json["userName"] as? String == "mia@acme.example")
            #expect(excluded.json["meta"] != nil)
            #expect(excluded.json["name"] != nil)
            let excludedList = try await h.list("/Users", token: org.token, query: "excludedAttributes=emails,name")
            #expect(excludedList.resources.allSatisfy { $0["emails"] == nil && $0["name"] == nil && $0["id"] != nil })
            // `id` cannot be excluded.
            #expect(try await h.scim(.get, "/Users/\(one)?excludedAttributes=id", token: org.token).id == one)

            let sortedNames = names.sorted { $0.lowercased() < $1.lowercased() }
            let descending = try await h.list("/Users", token: org.token, query: "sortBy=userName&sortOrder=descending")
            #expect(descending.resources.map { $0["userName"] as? String } == sortedNames.reversed())
            let ascending = try await h.list("/Users", token: org.token, query: "sortBy=userName")
            #expect(ascending.resources.map { $0["userName"] as? String } == sortedNames)
            let byDisplay = try await h.scim(.post, "/Users/.search", token: org.token, [
                "schemas": [ScimTestURN.searchRequest], "sortBy": "displayName", "sortOrder": "descending",
                "attributes": ["displayName"], "count": 2,
            ])
            #expect(byDisplay.totalResults == 4)
            #expect(byDisplay.resources.map { $0["displayName"] as? String } == ["ZOE@ACME.EXAMPLE", "MIA@ACME.EXAMPLE"])
            #expect(byDisplay.resources.allSatisfy { $0["userName"] == nil })
        }
    }
}

@testable import HeraldCore
import Testing

/// RFC 7644 §3.5.2 PATCH: request decoding and the engine.
@Suite struct ScimPatchEngineTests {
    static let enterprise = ScimURN.enterpriseUser

    /// A stored user (no id, meta, schemas).
    static let user: [String: JSONValue] = [
        "userName": "bjensen",
        "name": ["givenName": "Barbara", "familyName": "Jensen"],
        "title": "Guide",
        "active": true,
        "emails": [
            ["value": "bjensen@example.com", "type": "work", "primary": true],
            ["value": "babs@jensen.org", "type": "home"],
        ],
        enterprise: ["department": "Tours", "manager": ["value": "m1"]],
    ]

    static let group: [String: JSONValue] = ["displayName": "Guides"]

    func operations(_ json: [JSONValue]) throws -> [ScimPatchOperation] {
        try ScimPatchRequest.decode(["schemas": [.string(ScimURN.patchOp)], "Operations": .array(json)]).operations
    }

    func patch(
        _ json: [JSONValue], _ resource: [String: JSONValue] = user, type: ScimResourceType = .user,
        createsMissing: Bool = false
    ) throws -> ScimPatchResult {
        try ScimPatchEngine(type, createsMissingFilteredEntries: createsMissing).apply(operations(json), to: resource)
    }

    func patched(_ json: [JSONValue], _ resource: [String: JSONValue] = user) throws -> [String: JSONValue] {
        try patch(json, resource).resource
    }

    func expectError(
        _ type: ScimErrorType, _ json: [JSONValue], _ resource: [String: JSONValue] = user,
        on resourceType: ScimResourceType = .user, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            _ = try patch(json, resource, type: resourceType)
            Issue.record("expected \(type)", sourceLocation: sourceLocation)
        } catch let error as ScimError {
            #expect(error.status == 400, sourceLocation: sourceLocation)
            #expect(error.scimType == type, "\(error)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    func expectGroupError(_ type: ScimErrorType, _ json: [JSONValue], sourceLocation: SourceLocation = #_sourceLocation) {
        expectError(type, json, Self.group, on: .group, sourceLocation: sourceLocation)
    }

    func decodeError(_ body: [String: JSONValue]) -> ScimError? {
        do {
            _ = try ScimPatchRequest.decode(body)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Decoding

    @Test func decodeRequiresThePatchOpSchemaAndOperations() throws {
        #expect(decodeError(["Operations": [["op": "add", "path": "title", "value": "x"]]])?.scimType == .invalidSyntax)
        #expect(decodeError(["schemas": [.string(ScimURN.user)], "Operations": []])?.scimType == .invalidSyntax)
        #expect(decodeError(["schemas": [.string(ScimURN.patchOp)]])?.scimType == .invalidSyntax)
        #expect(decodeError(["schemas": [.string(ScimURN.patchOp)], "Operations": []])?.scimType == .invalidSyntax)
        #expect(decodeError(["schemas": [.string(ScimURN.patchOp)], "Operations": ["add"]])?.scimType == .invalidSyntax)
        let empty = try ScimPatchRequest.decode(
            ["schemas": [.string(ScimURN.patchOp)], "Operations": []], allowsEmptyOperations: true)
        #expect(empty.operations.isEmpty)
        // Member names are case-insensitive, like attribute names.
        let lower = try ScimPatchRequest.decode(
            ["SCHEMAS": [.string(ScimURN.patchOp)], "operations": [["OP": "add", "Path": "title", "VALUE": "x"]]])
        #expect(lower.operations == [ScimPatchOperation(.add, path: try ScimPatchPath.parse("title"), value: "x")])
    }

    @Test func decodeChecksEachOperation() {
        func error(_ operation: JSONValue) -> ScimError? {
            decodeError(["schemas": [.string(ScimURN.patchOp)], "Operations": [operation]])
        }
        #expect(error(["op": "Add", "path": "title", "value": "x"])?.scimType == .invalidSyntax)  // strict core
        #expect(error(["op": "move", "path": "title"])?.scimType == .invalidSyntax)
        #expect(error(["path": "title", "value": "x"])?.scimType == .invalidSyntax)
        #expect(error(["op": "remove"])?.scimType == .noTarget)
        #expect(error(["op": "add", "path": "title"])?.scimType == .invalidValue)
        #expect(error(["op": "add", "path": "title", "value": nil])?.scimType == .invalidValue)
        #expect(error(["op": "replace", "path": "title"])?.scimType == .invalidValue)
        #expect(error(["op": "replace", "path": "title", "value": nil]) == nil)  // null = unassigned
        #expect(error(["op": "add", "path": 7, "value": "x"])?.scimType == .invalidPath)
        let bad = error(["op": "add", "path": "emails[type eq]", "value": "x"])
        #expect(bad?.scimType == .invalidPath)
        #expect(bad?.detail.contains("Operations[0].path") == true)
        #expect(bad?.detail.contains("offset") == true)  // the parser's message
    }

    // MARK: add

    @Test func addWithPathSetsMergesOrAppends() throws {
        var result = try patched([["op": "add", "path": "nickName", "value": "Babs"]])
        #expect(result["nickName"] == "Babs")
        result = try patched([["op": "add", "path": "name", "value": ["middleName": "Jane", "givenName": "Barb"]]])
        #expect(result["name"] == ["givenName": "Barb", "familyName": "Jensen", "middleName": "Jane"])
        result = try patched([
            ["op": "add", "path": "emails", "value": [["value": "b@work.example", "type": "other"], ["value": "babs@jensen.org", "type": "home"]]],
        ])
        #expect(result["emails"] == [
            ["value": "bjensen@example.com", "type": "work", "primary": true],
            ["value": "babs@jensen.org", "type": "home"],
            ["value": "b@work.example", "type": "other"],
        ])
        result = try patched([["op": "add", "path": "name.honorificPrefix", "value": "Ms."]])
        #expect(result["name"]?.objectValue?["honorificPrefix"] == "Ms.")
        result = try patched([["op": "add", "path": "phoneNumbers", "value": ["value": "555", "type": "work"]]])
        #expect(result["phoneNumbers"] == [["value": "555", "type": "work"]])
    }

    @Test func addWithAFilterMergesIntoMatchingElements() throws {
        var result = try patched([["op": "add", "path": #"emails[type eq "home"]"#, "value": ["display": "Babs"]]])
        #expect(result["emails"]?[1]?["display"] == "Babs")
        #expect(result["emails"]?[1]?["value"] == "babs@jensen.org")
        result = try patched([["op": "add", "path": #"emails[type eq "home"].primary"#, "value": false]])
        #expect(result["emails"]?[1]?["primary"] == false)
        expectError(.noTarget, [["op": "add", "path": #"emails[type eq "other"].value"#, "value": "x"]])
    }

    @Test func addWithoutPathAppliesEachAttribute() throws {
        let result = try patched([
            [
                "op": "add",
                "value": [
                    "nickName": "Babs", "emails": [["value": "new@example.com"]],
                    Self.enterprise: ["costCenter": "4130"],
                    "\(Self.enterprise):division": "East",
                    "favouriteColour": "blue",
                ],
            ],
        ])
        #expect(result["nickName"] == "Babs")
        #expect(result["emails"]?.arrayCount == 3)
        #expect(result[Self.enterprise] == ["department": "Tours", "manager": ["value": "m1"], "costCenter": "4130", "division": "East"])
        #expect(result["favouriteColour"] == nil)  // undefined attributes are ignored, as in POST
    }

    // MARK: replace

    @Test func replaceWithPath() throws {
        var result = try patched([["op": "replace", "path": "title", "value": "Boss"]])
        #expect(result["title"] == "Boss")
        result = try patched([["op": "replace", "path": "emails", "value": [["value": "only@example.com"]]]])
        #expect(result["emails"] == [["value": "only@example.com"]])
        result = try patched([["op": "replace", "path": "name", "value": ["givenName": "Babs"]]])
        #expect(result["name"] == ["givenName": "Babs", "familyName": "Jensen"])  // RFC: others left unchanged
        result = try patched([["op": "replace", "path": "name.familyName", "value": "J"]])
        #expect(result["name"] == ["givenName": "Barbara", "familyName": "J"])
        result = try patched([["op": "replace", "path": "title", "value": nil]])
        #expect(result["title"] == nil)
        result = try patched([["op": "replace", "path": "name", "value": ["givenName": nil]]])
        #expect(result["name"] == ["familyName": "Jensen"])
        result = try patched([["op": "replace", "path": "emails.type", "value": "other"]])
        #expect(result["emails"]?[0]?["type"] == "other" && result["emails"]?[1]?["type"] == "other")
    }

    @Test func replaceWithAFilterReplacesMatchingElements() throws {
        var result = try patched([["op": "replace", "path": #"emails[type eq "work"].value"#, "value": "b@new.example"]])
        #expect(result["emails"]?[0] == ["value": "b@new.example", "type": "work", "primary": true])
        result = try patched([
            ["op": "replace", "path": #"emails[type eq "work"]"#, "value": ["value": "w@example.com", "type": "work"]],
        ])
        #expect(result["emails"]?[0] == ["value": "w@example.com", "type": "work"])
        #expect(result["emails"]?[1]?["value"] == "babs@jensen.org")
        expectError(.noTarget, [["op": "replace", "path": #"emails[type eq "other"].value"#, "value": "x"]])
        expectError(.noTarget, [["op": "replace", "path": #"addresses[type eq "work"].formatted"#, "value": "x"]])
    }

    @Test func replaceOfMatchingElementsWithNullRemovesThem() throws {
        let result = try patched([["op": "replace", "path": #"emails[type eq "home"]"#, "value": nil]])
        #expect(result["emails"] == [["value": "bjensen@example.com", "type": "work", "primary": true]])
    }

    @Test func pathlessNullsAddNothingAndReplaceClears() throws {
        #expect(try patched([["op": "add", "value": ["title": nil]]]) == Self.user)
        #expect(try patched([["op": "replace", "value": ["title": nil]]])["title"] == nil)
        #expect(try patched([["op": "replace", "value": [Self.enterprise: nil]]])[Self.enterprise] == nil)
    }

    @Test func replaceWithoutPathReplacesEachAttribute() throws {
        let result = try patched([
            [
                "op": "replace",
                "value": ["title": "Boss", "emails": [["value": "x@example.com"]], "name": ["givenName": "B"], "nickName": nil],
            ],
        ])
        #expect(result["title"] == "Boss")
        #expect(result["emails"] == [["value": "x@example.com"]])
        #expect(result["name"] == ["givenName": "B", "familyName": "Jensen"])
        // Okta's deactivation, RFC-valid.
        #expect(try patched([["op": "replace", "value": ["active": false]]])["active"] == false)
        expectError(.invalidValue, [["op": "replace", "value": "x"]])
    }

    @Test func missingFilteredEntriesAreCreatedOnlyWhenAsked() throws {
        let result = try patch(
            [["op": "replace", "path": #"addresses[type eq "work"].formatted"#, "value": "1 Main St"]],
            createsMissing: true)
        #expect(result.resource["addresses"] == [["type": "work", "formatted": "1 Main St"]])
        #expect(result.firedRules == [.filteredEntryCreated])
        let emails = try patch(
            [["op": "add", "path": #"emails[type eq "other" and primary eq false]"#, "value": ["value": "o@example.com"]]],
            createsMissing: true)
        #expect(emails.resource["emails"]?[2] == ["type": "other", "primary": false, "value": "o@example.com"])
        // A filter that is not eq terms says nothing about the element to create.
        #expect(throws: ScimError.self) {
            try patch([["op": "replace", "path": #"emails[type co "oth"].value"#, "value": "x"]], createsMissing: true)
        }
        let matched = try patch(
            [["op": "replace", "path": #"emails[type eq "work"].value"#, "value": "w@example.com"]], createsMissing: true)
        #expect(matched.firedRules.isEmpty)
    }

    // MARK: remove

    @Test func removeForms() throws {
        var result = try patched([["op": "remove", "path": "title"]])
        #expect(result["title"] == nil)
        result = try patched([["op": "remove", "path": "name.givenName"]])
        #expect(result["name"] == ["familyName": "Jensen"])
        result = try patched([["op": "remove", "path": "name.givenName"], ["op": "remove", "path": "name.familyName"]])
        #expect(result["name"] == nil)
        result = try patched([["op": "remove", "path": #"emails[type eq "work"]"#]])
        #expect(result["emails"] == [["value": "babs@jensen.org", "type": "home"]])
        result = try patched([["op": "remove", "path": #"emails[type eq "work"].primary"#]])
        #expect(result["emails"]?[0] == ["value": "bjensen@example.com", "type": "work"])
        result = try patched([["op": "remove", "path": "emails"]])
        #expect(result["emails"] == nil)
        result = try patched([["op": "remove", "path": "emails.type"]])
        #expect(result["emails"]?[1] == ["value": "babs@jensen.org"])
        // Removing what is absent, or a filter matching nothing, is no error.
        #expect(try patched([["op": "remove", "path": "nickName"]]) == Self.user)
        #expect(try patched([["op": "remove", "path": #"emails[type eq "other"]"#]]) == Self.user)
    }

    @Test func removeOfAMultiValuedAttributeWithAValueIsRefused() {
        expectError(.invalidValue, [["op": "remove", "path": "emails", "value": [["value": "babs@jensen.org"]]]])
    }

    @Test func requiredAttributesMustSurviveThePatch() throws {
        expectError(.invalidValue, [["op": "remove", "path": "userName"]])
        expectError(.invalidValue, [["op": "replace", "path": "userName", "value": ""]])
        expectGroupError(.invalidValue, [["op": "remove", "path": "displayName"]])
        let renamed = try patched([["op": "remove", "path": "userName"], ["op": "add", "path": "userName", "value": "babs"]])
        #expect(renamed["userName"] == "babs")
    }

    // MARK: Mutability, types, atomicity

    @Test func readOnlyAttributesAreMutabilityErrors() {
        expectError(.mutability, [["op": "replace", "path": "id", "value": "x"]])
        expectError(.mutability, [["op": "remove", "path": "meta"]])
        expectError(.mutability, [["op": "replace", "path": "meta.lastModified", "value": "2025-01-01T00:00:00Z"]])
        expectError(.mutability, [["op": "add", "path": "groups", "value": [["value": "g1"]]]])
        expectError(.mutability, [["op": "replace", "path": .string("\(Self.enterprise):manager.displayName"), "value": "Boss"]])
        expectError(.mutability, [["op": "replace", "value": ["id": "other", "title": "x"]]])
    }

    @Test func immutableAttributesCanOnlyBeSetWhenAbsent() throws {
        let badge = ScimAttribute("badge", mutability: .immutable, description: "A badge number.")
        let type = ScimResourceType(
            id: "User", endpoint: "/Users", description: "User", schema: ScimSchemas.user,
            extensions: [ScimSchema(id: "urn:example:badge:2.0:User", name: "Badge", description: "", attributes: [badge])])
        let engine = ScimPatchEngine(type)
        let path = try ScimPatchPath.parse("urn:example:badge:2.0:User:badge")
        let set = try engine.apply([ScimPatchOperation(.add, path: path, value: "7")], to: Self.user)
        #expect(set.resource["urn:example:badge:2.0:User"] == ["badge": "7"])
        let same = try engine.apply([ScimPatchOperation(.replace, path: path, value: "7")], to: set.resource)
        #expect(same.resource == set.resource)
        let change = [ScimPatchOperation(.replace, path: path, value: "8")]
        #expect(throws: ScimError.self) { try engine.apply(change, to: set.resource) }
        do {
            _ = try engine.apply(change, to: set.resource)
        } catch {
            #expect(error.scimType == .mutability)
            #expect(error.detail == "Operations[0]: urn:example:badge:2.0:User:badge is immutable: it cannot change once it has a value")
        }
        let removal = [ScimPatchOperation(.remove, path: path)]
        #expect(throws: ScimError.self) { try engine.apply(removal, to: set.resource) }
    }

    @Test func valuesAreTypeCheckedByTheNormalizer() {
        expectError(.invalidValue, [["op": "replace", "path": "active", "value": "yes"]])
        expectError(.invalidValue, [["op": "replace", "path": "title", "value": ["a", "b"]]])
        expectError(.invalidValue, [["op": "add", "path": "name", "value": "Barbara"]])
        expectError(.invalidValue, [["op": "add", "path": #"emails[type eq "work"].primary"#, "value": "True"]])
    }

    @Test func pathErrors() {
        expectError(.invalidPath, [["op": "replace", "path": "title.sub", "value": "x"]])
        expectError(.invalidPath, [["op": "replace", "path": #"name[givenName eq "B"]"#, "value": "x"]])
        expectError(.invalidFilter, [["op": "remove", "path": #"emails[colour eq "red"]"#]])
    }

    @Test func undefinedAttributesAndPasswordAreIgnored() throws {
        #expect(try patched([["op": "replace", "path": "favouriteColour", "value": "blue"]]) == Self.user)
        #expect(try patched([["op": "replace", "path": "name.nickname", "value": "x"]]) == Self.user)
        #expect(try patched([["op": "replace", "path": "urn:example:custom:2.0:User:badge", "value": "x"]]) == Self.user)
        #expect(try patched([["op": "replace", "path": "password", "value": "secret"]]) == Self.user)
    }

    @Test func allOrNothing() {
        do {
            _ = try patch([
                ["op": "replace", "path": "title", "value": "Boss"],
                ["op": "replace", "path": "id", "value": "x"],
            ])
            Issue.record("expected an error")
        } catch let error as ScimError {
            #expect(error.scimType == .mutability)
            #expect(error.detail.hasPrefix("Operations[1]: "))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    // MARK: Extension attributes

    @Test func extensionAttributes() throws {
        var result = try patched([["op": "replace", "path": .string("\(Self.enterprise):department"), "value": "Sales"]])
        #expect(result[Self.enterprise]?["department"] == "Sales")
        result = try patched([["op": "replace", "path": .string("\(Self.enterprise):manager.value"), "value": "m2"]])
        #expect(result[Self.enterprise]?["manager"] == ["value": "m2"])
        result = try patched([["op": "replace", "path": .string(Self.enterprise), "value": ["division": "North"]]])
        #expect(result[Self.enterprise] == ["department": "Tours", "manager": ["value": "m1"], "division": "North"])
        result = try patched([
            ["op": "remove", "path": .string("\(Self.enterprise):department")],
            ["op": "remove", "path": .string("\(Self.enterprise):manager")],
        ])
        #expect(result[Self.enterprise] == nil)  // an extension left empty goes away
        result = try patched([["op": "remove", "path": .string(Self.enterprise)]])
        #expect(result[Self.enterprise] == nil)
        let fresh = try patched([["op": "add", "path": .string("\(Self.enterprise):employeeNumber"), "value": "7"]], ["userName": "a"])
        #expect(fresh == ["userName": "a", Self.enterprise: ["employeeNumber": "7"]])
    }

    // MARK: Group members

    func memberChanges(_ json: [JSONValue]) throws -> [ScimMemberChange] {
        let result = try patch(json, Self.group, type: .group)
        #expect(result.resource["members"] == nil)  // members never enter the stored attributes
        return result.memberChanges
    }

    @Test func memberOperationsBecomeChanges() throws {
        #expect(try memberChanges([["op": "add", "path": "members", "value": [["value": "00u1", "display": "a@b.c"]]]])
            == [.add([ScimMember(value: "00u1", display: "a@b.c")])])
        #expect(try memberChanges([["op": "replace", "path": "members", "value": [["value": "u2", "type": "user"]]]])
            == [.replace([ScimMember(value: "u2", type: "User")])])
        #expect(try memberChanges([["op": "replace", "path": "members", "value": []]]) == [.replace([])])
        #expect(try memberChanges([["op": "remove", "path": "members"]]) == [.removeAll])
        #expect(try memberChanges([["op": "remove", "path": #"members[value eq "00u1"]"#]]) == [.remove(ids: ["00u1"])])
        #expect(try memberChanges([["op": "remove", "path": #"Members[VALUE eq "a" or value eq "b" or value eq "c"]"#]])
            == [.remove(ids: ["a", "b", "c"])])
        let typed = try ScimFilterParser.parse(#"type eq "Group""#)
        #expect(try memberChanges([["op": "remove", "path": #"members[type eq "Group"]"#]]) == [.removeMatching(typed)])
    }

    @Test func memberChangesKeepOrderAndCoalesce() throws {
        let changes = try memberChanges([
            ["op": "remove", "path": #"members[value eq "a"]"#],
            ["op": "remove", "path": #"members[value eq "b"]"#],
            ["op": "add", "path": "members", "value": [["value": "c"]]],
            ["op": "add", "path": "members", "value": [["value": "d"]]],
            ["op": "replace", "value": ["displayName": "Renamed", "members": [["value": "e"]]]],
        ])
        #expect(changes == [
            .remove(ids: ["a", "b"]), .add([ScimMember(value: "c"), ScimMember(value: "d")]),
            .replace([ScimMember(value: "e")]),
        ])
        let renamed = try patch([["op": "replace", "value": ["displayName": "Renamed"]]], Self.group, type: .group)
        #expect(renamed.resource == ["displayName": "Renamed"])
    }

    @Test func pathlessMembersKeys() throws {
        #expect(try memberChanges([["op": "add", "value": ["members": [["value": "u1", "type": "Group"]]]]])
            == [.add([ScimMember(value: "u1", type: "Group")])])
        #expect(try memberChanges([["op": "replace", "value": ["members": []]]]) == [.replace([])])
        #expect(try memberChanges([["op": "add", "value": ["members": []]]]).isEmpty)
    }

    @Test func malformedMemberOperations() {
        expectGroupError(.invalidValue, [["op": "add", "path": "members", "value": [["display": "no id"]]]])
        expectGroupError(.invalidValue, [["op": "add", "path": "members", "value": [["value": ""]]]])
        expectGroupError(.invalidValue, [["op": "add", "path": "members", "value": ["u1"]]])
        expectGroupError(.invalidValue, [["op": "add", "path": "members", "value": [["value": "u1", "type": "Robot"]]]])
        expectGroupError(.invalidValue, [["op": "remove", "path": "members", "value": [["value": "u1"]]]])
        expectGroupError(.mutability, [["op": "replace", "path": #"members[value eq "u1"].display"#, "value": "x"]])
        expectGroupError(.mutability, [["op": "add", "path": #"members[value eq "u1"]"#, "value": ["value": "u1"]]])
        expectGroupError(.mutability, [["op": "remove", "path": "members.display"]])
        expectGroupError(.invalidFilter, [["op": "remove", "path": #"members[userName eq "x"]"#]])
    }

    @Test func usersHaveNoMembers() throws {
        #expect(try patch([["op": "add", "path": "members", "value": [["value": "x"]]]]).memberChanges.isEmpty)
    }

    @Test func noOperationsChangeNothing() throws {
        let result = try ScimPatchEngine(.user).apply([], to: Self.user)
        #expect(result == ScimPatchResult(resource: Self.user))
    }
}

fileprivate extension JSONValue {
    /// `value[index]` of an array, for tests.
    subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// `value[key]` of an object, for tests.
    subscript(key: String) -> JSONValue? { objectValue?[key] }

    var arrayCount: Int? {
        guard case .array(let elements) = self else { return nil }
        return elements.count
    }
}

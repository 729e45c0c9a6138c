import Foundation
@testable import HeraldCore
import Testing

/// The tolerant layer, fed the payloads Okta's and Microsoft's documentation show (research/scim.md §2), through
/// the whole PATCH pipeline: quirks → strict decode → engine.
@Suite struct ScimQuirksTests {
    static let enterprise = ScimURN.enterpriseUser
    static let user: [String: JSONValue] = [
        "userName": "bjensen", "name": ["givenName": "Barbara", "familyName": "Jensen"], "active": true,
        "title": "Guide",
    ]
    static let group: [String: JSONValue] = ["displayName": "Guides"]

    func json(_ text: String) throws -> [String: JSONValue] {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        return try #require(value.objectValue)
    }

    /// `{"schemas":[PatchOp],"Operations":[…]}` around the given operations.
    func patchBody(_ operations: String) throws -> [String: JSONValue] {
        try json(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":["# + operations + "]}")
    }

    struct Outcome {
        var result: ScimPatchResult
        var fired: [ScimQuirkRule]
    }

    func run(
        _ body: [String: JSONValue], type: ScimResourceType = .user, on resource: [String: JSONValue]? = nil,
        createsMissing: Bool = true
    ) throws -> Outcome {
        let (rewritten, fired) = ScimQuirks.patchBody(body, type: type)
        let request = try ScimPatchRequest.decode(rewritten, allowsEmptyOperations: fired.contains(.emptyOperations))
        let engine = ScimPatchEngine(type, createsMissingFilteredEntries: createsMissing)
        let result = try engine.apply(request.operations, to: resource ?? (type == .group ? Self.group : Self.user))
        return Outcome(result: result, fired: fired + result.firedRules)
    }

    // MARK: Microsoft Entra ID

    @Test func entraCapitalisedOpAndStringBoolean() throws {
        let body = try json(
            #"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}"#)
        let outcome = try run(body)
        #expect(outcome.result.resource["active"] == false)
        #expect(outcome.fired == [.capitalizedOp, .booleanString])
        // Without the tolerant layer the strict core refuses it.
        #expect(throws: ScimError.self) { try ScimPatchRequest.decode(body) }
    }

    @Test func booleanStringsAreConvertedOnlyForBooleanAttributes() throws {
        let title = try run(patchBody(#"{"op":"Replace","path":"title","value":"False"}"#))
        #expect(title.result.resource["title"] == "False")
        #expect(title.fired == [.capitalizedOp])
        let pathless = try run(patchBody(#"{"op":"replace","value":{"active":"TRUE","title":"True","nickName":"false"}}"#))
        #expect(pathless.result.resource["active"] == true)
        #expect(pathless.result.resource["title"] == "True")
        #expect(pathless.result.resource["nickName"] == "false")
        let primary = try run(
            patchBody(#"{"op":"add","path":"emails","value":[{"value":"b@example.com","type":"work","primary":"true"}]}"#))
        #expect(primary.result.resource["emails"] == [["value": "b@example.com", "type": "work", "primary": true]])
        #expect(primary.fired == [.booleanString])
        let filtered = try run(
            patchBody(#"{"op":"replace","path":"emails[type eq \"work\"].primary","value":"False"}"#),
            on: Self.user.merging(["emails": [["value": "b@example.com", "type": "work"]]]) { $1 })
        #expect(filtered.result.resource["emails"] == [["value": "b@example.com", "type": "work", "primary": false]])
        // Not a boolean spelling: left for the strict core to refuse.
        #expect(throws: ScimError.self) { try run(patchBody(#"{"op":"replace","path":"active","value":"no"}"#)) }
    }

    @Test func entraAddMembersWithNullRef() throws {
        let outcome = try run(
            patchBody(#"{"op":"Add","path":"members","value":[{"$ref":null,"value":"id"}]}"#), type: .group)
        #expect(outcome.result.memberChanges == [.add([ScimMember(value: "id")])])
        #expect(outcome.fired == [.capitalizedOp, .nullReferenceDropped, .memberWithoutType])
        let (body, _) = ScimQuirks.patchBody(
            try patchBody(#"{"op":"Add","path":"members","value":[{"$ref":null,"value":"id"}]}"#), type: .group)
        #expect(body["Operations"]?[0]?["value"] == [["value": "id"]])
    }

    @Test func entraRemoveMembersByValueArray() throws {
        let outcome = try run(
            patchBody(#"{"op":"Remove","path":"members","value":[{"value":"id"},{"value":"id\"2"}]}"#), type: .group)
        #expect(outcome.result.memberChanges == [.remove(ids: ["id", "id\"2"])])
        #expect(outcome.fired == [.capitalizedOp, .memberRemoveValueArray])
        // Strictly, remove with a value is refused rather than read as "remove every member".
        #expect(throws: ScimError.self) {
            let request = try ScimPatchRequest.decode(
                patchBody(#"{"op":"remove","path":"members","value":[{"value":"id"}]}"#))
            _ = try ScimPatchEngine(.group).apply(request.operations, to: Self.group)
        }
        let empty = try run(patchBody(#"{"op":"Remove","path":"members","value":[]}"#), type: .group)
        #expect(empty.result.memberChanges.isEmpty)
        #expect(empty.fired == [.capitalizedOp, .memberRemoveValueArray, .emptyOperations])
    }

    @Test func entraPathlessReplaceWithDottedAndURNKeys() throws {
        let outcome = try run(
            patchBody(
                #"{"op":"replace","value":{"displayName":"x","name.givenName":"y","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"7"}}"#
            ))
        #expect(outcome.result.resource["displayName"] == "x")
        #expect(outcome.result.resource["name"] == ["givenName": "y", "familyName": "Jensen"])
        #expect(outcome.result.resource[Self.enterprise] == ["employeeNumber": "7"])
        #expect(outcome.fired == [.pathlessKeysExpanded])
    }

    @Test func expandedKeysMergeWithObjectsAlreadyThere() throws {
        let (body, fired) = ScimQuirks.patchBody(
            try patchBody(
                #"{"op":"add","value":{"name":{"familyName":"J"},"name.givenName":"B","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D"},"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value":"m2","urn:ietf:params:scim:schemas:core:2.0:User:nickName":"Babs"}}"#
            ), type: .user)
        #expect(fired == [.pathlessKeysExpanded])
        #expect(body["Operations"]?[0]?["value"] == [
            "name": ["familyName": "J", "givenName": "B"],
            "nickName": "Babs",
            Self.enterprise: ["department": "D", "manager": ["value": "m2"]],
        ])
    }

    @Test func managerAsAPlainString() throws {
        let pathed = try run(
            patchBody(#"{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"m9"}"#))
        #expect(pathed.result.resource[Self.enterprise] == ["manager": ["value": "m9"]])
        #expect(pathed.fired == [.capitalizedOp, .managerString])
        let pathless = try run(
            patchBody(#"{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager":"m3"}}"#))
        #expect(pathless.result.resource[Self.enterprise] == ["manager": ["value": "m3"]])
        #expect(pathless.fired == [.pathlessKeysExpanded, .managerString])
        let (body, fired) = ScimQuirks.resourceBody(
            try json(
                #"{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"m1"}}"#
            ), type: .user)
        #expect(body[Self.enterprise] == ["manager": ["value": "m1"]])
        #expect(fired == [.managerString])
        let nullRef = ScimQuirks.resourceBody(
            ["userName": "a", Self.enterprise: ["manager": ["value": "m1", "$ref": nil]]], type: .user)
        #expect(nullRef.body[Self.enterprise] == ["manager": ["value": "m1"]])
        #expect(nullRef.fired == [.nullReferenceDropped])
    }

    @Test func filteredPathThatMustCreateTheEntry() throws {
        let outcome = try run(
            patchBody(
                #"{"op":"Add","path":"emails[type eq \"work\"].value","value":"b@work.example"},{"op":"Replace","path":"addresses[type eq \"work\"].formatted","value":"1 Main St"},{"op":"replace","path":"phoneNumbers[type eq \"mobile\"].value","value":"555"}"#
            ))
        #expect(outcome.result.resource["emails"] == [["type": "work", "value": "b@work.example"]])
        #expect(outcome.result.resource["addresses"] == [["type": "work", "formatted": "1 Main St"]])
        #expect(outcome.result.resource["phoneNumbers"] == [["type": "mobile", "value": "555"]])
        #expect(outcome.fired == [.capitalizedOp, .filteredEntryCreated])
        #expect(throws: ScimError.self) {
            try run(patchBody(#"{"op":"add","path":"emails[type eq \"work\"].value","value":"x"}"#), createsMissing: false)
        }
    }

    @Test func emptyOperationsIsANoOp() throws {
        let body = try json(#"{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[]}"#)
        let outcome = try run(body)
        #expect(outcome.result.resource == Self.user)
        #expect(outcome.fired == [.emptyOperations])
    }

    // MARK: Okta

    @Test func oktaPathlessActiveReplaceIsDetected() throws {
        let outcome = try run(patchBody(#"{"op":"replace","value":{"active":false}}"#))
        #expect(outcome.result.resource["active"] == false)
        #expect(outcome.fired == [.oktaPathlessActiveReplace])
    }

    @Test func oktaGroupMembership() throws {
        let removal = try run(patchBody(#"{"op":"remove","path":"members[value eq \"00u1\"]"}"#), type: .group)
        #expect(removal.result.memberChanges == [.remove(ids: ["00u1"])])
        #expect(removal.fired.isEmpty)
        let addition = try run(
            patchBody(#"{"op":"add","path":"members","value":[{"value":"00u1","display":"a@b.c"}]}"#), type: .group)
        #expect(addition.result.memberChanges == [.add([ScimMember(value: "00u1", type: nil, display: "a@b.c")])])
        #expect(addition.fired == [.memberWithoutType])
        let cleared = try run(patchBody(#"{"op":"replace","path":"members","value":[]}"#), type: .group)
        #expect(cleared.result.memberChanges == [.replace([])])
        #expect(cleared.fired == [.memberReplaceEmpty])
    }

    @Test func oktaGroupRenameWithIdInTheValue() throws {
        let outcome = try run(patchBody(#"{"op":"replace","value":{"id":"gid","displayName":"New"}}"#), type: .group)
        #expect(outcome.result.resource == ["displayName": "New"])
        #expect(outcome.fired == [.readOnlyInValueIgnored])
        let meta = ScimQuirks.patchBody(
            try patchBody(#"{"op":"add","value":{"meta":{"version":"W/\"1\""},"groups":[],"nickName":"B"}}"#), type: .user)
        #expect(meta.body["Operations"]?[0]?["value"] == ["nickName": "B"])
        #expect(meta.fired == [.readOnlyInValueIgnored])
    }

    // MARK: OneLogin

    @Test func legacySchemaURNs() throws {
        let (body, fired) = ScimQuirks.resourceBody(
            try json(
                #"{"schemas":["urn:scim:schemas:core:2.0","urn:scim:schemas:extension:enterprise:2.0"],"userName":"a","active":"True","urn:scim:schemas:extension:enterprise:2.0":{"department":"D"}}"#
            ), type: .user)
        #expect(body["schemas"] == [.string(ScimURN.user), .string(Self.enterprise)])
        #expect(body[Self.enterprise] == ["department": "D"])
        #expect(fired == [.legacySchemaURN, .booleanString])
        let stored = try ScimResourceNormalizer(.user).normalize(body)
        #expect(stored == ["userName": "a", "active": true, Self.enterprise: ["department": "D"]])

        let group = ScimQuirks.resourceBody(
            ["schemas": ["urn:scim:schemas:core:1.0"], "displayName": "G", "members": [["value": "u1", "type": "User"]]],
            type: .group)
        #expect(group.body["schemas"] == [.string(ScimURN.group)])
        #expect(group.fired == [.legacySchemaURN])

        let pathed = try run(
            patchBody(#"{"op":"replace","path":"urn:scim:schemas:extension:enterprise:1.0:department","value":"E"}"#))
        #expect(pathed.result.resource[Self.enterprise] == ["department": "E"])
        #expect(pathed.fired == [.legacySchemaURN])
    }

    // MARK: Generalities

    @Test func resourceBodiesGetBooleansAndMembersChecked() {
        let user = ScimQuirks.resourceBody(
            ["userName": "a", "active": "false", "title": "False", "emails": [["value": "a@b.c", "primary": "TRUE"]]],
            type: .user)
        #expect(user.body["active"] == false)
        #expect(user.body["title"] == "False")
        #expect(user.body["emails"] == [["value": "a@b.c", "primary": true]])
        #expect(user.fired == [.booleanString])
        let group = ScimQuirks.resourceBody(["displayName": "G", "members": [["value": "u1", "$ref": nil]]], type: .group)
        #expect(group.body["members"] == [["value": "u1"]])
        #expect(group.fired == [.nullReferenceDropped, .memberWithoutType])
    }

    @Test func standardBodiesFireNothing() throws {
        let body = try patchBody(
            #"{"op":"replace","path":"name.givenName","value":"B"},{"op":"add","path":"emails","value":[{"value":"x@y.z","primary":true}]}"#)
        let (rewritten, fired) = ScimQuirks.patchBody(body, type: .user)
        #expect(rewritten == body)
        #expect(fired.isEmpty)
        let resource: [String: JSONValue] = ["schemas": [.string(ScimURN.user)], "userName": "a", "active": true]
        #expect(ScimQuirks.resourceBody(resource, type: .user) == (resource, []))
    }

    @Test func malformedBodiesAreLeftForTheStrictCore() throws {
        let notOperations: [String: JSONValue] = ["schemas": [.string(ScimURN.patchOp)], "Operations": "nope"]
        #expect(ScimQuirks.patchBody(notOperations, type: .user).body == notOperations)
        let badPath = try patchBody(#"{"op":"Replace","path":"emails[type eq","value":"False"}"#)
        let (rewritten, fired) = ScimQuirks.patchBody(badPath, type: .user)
        #expect(fired == [.capitalizedOp])
        #expect(throws: ScimError.self) { try ScimPatchRequest.decode(rewritten) }
        // A path the strict core will refuse does not make the value path-less.
        let readOnly = try patchBody(#"{"op":"replace","path":"meta","value":{"active":"True","name.givenName":"B"}}"#)
        #expect(ScimQuirks.patchBody(readOnly, type: .user) == (readOnly, []))
    }

    @Test func ruleNamesAreStableSnakeCase() {
        let names = ScimQuirkRule.allCases.map(\.rawValue)
        #expect(Set(names).count == names.count)
        for name in names {
            #expect(name.allSatisfy { $0.isLowercase || $0 == "_" }, "\(name)")
        }
        #expect(ScimQuirkRule.oktaPathlessActiveReplace.rawValue == "okta_pathless_active_replace")
        #expect(ScimQuirkRule.memberReplaceEmpty.rawValue == "member_replace_empty")
        #expect(ScimQuirkRule.memberWithoutType.rawValue == "member_without_type")
        #expect(ScimQuirkRule.readOnlyInValueIgnored.rawValue == "readonly_in_value_ignored")
    }
}

fileprivate extension JSONValue {
    subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    subscript(key: String) -> JSONValue? { objectValue?[key] }
}

import HeraldCore
import Testing

private let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

@Suite("SCIM PATCH path parser")
struct ScimPatchPathTests {
    @Test("attribute paths without a filter", arguments: [
        ("members", ScimAttributePath(attribute: "members")),
        ("name.familyName", ScimAttributePath(attribute: "name", subAttribute: "familyName")),
        ("\(enterprise):department", ScimAttributePath(schema: enterprise, attribute: "department")),
        ("\(enterprise):manager.value",
         ScimAttributePath(schema: enterprise, attribute: "manager", subAttribute: "value")),
        ("members.$ref", ScimAttributePath(attribute: "members", subAttribute: "$ref")),
        ("  displayName  ", ScimAttributePath(attribute: "displayName")),
        ("not", ScimAttributePath(attribute: "not")),
    ] as [(String, ScimAttributePath)])
    func attributeOnly(text: String, attribute: ScimAttributePath) throws {
        let path = try ScimPatchPath.parse(text)
        #expect(path == ScimPatchPath(attribute: attribute))
        #expect(path.valueFilter == nil && path.subAttribute == nil)
        #expect(try ScimPatchPath.parse(path.description) == path)
    }

    @Test("value filters")
    func valueFilters() throws {
        let member = try ScimPatchPath.parse("members[value eq \"2819c223-7f76-453a-919d-413861904646\"]")
        #expect(member.attribute == ScimAttributePath(attribute: "members"))
        #expect(
            member.valueFilter
                == .compare(
                    ScimAttributePath(attribute: "value"), .eq, .string("2819c223-7f76-453a-919d-413861904646")))
        #expect(member.subAttribute == nil)

        let work = try ScimPatchPath.parse("emails[type eq \"work\"].value")
        #expect(work.attribute == ScimAttributePath(attribute: "emails"))
        #expect(work.valueFilter == .compare(ScimAttributePath(attribute: "type"), .eq, .string("work")))
        #expect(work.subAttribute == "value")
        #expect(work.description == "emails[type eq \"work\"].value")

        let address = try ScimPatchPath.parse("addresses[type eq \"work\"].formatted")
        #expect(address.attribute.attribute == "addresses")
        #expect(address.subAttribute == "formatted")

        let combined = try ScimPatchPath.parse("emails[type eq \"work\" AND primary eq TRUE]")
        #expect(
            combined.valueFilter
                == .and(
                    .compare(ScimAttributePath(attribute: "type"), .eq, .string("work")),
                    .compare(ScimAttributePath(attribute: "primary"), .eq, .bool(true))))
        #expect(combined.description == "emails[type eq \"work\" and primary eq true]")

        let schemaQualified = try ScimPatchPath.parse(
            "urn:ietf:params:scim:schemas:core:2.0:User:emails[primary eq true].value")
        #expect(schemaQualified.attribute.schema == "urn:ietf:params:scim:schemas:core:2.0:User")
        #expect(schemaQualified.subAttribute == "value")
    }

    @Test("description round-trips", arguments: [
        "members", "name.familyName", "\(enterprise):manager.value",
        "members[value eq \"2819c223\"]", "emails[type eq \"work\"].value",
        "emails[not (type eq \"work\") or primary eq true and value ew \"@x.org\"].display",
        "x509Certificates[value pr].$ref",
    ])
    func roundTrip(text: String) throws {
        let path = try ScimPatchPath.parse(text)
        #expect(path.description == text)
        #expect(try ScimPatchPath.parse(path.description) == path)
    }

    @Test("rejects malformed paths", arguments: [
        ("", 0, "path is empty"),
        ("  ", 2, "path is empty"),
        ("members[", 8, "unclosed '['"),
        ("members[]", 7, "empty value filter"),
        ("members[value eq 1", 18, "unclosed '['"),
        ("[x eq 1]", 0, "expected an attribute path"),
        ("a..b", 0, "invalid attribute path"),
        ("a.b.c", 0, "invalid attribute path"),
        ("members]", 7, "unbalanced ']'"),
        ("members[value eq 1]x", 19, "unexpected 'x' after the path"),
        ("members[value eq 1] extra", 20, "unexpected 'extra'"),
        ("members[value eq 1].", 19, "invalid sub-attribute"),
        ("emails[type eq \"work\"].value.display", 22, "invalid sub-attribute"),
        ("emails[type eq \"work\"].value[primary pr]", 28, "unexpected '['"),
        ("members[value[x pr]]", 13, "cannot be nested"),
        ("members[value]", 13, "expected an operator"),
        ("members value", 8, "unexpected 'value'"),
        ("\"members\"", 0, "expected an attribute path"),
        ("members eq 1", 8, "unexpected 'eq'"),
        ("foo:bar", 0, "invalid attribute path"),
    ] as [(String, Int, String)])
    func rejects(text: String, offset: Int, fragment: String) {
        let error = #expect(throws: ScimFilterError.self) { try ScimPatchPath.parse(text) }
        #expect(error?.offset == offset)
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error")")
    }

    @Test("the filter limits apply to paths")
    func limits() {
        let long = "members[value eq \"" + String(repeating: "x", count: 3000) + "\"]"
        #expect(throws: ScimFilterError.self) { try ScimPatchPath.parse(long) }
        #expect(throws: Never.self) { try ScimPatchPath.parse(long, limits: ScimFilterLimits(maxLength: 4000)) }

        let nine = "emails[" + String(repeating: "(", count: 9) + "type pr" + String(repeating: ")", count: 9) + "]"
        #expect(throws: Never.self) { try ScimPatchPath.parse(nine) }
        let ten = "emails[" + String(repeating: "(", count: 10) + "type pr" + String(repeating: ")", count: 10) + "]"
        #expect(throws: ScimFilterError.self) { try ScimPatchPath.parse(ten) }
        #expect(throws: ScimFilterError.self) {
            try ScimPatchPath.parse("emails[type pr]", limits: ScimFilterLimits(maxDepth: 0))
        }
        #expect(throws: Never.self) { try ScimPatchPath.parse("emails.type", limits: ScimFilterLimits(maxDepth: 0)) }
    }
}

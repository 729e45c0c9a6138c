@testable import HeraldCore
import Testing

@Suite struct ScimFilterEvaluatorTests {
    static let user: [String: JSONValue] = [
        "schemas": [.string(ScimURN.user), .string(ScimURN.enterpriseUser)],
        "id": "2819c223-7f76-453a-919d-413861904646",
        "externalId": "bjensen",
        "meta": [
            "resourceType": "User", "created": "2011-08-01T18:29:49Z", "lastModified": "2011-08-01T20:31:02Z",
            "version": "W/\"3\"",
        ],
        "userName": "bjensen@example.com",
        "name": ["familyName": "Jensen", "givenName": "Barbara"],
        "title": "Tour Guide",
        "active": true,
        "emails": [
            ["value": "bjensen@example.com", "type": "work", "primary": true],
            ["value": "babs@jensen.org", "type": "home"],
        ],
        ScimURN.enterpriseUser: [
            "employeeNumber": "701984", "department": "Tour Operations", "manager": ["value": "26118915"],
        ],
    ]

    static let group: [String: JSONValue] = [
        "schemas": [.string(ScimURN.group)], "id": "g1", "displayName": "Tour Guides",
        "meta": ["resourceType": "Group", "created": "2011-08-01T18:29:49Z", "lastModified": "2011-08-01T18:29:49Z"],
        "members": [["value": "u1", "type": "User", "display": "Babs"], ["value": "g2", "type": "Group"]],
    ]

    func matches(_ filter: String, _ resource: [String: JSONValue] = user, type: ScimResourceType = .user) throws
        -> Bool
    {
        try ScimFilterEvaluator.matches(ScimFilterParser.parse(filter), resource, type: type)
    }

    func expectInvalid(_ filter: String, type: ScimResourceType = .user, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        let parsed = try ScimFilterParser.parse(filter)
        #expect(throws: ScimError.self, sourceLocation: sourceLocation) {
            try ScimFilterEvaluator.validate(parsed, type: type)
        }
        do {
            try ScimFilterEvaluator.validate(parsed, type: type)
        } catch {
            #expect(error.status == 400 && error.scimType == .invalidFilter, "\(filter)", sourceLocation: sourceLocation)
        }
    }

    // MARK: RFC 7644 §3.4.2.2

    @Test func attributeNamesAreCaseInsensitiveAndCaseExactDecidesValues() throws {
        #expect(try matches(#"userName eq "bjensen@example.com""#))
        #expect(try matches(#"USERNAME eq "BJENSEN@EXAMPLE.COM""#))  // userName is caseExact false
        #expect(try matches(#"externalId eq "bjensen""#))
        #expect(try !matches(#"externalId eq "BJENSEN""#))  // externalId is caseExact true
        #expect(try !matches(#"id eq "2819C223-7F76-453A-919D-413861904646""#))
        #expect(try matches(#"meta.resourceType eq "User""#))
        #expect(try !matches(#"meta.resourceType eq "user""#))
    }

    @Test func stringOperators() throws {
        #expect(try matches(#"title co "guide""#))
        #expect(try matches(#"title sw "Tour""#))
        #expect(try matches(#"title ew "GUIDE""#))
        #expect(try !matches(#"title sw "Guide""#))
        #expect(try matches(#"title co """#))
        #expect(try matches(#"name.familyName gt "A""#))
        #expect(try matches(#"name.familyName ge "jensen""#))
        #expect(try !matches(#"name.familyName lt "J""#))
        #expect(try matches(#"name.familyName le "Jensen""#))
        #expect(try matches(#"title ne "Boss""#))
        #expect(try !matches(#"title ne "tour guide""#))
    }

    @Test func dateTimesCompareChronologically() throws {
        #expect(try matches(#"meta.lastModified gt "2011-05-13T04:42:34Z""#))
        #expect(try matches(#"meta.lastModified le "2011-08-01T22:31:02+02:00""#))  // 20:31:02Z
        #expect(try !matches(#"meta.lastModified lt "2011-08-01T22:31:02+02:00""#))
        #expect(try matches(#"meta.lastModified lt "2011-08-01T22:31:03+02:00""#))
        #expect(try matches(#"meta.created eq "2011-08-01T20:29:49+02:00""#))
        #expect(try matches(#"meta.created ge "2011-08-01""#))
        #expect(try !matches(#"meta.created gt "2011-08-01T18:29:49Z""#))
    }

    @Test func booleans() throws {
        #expect(try matches("active eq true"))
        #expect(try !matches("active eq false"))
        #expect(try matches("active ne false"))
        #expect(try matches(#"emails[primary eq true].value eq "bjensen@example.com""#))
    }

    @Test func presenceAndNull() throws {
        #expect(try matches("title pr"))
        #expect(try matches("name pr"))
        #expect(try !matches("nickName pr"))
        #expect(try matches(#"nickName ne "x""#))  // absent is "not equal"
        #expect(try matches("nickName eq null"))
        #expect(try !matches("title eq null"))
        #expect(try matches("title ne null"))
        var blank = Self.user
        blank["title"] = ""
        blank["ims"] = []
        #expect(try !matches("title pr", blank))
        #expect(try !matches("ims pr", blank))
    }

    @Test func multiValuedAttributesMatchWhenAnyElementDoes() throws {
        #expect(try matches(#"emails eq "babs@jensen.org""#))  // compares emails.value
        #expect(try matches(#"emails co "jensen.org""#))
        #expect(try matches(#"emails.type eq "home""#))
        #expect(try !matches(#"emails.type eq "other""#))
        #expect(try matches(#"emails.type ne "work""#))  // the home address is not "work"
        #expect(try matches(#"emails[type eq "work" and value co "@example.com"]"#))
        #expect(try !matches(#"emails[type eq "home" and value co "@example.com"]"#))
        #expect(try matches(#"emails[type eq "work"].value eq "bjensen@example.com""#))  // Entra's form
        #expect(try matches(#"emails[not (type eq "home")]"#))
    }

    @Test func logicalOperatorsAndGrouping() throws {
        #expect(try matches(#"userName sw "b" and (title co "tour" or nickName pr)"#))
        #expect(try !matches(#"userName sw "x" or (title co "boss")"#))
        #expect(try matches(#"not (userName eq "someone")"#))
        #expect(try !matches(#"not (userName pr)"#))
    }

    @Test func extensionAttributesByURN() throws {
        #expect(try matches(#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "tour operations""#))
        #expect(try matches(#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:employeeNumber sw "70""#))
        #expect(try matches(#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915""#))
        #expect(try matches(#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "26118915""#))
        #expect(try matches(#"urn:ietf:params:scim:schemas:core:2.0:User:userName pr"#))
        #expect(try !matches(#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:costCenter pr"#))
    }

    @Test func schemasIsAFilterableListOfURNs() throws {
        #expect(try matches(#"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#))
        #expect(try matches(#"schemas eq "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER""#))
        #expect(try !matches(#"schemas eq "urn:ietf:params:scim:schemas:core:2.0:Group""#))
    }

    @Test func groupMembersAndDisplayName() throws {
        #expect(try matches(#"displayName eq "tour guides""#, Self.group, type: .group))
        #expect(try matches(#"members eq "u1""#, Self.group, type: .group))
        #expect(try !matches(#"members eq "U1""#, Self.group, type: .group))  // member ids are caseExact
        #expect(try matches(#"members[type eq "Group"]"#, Self.group, type: .group))
        #expect(try matches(#"members.display pr"#, Self.group, type: .group))
        #expect(try !matches(#"members pr"#, Self.user.merging(["members": []]) { $1 }, type: .group))
    }

    @Test func memberRowsEvaluateAgainstTheMembersAttribute() throws {
        let members = try #require(ScimSchemas.group.attribute("members"))
        let filter = try ScimFilterParser.parse(#"type eq "Group" or display sw "b""#)
        #expect(try ScimFilterEvaluator.matches(filter, element: ["value": "g2", "type": "Group"], of: members))
        #expect(try ScimFilterEvaluator.matches(filter, element: ["value": "u1", "display": "Babs"], of: members))
        #expect(try !ScimFilterEvaluator.matches(filter, element: ["value": "u1", "type": "User"], of: members))
        #expect(throws: ScimError.self) {
            try ScimFilterEvaluator.validate(ScimFilterParser.parse(#"userName eq "x""#), elementOf: members)
        }
    }

    // MARK: Type errors are invalidFilter, before any evaluation

    @Test func typeErrorsAreInvalidFilter() throws {
        try expectInvalid("active gt true")
        try expectInvalid(#"active co "t""#)
        try expectInvalid(#"active eq "true""#)
        try expectInvalid(#"meta.created sw "2011""#)
        try expectInvalid(#"meta.created gt "yesterday""#)
        try expectInvalid("userName eq 7")
        try expectInvalid(#"name eq "Barbara""#)
        try expectInvalid(#"name gt "B""#)
        try expectInvalid(#"meta lt "x""#)
        try expectInvalid("title gt null")
        try expectInvalid(#"addresses eq "x""#)  // complex without a value sub-attribute
    }

    @Test func unknownAttributesAreInvalidFilterNotSilentMisses() throws {
        try expectInvalid(#"favouriteColour eq "blue""#)
        try expectInvalid(#"name.nickname eq "x""#)
        try expectInvalid(#"emails[colour eq "red"]"#)
        try expectInvalid(#"urn:example:custom:2.0:User:badge eq "1""#)
        try expectInvalid(#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:userName eq "x""#)
        try expectInvalid(#"userName eq "x""#, type: .group)
        try expectInvalid(#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "x""#, type: .group)
        try expectInvalid(#"userName[value eq "x"]"#)
    }

    @Test func matchesValidatesEvenWhenShortCircuitWouldSkip() throws {
        #expect(throws: ScimError.self) { try matches(#"userName pr or active gt true"#) }
    }

    @Test func wrongTypedStoredValuesNeverMatch() throws {
        var odd = Self.user
        odd["active"] = "true"
        #expect(try !matches("active eq true", odd))
        #expect(try matches("active ne true", odd))
    }
}

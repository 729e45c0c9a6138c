import HeraldCore
import Testing

/// Shorthands for building expected trees.
private func attr(_ name: String, _ sub: String? = nil, schema: String? = nil) -> ScimAttributePath {
    ScimAttributePath(schema: schema, attribute: name, subAttribute: sub)
}

private func compare(_ path: ScimAttributePath, _ op: ScimCompareOperator, _ text: String) -> ScimFilter {
    .compare(path, op, .string(text))
}

private func present(_ name: String, _ sub: String? = nil) -> ScimFilter {
    .present(attr(name, sub))
}

private let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
private let coreUser = "urn:ietf:params:scim:schemas:core:2.0:User"

@Suite("SCIM filter parser")
struct ScimFilterParserTests {
    // MARK: RFC 7644 §3.4.2.2 examples

    @Test("parses the RFC 7644 example filters", arguments: [
        ("userName eq \"bjensen\"", compare(attr("userName"), .eq, "bjensen")),
        ("name.familyName co \"O'Malley\"", compare(attr("name", "familyName"), .co, "O'Malley")),
        ("userName sw \"J\"", compare(attr("userName"), .sw, "J")),
        ("\(coreUser):userName sw \"J\"", compare(attr("userName", schema: coreUser), .sw, "J")),
        ("title pr", present("title")),
        ("meta.lastModified gt \"2011-05-13T04:42:34Z\"",
         compare(attr("meta", "lastModified"), .gt, "2011-05-13T04:42:34Z")),
        ("meta.lastModified ge \"2011-05-13T04:42:34Z\"",
         compare(attr("meta", "lastModified"), .ge, "2011-05-13T04:42:34Z")),
        ("meta.lastModified lt \"2011-05-13T04:42:34Z\"",
         compare(attr("meta", "lastModified"), .lt, "2011-05-13T04:42:34Z")),
        ("meta.lastModified le \"2011-05-13T04:42:34Z\"",
         compare(attr("meta", "lastModified"), .le, "2011-05-13T04:42:34Z")),
        ("title pr and userType eq \"Employee\"",
         .and(present("title"), compare(attr("userType"), .eq, "Employee"))),
        ("title pr or userType eq \"Intern\"",
         .or(present("title"), compare(attr("userType"), .eq, "Intern"))),
        ("schemas eq \"\(enterprise)\"", compare(attr("schemas"), .eq, enterprise)),
        ("userType eq \"Employee\" and (emails co \"example.com\" or emails.value co \"example.org\")",
         .and(
            compare(attr("userType"), .eq, "Employee"),
            .or(compare(attr("emails"), .co, "example.com"), compare(attr("emails", "value"), .co, "example.org")))),
        ("userType ne \"Employee\" and not (emails co \"example.com\" or emails.value co \"example.org\")",
         .and(
            compare(attr("userType"), .ne, "Employee"),
            .not(.or(
                compare(attr("emails"), .co, "example.com"), compare(attr("emails", "value"), .co, "example.org"))))),
        ("userType eq \"Employee\" and (emails.type eq \"work\")",
         .and(compare(attr("userType"), .eq, "Employee"), compare(attr("emails", "type"), .eq, "work"))),
        ("userType eq \"Employee\" and emails[type eq \"work\" and value co \"@example.com\"]",
         .and(
            compare(attr("userType"), .eq, "Employee"),
            .valuePath(
                attr("emails"),
                .and(compare(attr("type"), .eq, "work"), compare(attr("value"), .co, "@example.com"))))),
        ("emails[type eq \"work\" and value co \"@example.com\"] or ims[type eq \"xmpp\" and value co \"@foo.com\"]",
         .or(
            .valuePath(
                attr("emails"), .and(compare(attr("type"), .eq, "work"), compare(attr("value"), .co, "@example.com"))),
            .valuePath(
                attr("ims"), .and(compare(attr("type"), .eq, "xmpp"), compare(attr("value"), .co, "@foo.com"))))),
    ] as [(String, ScimFilter)])
    func rfcExamples(text: String, expected: ScimFilter) throws {
        let filter = try ScimFilterParser.parse(text)
        #expect(filter == expected)
        #expect(try ScimFilterParser.parse(filter.description) == filter)
    }

    // MARK: Operators and keywords

    @Test("every comparison operator, in any case", arguments: ScimCompareOperator.allCases)
    func everyOperator(op: ScimCompareOperator) throws {
        let expected = ScimFilter.compare(attr("age"), op, .number(1))
        #expect(try ScimFilterParser.parse("age \(op.rawValue) 1") == expected)
        #expect(try ScimFilterParser.parse("age \(op.rawValue.uppercased()) 1") == expected)
        let mixed = op.rawValue.prefix(1).uppercased() + op.rawValue.dropFirst()
        #expect(try ScimFilterParser.parse("age \(mixed) 1") == expected)
    }

    @Test("keywords are case-insensitive")
    func keywordCase() throws {
        #expect(try ScimFilterParser.parse("title PR") == present("title"))
        #expect(try ScimFilterParser.parse("title Pr AND nickName pR") == .and(present("title"), present("nickName")))
        #expect(try ScimFilterParser.parse("title pr OR nickName pr") == .or(present("title"), present("nickName")))
        #expect(try ScimFilterParser.parse("NOT (title pr)") == .not(present("title")))
        #expect(try ScimFilterParser.parse("Not(title pr)") == .not(present("title")))
        #expect(try ScimFilterParser.parse("active eq TRUE") == .compare(attr("active"), .eq, .bool(true)))
        #expect(try ScimFilterParser.parse("active eq False") == .compare(attr("active"), .eq, .bool(false)))
        #expect(try ScimFilterParser.parse("manager eq NULL") == .compare(attr("manager"), .eq, .null))
    }

    @Test("attribute names keep the case they were written in")
    func attributeCase() throws {
        #expect(try ScimFilterParser.parse("USERNAME eq \"x\"") == compare(attr("USERNAME"), .eq, "x"))
        #expect(try ScimFilterParser.parse("Name.FamilyName pr") == present("Name", "FamilyName"))
    }

    @Test("and binds tighter than or; both are left-associative")
    func precedence() throws {
        let a = present("a"), b = present("b"), c = present("c")
        #expect(try ScimFilterParser.parse("a pr or b pr and c pr") == .or(a, .and(b, c)))
        #expect(try ScimFilterParser.parse("a pr and b pr or c pr") == .or(.and(a, b), c))
        #expect(try ScimFilterParser.parse("a pr or b pr or c pr") == .or(.or(a, b), c))
        #expect(try ScimFilterParser.parse("a pr and b pr and c pr") == .and(.and(a, b), c))
        #expect(try ScimFilterParser.parse("(a pr or b pr) and c pr") == .and(.or(a, b), c))
        #expect(try ScimFilterParser.parse("a pr and (b pr or c pr)") == .and(a, .or(b, c)))
        #expect(try ScimFilterParser.parse("not (a pr) and b pr") == .and(.not(a), b))
        #expect(try ScimFilterParser.parse("((a pr))") == a)
    }

    @Test("whitespace: any run of spaces and tabs, leading and trailing too")
    func whitespace() throws {
        let expected = ScimFilter.and(present("title"), compare(attr("userType"), .eq, "Employee"))
        #expect(try ScimFilterParser.parse("  title   pr\tand \t userType  eq   \"Employee\"  ") == expected)
        #expect(try ScimFilterParser.parse("(title pr)and(userType eq\"Employee\")") == expected)
        #expect(try ScimFilterParser.parse("not  \t(title pr)") == .not(present("title")))
    }

    // MARK: Values

    @Test("JSON numbers", arguments: [
        ("1", 1.0), ("-1", -1), ("0", 0), ("-0", 0), ("1.5", 1.5), ("1.5e3", 1500), ("1E-2", 0.01),
        ("1e+2", 100), ("-12.75e-1", -1.275), ("123456789012", 123_456_789_012), ("0.000", 0),
    ])
    func numbers(text: String, value: Double) throws {
        #expect(try ScimFilterParser.parse("age eq \(text)") == .compare(attr("age"), .eq, .number(value)))
    }

    @Test("JSON string escapes", arguments: [
        (#""a\"b""#, "a\"b"), (#""\\""#, "\\"), (#""\/""#, "/"), (#""\b\f\n\r\t""#, "\u{08}\u{0C}\n\r\t"),
        (#""\u00e9\u00E9""#, "éé"), (#""\ud83d\ude00""#, "😀"), (#""\uD83D\uDE00!""#, "😀!"),
        ("\"é😀\"", "é😀"),
        (#""""#, ""), (#""\u0000""#, "\u{0}"), (#""O'Malley""#, "O'Malley"), (#""a b""#, "a b"),
    ])
    func strings(literal: String, value: String) throws {
        #expect(try ScimFilterParser.parse("title eq \(literal)") == compare(attr("title"), .eq, value))
    }

    // MARK: Attribute paths

    @Test("attribute paths", arguments: [
        ("$ref eq \"x\"", attr("$ref")),
        ("members.$ref eq \"x\"", attr("members", "$ref")),
        ("members.$REF eq \"x\"", attr("members", "$REF")),
        ("x-y_z1.a2-b_ eq \"x\"", attr("x-y_z1", "a2-b_")),
        ("\(enterprise):manager.value eq \"x\"", attr("manager", "value", schema: enterprise)),
        ("\(enterprise):employeeNumber eq \"x\"", attr("employeeNumber", schema: enterprise)),
        ("URN:IETF:params:scim:schemas:core:2.0:User:userName eq \"x\"",
         attr("userName", schema: "URN:IETF:params:scim:schemas:core:2.0:User")),
        ("pr eq \"x\"", attr("pr")),
        ("name.and eq \"x\"", attr("name", "and")),
    ] as [(String, ScimAttributePath)])
    func attributePaths(text: String, expected: ScimAttributePath) throws {
        #expect(try ScimFilterParser.parse(text) == .compare(expected, .eq, .string("x")))
    }

    @Test("stand-alone attribute paths")
    func standaloneAttributePath() throws {
        #expect(try ScimAttributePath.parse("name.familyName") == attr("name", "familyName"))
        #expect(
            try ScimAttributePath.parse("\(enterprise):manager.value") == attr("manager", "value", schema: enterprise))
        #expect(attr("manager", "value", schema: enterprise).description == "\(enterprise):manager.value")
        for bad in ["", " name", "a..b", "a.b.c", "1a", "a.", "urn:a", "urn:a:b:", "name[x pr]", "naïve"] {
            #expect(throws: ScimFilterError.self, "\(bad)") { try ScimAttributePath.parse(bad) }
        }
    }

    // MARK: Value paths

    @Test("Entra's attr[filter].sub op value folds into the element filter")
    func entraSubAttributeAfterValuePath() throws {
        let filter = try ScimFilterParser.parse("emails[type eq \"work\"].value eq \"x@y.com\"")
        #expect(
            filter
                == .valuePath(
                    attr("emails"), .and(compare(attr("type"), .eq, "work"), compare(attr("value"), .eq, "x@y.com"))))
        #expect(filter.description == "emails[type eq \"work\" and value eq \"x@y.com\"]")

        let present = try ScimFilterParser.parse("emails[type eq \"work\"].value pr and active eq true")
        #expect(
            present
                == .and(
                    .valuePath(attr("emails"), .and(compare(attr("type"), .eq, "work"), .present(attr("value")))),
                    .compare(attr("active"), .eq, .bool(true))))

        let alternatives = try ScimFilterParser.parse("emails[type eq \"work\" or type eq \"home\"].value co \"@\"")
        #expect(alternatives.description == "emails[(type eq \"work\" or type eq \"home\") and value co \"@\"]")
        #expect(try ScimFilterParser.parse(alternatives.description) == alternatives)

        let reference = try ScimFilterParser.parse("members[type eq \"User\"].$ref eq \"x\"")
        let userReference = ScimFilter.and(compare(attr("type"), .eq, "User"), compare(attr("$ref"), .eq, "x"))
        #expect(reference == .valuePath(attr("members"), userReference))
    }

    @Test("value paths with not, grouping and schema URNs")
    func valuePathForms() throws {
        #expect(
            try ScimFilterParser.parse("emails[not (type eq \"work\")]")
                == .valuePath(attr("emails"), .not(compare(attr("type"), .eq, "work"))))
        #expect(
            try ScimFilterParser.parse("\(coreUser):emails[primary eq true]")
                == .valuePath(attr("emails", schema: coreUser), .compare(attr("primary"), .eq, .bool(true))))
        #expect(
            try ScimFilterParser.parse("emails [ type eq \"work\" ]")
                == .valuePath(attr("emails"), compare(attr("type"), .eq, "work")))
    }

    // MARK: Canonical rendering

    @Test("description is canonical and parses back to the same filter", arguments: [
        ("title PR", "title pr"),
        ("userName EQ \"bjensen\"", "userName eq \"bjensen\""),
        ("not(a pr)", "not (a pr)"),
        ("(a pr or b pr) and c pr", "(a pr or b pr) and c pr"),
        ("a pr or (b pr or c pr)", "a pr or (b pr or c pr)"),
        ("(a pr or b pr) or c pr", "a pr or b pr or c pr"),
        ("a pr and (b pr and c pr)", "a pr and (b pr and c pr)"),
        ("(a pr and b pr) or (c pr and d pr)", "a pr and b pr or c pr and d pr"),
        ("((a pr))", "a pr"),
        ("a eq 1.0", "a eq 1"),
        ("a eq -0", "a eq 0"),
        ("a eq 1.5e3", "a eq 1500"),
        ("a eq 2.5", "a eq 2.5"),
        ("a eq 1e-7", "a eq 1e-07"),
        ("a eq 1e300", "a eq 1e+300"),
        ("a eq 12345678901234567890", "a eq 1.2345678901234567e+19"),
        (#"a eq "tab\there""#, #"a eq "tab\there""#),
        (#"a eq "\u0001\u001f""#, #"a eq "\u0001\u001F""#),
        (#"a eq "\/\u00e9""#, #"a eq "/é""#),
        (#"a eq "q\"b\\""#, #"a eq "q\"b\\""#),
        ("a eq TRUE", "a eq true"),
        ("a eq NULL", "a eq null"),
        ("emails[ type eq \"work\" ]", "emails[type eq \"work\"]"),
        ("\(enterprise):manager.value pr", "\(enterprise):manager.value pr"),
    ])
    func canonical(text: String, rendered: String) throws {
        let filter = try ScimFilterParser.parse(text)
        #expect(filter.description == rendered)
        #expect(try ScimFilterParser.parse(rendered) == filter)
    }

    // MARK: Errors

    @Test("rejects malformed filters, saying what and where", arguments: [
        ("", 0, "filter is empty"),
        ("   ", 3, "filter is empty"),
        ("userName eqq \"x\"", 9, "unknown operator 'eqq'"),
        ("userName equals \"x\"", 9, "unknown operator"),
        ("userName eq", 11, "missing value after 'eq'"),
        ("userName eq )", 12, "expected a value"),
        ("userName eq userName", 12, "expected a value"),
        ("title pr \"x\"", 9, "'pr' takes no value"),
        ("title pr true", 9, "'pr' takes no value"),
        ("title pr 1", 9, "'pr' takes no value"),
        ("(title pr", 9, "unclosed '('"),
        ("((title pr)", 11, "unclosed '('"),
        ("title pr)", 8, "unbalanced ')'"),
        ("title pr]", 8, "unbalanced ']'"),
        ("title pr userName", 9, "unexpected 'userName'"),
        ("userName eq \"a\" \"b\"", 16, "unexpected \"b\""),
        ("\"bjensen\" eq userName", 0, "found the value"),
        ("42 eq userName", 0, "found the value"),
        ("true eq 1", 0, "found the value 'true'"),
        ("null pr", 0, "found the value 'null'"),
        ("and pr", 0, "keyword 'and'"),
        ("or pr", 0, "keyword 'or'"),
        ("not title pr", 4, "'not' must be followed by '('"),
        ("not pr", 4, "'not' must be followed by '('"),
        ("not", 3, "'not' must be followed by '('"),
        ("title pr and", 12, "expected an attribute path"),
        ("title pr or or", 12, "keyword 'or'"),
        ("title", 5, "expected an operator after 'title'"),
        ("title \"x\"", 6, "expected an operator"),
        ("()", 1, "expected an attribute path or '('"),
        ("title pr ()", 9, "unexpected '('"),
        ("userName eq 'x'", 12, "unexpected character '''"),
        ("userName = \"x\"", 9, "unexpected character '='"),
        ("ñame eq 1", 0, "unexpected character U+00F1"),
        ("title pr && b pr", 9, "unexpected character '&'"),
        ("a..b pr", 0, "invalid attribute path 'a..b'"),
        ("a.b.c pr", 0, "invalid attribute path"),
        ("_a pr", 0, "invalid attribute path"),
        ("a. pr", 0, "invalid attribute path"),
        (".a pr", 0, "invalid attribute path"),
        ("a$b pr", 0, "invalid attribute path"),
        ("$refs pr", 0, "invalid attribute path"),
        ("foo:bar pr", 0, "invalid attribute path"),
        ("urn:x pr", 0, "invalid attribute path"),
        ("urn::a:b pr", 0, "invalid attribute path"),
        ("urn:a:b: pr", 0, "invalid attribute path"),
        ("[type eq \"work\"]", 0, "expected an attribute path or '('"),
        ("emails[]", 6, "empty value filter"),
        ("emails[", 7, "unclosed '['"),
        ("emails[type eq \"work\"", 21, "unclosed '['"),
        ("emails[type eq \"work\")", 21, "expected ']'"),
        ("emails[type[value pr]]", 11, "cannot be nested"),
        ("emails[(type[value pr])]", 12, "cannot be nested"),
        ("emails[type eq \"work\"].value", 28, "expected an operator after '.value'"),
        ("emails[type eq \"work\"].value.x eq 1", 22, "invalid sub-attribute"),
        ("emails[type eq \"work\"]. eq 1", 22, "invalid sub-attribute"),
        ("emails[type eq \"work\"].and eq 1", 22, "keyword '.and'"),
        ("a eq \"x", 5, "unterminated string"),
        ("a eq \"x\\", 5, "unterminated string"),
        ("a eq \"\\x\"", 6, "invalid escape '\\x'"),
        ("a eq \"\\'\"", 6, "invalid escape"),
        ("a eq \"\\u12\"", 6, "invalid \\u escape"),
        ("a eq \"\\u12G4\"", 6, "invalid \\u escape"),
        ("a eq \"\\ud83d\"", 6, "high surrogate"),
        ("a eq \"\\ud83d\\u0041\"", 6, "high surrogate"),
        ("a eq \"\\ude00\"", 6, "low surrogate"),
        ("a eq \"a\nb\"", 7, "control character U+000A"),
        ("a eq \"a\tb\"", 7, "control character U+0009"),
        ("a eq 01", 5, "invalid number '01'"),
        ("a eq .5", 5, "expected a value"),
        ("a eq 1.", 5, "invalid number '1.'"),
        ("a eq -", 5, "invalid number"),
        ("a eq --1", 5, "invalid number"),
        ("a eq 1e", 5, "invalid number"),
        ("a eq 1e+", 5, "invalid number"),
        ("a eq 1.e5", 5, "invalid number"),
        ("a eq +1", 5, "unexpected character '+'"),
        ("a eq 1.2.3", 5, "invalid number '1.2.3'"),
        ("a eq 0x10", 5, "invalid number '0x10'"),
        ("a eq 1abc", 5, "invalid number"),
        ("a eq 1and b pr", 5, "invalid number"),
        ("a eq 1e999", 5, "number out of range"),
        ("a eq -1e999", 5, "number out of range"),
        ("a eq trueish", 5, "expected a value"),
    ] as [(String, Int, String)])
    func rejects(text: String, offset: Int, fragment: String) {
        let error = #expect(throws: ScimFilterError.self) { try ScimFilterParser.parse(text) }
        #expect(error?.offset == offset)
        #expect(error?.message.contains(fragment) == true, "\(error?.message ?? "no error")")
        #expect(error?.message.contains("at offset \(offset)") == true)
        #expect(error?.description == error?.message)
    }

    // MARK: Limits

    @Test("inputs longer than maxLength are rejected before anything else")
    func lengthLimit() throws {
        let fits = "a eq \"" + String(repeating: "x", count: 2048 - 7) + "\""
        #expect(fits.count == 2048)
        #expect(throws: Never.self) { try ScimFilterParser.parse(fits) }
        let error = #expect(throws: ScimFilterError.self) { try ScimFilterParser.parse(fits + " ") }
        #expect(error?.offset == 2048)
        #expect(error?.message.contains("longer than the limit of 2048") == true)

        let tight = ScimFilterLimits(maxLength: 5, maxDepth: 10)
        #expect(throws: ScimFilterError.self) { try ScimFilterParser.parse("title pr", limits: tight) }
        #expect(try ScimFilterParser.parse("a pr", limits: tight) == present("a"))
        // Invalid content beyond the limit is never looked at: the length error comes first.
        let first = #expect(throws: ScimFilterError.self) { try ScimFilterParser.parse("a pr \"", limits: tight) }
        #expect(first?.offset == 5)
    }

    @Test("a 1 MB input is rejected quickly")
    func hugeInput() {
        for unit in ["a", "(", "\"", "é", "😀"] {
            let huge = String(repeating: unit, count: 1 << 20)
            let clock = ContinuousClock()
            let elapsed = clock.measure {
                #expect(throws: ScimFilterError.self) { try ScimFilterParser.parse(huge) }
            }
            #expect(elapsed < .milliseconds(500), "\(unit): \(elapsed)")
        }
    }

    @Test("nesting deeper than maxDepth is rejected")
    func depthLimit() throws {
        func nested(_ depth: Int, open: String = "(", close: String = ")") -> String {
            String(repeating: open, count: depth) + "a pr" + String(repeating: close, count: depth)
        }
        #expect(try ScimFilterParser.parse(nested(10)) == present("a"))
        let tooDeep = #expect(throws: ScimFilterError.self) { try ScimFilterParser.parse(nested(11)) }
        #expect(tooDeep?.offset == 10)
        #expect(tooDeep?.message.contains("nesting deeper than 10 levels") == true)

        #expect(throws: Never.self) { try ScimFilterParser.parse(nested(10, open: "not (")) }
        #expect(throws: ScimFilterError.self) { try ScimFilterParser.parse(nested(11, open: "not (")) }

        // The brackets of a value path count as a level.
        let nine = String(repeating: "(", count: 9) + "emails[type pr]" + String(repeating: ")", count: 9)
        #expect(throws: Never.self) { try ScimFilterParser.parse(nine) }
        #expect(throws: ScimFilterError.self) { try ScimFilterParser.parse("(" + nine + ")") }
        #expect(throws: ScimFilterError.self) { try ScimFilterParser.parse("emails[" + nested(10) + "]") }

        let flat = ScimFilterLimits(maxLength: 2048, maxDepth: 0)
        #expect(try ScimFilterParser.parse("a pr and b pr", limits: flat) == .and(present("a"), present("b")))
        #expect(throws: ScimFilterError.self) { try ScimFilterParser.parse("(a pr)", limits: flat) }
        #expect(throws: ScimFilterError.self) { try ScimFilterParser.parse("emails[type pr]", limits: flat) }

        // Far too deep fails at the first level too many, without recursing further.
        let openers = String(repeating: "(", count: 2000)
        let deep = #expect(throws: ScimFilterError.self) { try ScimFilterParser.parse(openers) }
        #expect(deep?.offset == 10)
    }

    @Test("long flat chains are fine within the length limit")
    func longChains() throws {
        let terms = Array(repeating: "a pr", count: 200)
        let filter = try ScimFilterParser.parse(terms.joined(separator: " or "))
        #expect(filter.description == terms.joined(separator: " or "))
        var expected = present("a")
        for _ in 1..<200 { expected = .and(expected, present("a")) }
        #expect(try ScimFilterParser.parse(terms.joined(separator: " AND ")) == expected)
    }

    @Test("default limits")
    func defaults() {
        #expect(ScimFilterLimits.default == ScimFilterLimits(maxLength: 2048, maxDepth: 10))
    }
}

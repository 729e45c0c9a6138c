import Foundation
import HeraldCore
import Testing

/// Parses, turning the typed error into a value so tests can look at it.
private func parseResult(_ bytes: [UInt8], maxDepth: Int = 512) -> Result<JSONValue, JSONValueParseError> {
    Result { () throws(JSONValueParseError) -> JSONValue in try JSONValue.parse(bytes, maxDepth: maxDepth) }
}

private func parseError(_ text: String, maxDepth: Int = 512) -> JSONValueParseError? {
    if case .failure(let error) = parseResult(Array(text.utf8), maxDepth: maxDepth) { return error }
    return nil
}

private func compact(_ value: JSONValue, sortedKeys: Bool = true) -> String {
    String(decoding: value.serialized(sortedKeys: sortedKeys), as: UTF8.self)
}

@Suite("JSONValue parsing and serialization")
struct JSONValueCodingTests {
    // MARK: RFC 8259 examples

    @Test("parses the RFC 8259 section 13 examples")
    func rfcExamples() throws {
        let image = """
            {
              "Image": {
                  "Width":  800,
                  "Height": 600,
                  "Title":  "View from 15th Floor",
                  "Thumbnail": {
                      "Url":    "http://www.example.com/image/481989943",
                      "Height": 125,
                      "Width":  100
                  },
                  "Animated" : false,
                  "IDs": [116, 943, 234, 38793]
                }
            }
            """
        let expectedImage: JSONValue = [
            "Image": [
                "Width": 800, "Height": 600, "Title": "View from 15th Floor",
                "Thumbnail": ["Url": "http://www.example.com/image/481989943", "Height": 125, "Width": 100],
                "Animated": false, "IDs": [116, 943, 234, 38793],
            ]
        ]
        #expect(try JSONValue.parse(image) == expectedImage)
        #expect(
            compact(expectedImage)
                == #"{"Image":{"Animated":false,"Height":600,"IDs":[116,943,234,38793],"#
                + #""Thumbnail":{"Height":125,"Url":"http://www.example.com/image/481989943","Width":100},"#
                + #""Title":"View from 15th Floor","Width":800}}"#)

        let places = """
            [
              {
                 "precision": "zip",
                 "Latitude":  37.7668,
                 "Longitude": -122.3959,
                 "Address":   "",
                 "City":      "SAN FRANCISCO",
                 "State":     "CA",
                 "Zip":       "94107",
                 "Country":   "US"
              },
              {
                 "precision": "zip",
                 "Latitude":  37.371991,
                 "Longitude": -122.026020,
                 "Address":   "",
                 "City":      "SUNNYVALE",
                 "State":     "CA",
                 "Zip":       "94085",
                 "Country":   "US"
              }
            ]
            """
        let expectedPlaces: JSONValue = [
            [
                "precision": "zip", "Latitude": .number(37.7668), "Longitude": .number(-122.3959), "Address": "",
                "City": "SAN FRANCISCO", "State": "CA", "Zip": "94107", "Country": "US",
            ],
            [
                "precision": "zip", "Latitude": .number(37.371991), "Longitude": .number(-122.026020), "Address": "",
                "City": "SUNNYVALE", "State": "CA", "Zip": "94085", "Country": "US",
            ],
        ]
        #expect(try JSONValue.parse(places) == expectedPlaces)
        #expect(
            compact(expectedPlaces)
                == #"[{"Address":"","City":"SAN FRANCISCO","Country":"US","Latitude":37.7668,"Longitude":-122.3959,"#
                + #""State":"CA","Zip":"94107","precision":"zip"},{"Address":"","City":"SUNNYVALE","Country":"US","#
                + #""Latitude":37.371991,"Longitude":-122.02602,"State":"CA","Zip":"94085","precision":"zip"}]"#)

        #expect(try JSONValue.parse(#""Hello world!""#) == "Hello world!")
        #expect(try JSONValue.parse("42") == 42)
        #expect(try JSONValue.parse("true") == true)
        #expect(try JSONValue.parse("false") == false)
        #expect(try JSONValue.parse(" \t\r\n null \t\r\n") == nil)
        #expect(try JSONValue.parse("[]") == [])
        #expect(try JSONValue.parse("{}") == [:])
        #expect(try JSONValue.parse(" [ 1 , { \"a\" : [ ] } , \"\" ] ") == [1, ["a": []], ""])
    }

    // MARK: Strings

    @Test("decodes every escape sequence")
    func escapes() throws {
        let text = #""\"\\\/\b\f\n\r\t\u0041\u00e9\u00E9\u20AC\ud83d\ude00\u0000\u001F""#
        #expect(try JSONValue.parse(text) == .string("\"\\/\u{8}\u{C}\n\r\tAéé€😀\u{0}\u{1F}"))
        // Escapes mixed with raw text (including raw non-ASCII) on both sides.
        #expect(try JSONValue.parse(#""ab\ncd\u00e9ü\"€""#) == "ab\ncdéü\"€")
        #expect(try JSONValue.parse(#""\\""#) == "\\")
        #expect(try JSONValue.parse(#""\"""#) == "\"")
        #expect(try JSONValue.parse(#"{"k\u0065y":"v"}"#) == ["key": "v"])
        // Raw non-ASCII, DEL and U+2028 need no escaping.
        #expect(try JSONValue.parse("\"é€😀\u{7F}\u{2028}\"") == "é€😀\u{7F}\u{2028}")
    }

    @Test("combines surrogate pairs", arguments: [
        (#""\uD834\uDD1E""#, "\u{1D11E}"),
        (#""\ud834\udd1e""#, "\u{1D11E}"),
        (#""\uD800\uDC00""#, "\u{10000}"),
        (#""\uDBFF\uDFFF""#, "\u{10FFFF}"),
        (#""a\uD83D\uDE00b\uD83D\uDE01""#, "a😀b😁"),
        (#""\uD7FF\uE000\uFFFF""#, "\u{D7FF}\u{E000}\u{FFFF}"),
    ])
    func surrogatePairs(text: String, expected: String) throws {
        #expect(try JSONValue.parse(text) == .string(expected))
    }

    // MARK: Invalid input

    struct Invalid: Sendable, CustomTestStringConvertible {
        var bytes: [UInt8]
        var offset: Int
        var fragment: String
        init(_ text: String, _ offset: Int, _ fragment: String) {
            self.init(bytes: Array(text.utf8), offset, fragment)
        }
        init(bytes: [UInt8], _ offset: Int, _ fragment: String) {
            self.bytes = bytes
            self.offset = offset
            self.fragment = fragment
        }
        var testDescription: String { String(reflecting: String(decoding: bytes, as: UTF8.self)) }
    }

    @Test("rejects invalid input with the offset and a message", arguments: [
        // Structure.
        Invalid("", 0, "end of input"),
        Invalid("  \n", 3, "end of input"),
        Invalid("[", 1, "end of input"),
        Invalid("[1", 2, "end of input inside an array"),
        Invalid("{", 1, "end of input, expected an object key"),
        Invalid(#"{"a""#, 4, "expected ':'"),
        Invalid(#"{"a":"#, 5, "expected a value"),
        Invalid(#"{"a":1"#, 6, "end of input inside an object"),
        Invalid("[1,]", 3, "expected a value"),
        Invalid("[1,,2]", 3, "expected a value"),
        Invalid("[,1]", 1, "expected a value"),
        Invalid("[1 2]", 3, "expected ',' or ']'"),
        Invalid("[1:2]", 2, "expected ',' or ']'"),
        Invalid(#"{"a":1,}"#, 7, "expected a string object key"),
        Invalid(#"{"a":1 "b":2}"#, 7, "expected ',' or '}'"),
        Invalid(#"{"a" 1}"#, 5, "expected ':'"),
        Invalid("{1:2}", 1, "expected a string object key"),
        Invalid("{,}", 1, "expected a string object key"),
        Invalid("{'a':1}", 1, "expected a string object key"),
        Invalid("[1]x", 3, "after the top-level value"),
        Invalid("[1] [2]", 4, "after the top-level value"),
        Invalid("1 2", 2, "after the top-level value"),
        Invalid("[1]\u{0}", 3, "after the top-level value"),
        Invalid("falsey", 5, "after the top-level value"),
        Invalid("/* comment */ 1", 0, "expected a value"),
        Invalid("'a'", 0, "expected a value"),
        Invalid("\u{A0}1", 0, "byte 0xC2"),  // no-break space is not JSON whitespace
        Invalid("\u{B}1", 0, "byte 0x0B"),  // nor is vertical tab
        Invalid("\u{C}1", 0, "byte 0x0C"),  // nor form feed
        Invalid(bytes: [0xFF], 0, "byte 0xFF"),
        Invalid("\u{FEFF}\u{FEFF}1", 3, "byte 0xEF"),  // one byte order mark is skipped, not two
        // Literals.
        Invalid("tru", 0, "expected 'true'"),
        Invalid("nul", 0, "expected 'null'"),
        Invalid("fals", 0, "expected 'false'"),
        Invalid("nan", 0, "expected 'null'"),
        Invalid("True", 0, "expected a value"),
        Invalid("NaN", 0, "expected a value"),
        Invalid("Infinity", 0, "expected a value"),
        Invalid("-Infinity", 1, "expected a digit"),
        Invalid("[NaN]", 1, "expected a value"),
        // Numbers.
        Invalid("01", 1, "leading zeros"),
        Invalid("00", 1, "leading zeros"),
        Invalid("-01", 2, "leading zeros"),
        Invalid("[007]", 2, "leading zeros"),
        Invalid("1.", 2, "decimal point"),
        Invalid("1.e5", 2, "decimal point"),
        Invalid("1e", 2, "exponent"),
        Invalid("1e+", 3, "exponent"),
        Invalid("1E-x", 3, "exponent"),
        Invalid("-", 1, "expected a digit"),
        Invalid("-a", 1, "expected a digit"),
        Invalid("--1", 1, "expected a digit"),
        Invalid("- 1", 1, "expected a digit"),
        Invalid(".5", 0, "expected a value"),
        Invalid("+1", 0, "expected a value"),
        Invalid("0x10", 1, "after the top-level value"),
        Invalid("1e400", 0, "out of range"),
        Invalid("-1e400", 0, "out of range"),
        Invalid("[1.8e308]", 1, "out of range"),
        Invalid("1" + String(repeating: "0", count: 400), 0, "out of range"),
        // Strings.
        Invalid(#""abc"#, 0, "unterminated string"),
        Invalid(#""abc\"#, 0, "unterminated string"),
        Invalid(#"["a\"]"#, 1, "unterminated string"),
        Invalid("\"a\u{1}b\"", 2, "control character 0x01"),
        Invalid("\"a\nb\"", 2, "control character 0x0A"),
        Invalid("\"a\tb\"", 2, "control character 0x09"),
        Invalid("\"\\n\u{1F}\"", 3, "control character 0x1F"),
        Invalid(#""\x""#, 1, "invalid escape"),
        Invalid(#""\U0041""#, 1, "invalid escape"),
        Invalid(#""\'""#, 1, "invalid escape"),
        Invalid("\"\\\u{1}\"", 1, "invalid escape"),
        Invalid(#""\u12G4""#, 5, "four hex digits"),
        Invalid(#""\u12""#, 5, "four hex digits"),
        Invalid(#""\u1"#, 4, #"unterminated \u escape"#),
        Invalid(#""\uD800""#, 1, #"unpaired high surrogate \uD800"#),
        Invalid(#""\uDBFF""#, 1, "unpaired high surrogate"),
        Invalid(#""\uD800\u0041""#, 1, "unpaired high surrogate"),
        Invalid(#""\uD800\uD800""#, 1, "unpaired high surrogate"),
        Invalid(#""\uD800\n""#, 1, "unpaired high surrogate"),
        Invalid(#""a\uD800x""#, 2, "unpaired high surrogate"),
        Invalid(#""\uDC00""#, 1, #"unpaired low surrogate \uDC00"#),
        Invalid(#""\uDFFF\uD800""#, 1, "unpaired low surrogate"),
        Invalid(#""\uD800\uDC0""#, 12, "four hex digits"),
        Invalid(bytes: [0x22, 0x61, 0xFF, 0x22], 2, "invalid UTF-8"),
        Invalid(bytes: [0x22, 0xC0, 0xAF, 0x22], 1, "invalid UTF-8"),  // overlong "/"
        Invalid(bytes: [0x22, 0xED, 0xA0, 0x80, 0x22], 1, "invalid UTF-8"),  // encoded surrogate
        Invalid(bytes: [0x22, 0xE2, 0x82, 0x22], 1, "invalid UTF-8"),  // truncated "€"
        Invalid(bytes: [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1, "invalid UTF-8"),  // above U+10FFFF
        Invalid(bytes: [0x22, 0x80, 0x22], 1, "invalid UTF-8"),  // lone continuation byte
        Invalid(bytes: [0x22, 0x5C, 0x6E, 0x61, 0x80, 0x22], 4, "invalid UTF-8"),  // after an escape
        Invalid(bytes: [0x22, 0x5C, 0x22, 0xFE, 0x5C, 0x6E, 0x22], 3, "invalid UTF-8"),  // between escapes
        Invalid(bytes: [0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D], 2, "invalid UTF-8"),  // in a key
    ])
    func rejects(invalid: Invalid) {
        switch parseResult(invalid.bytes) {
        case .success(let value):
            Issue.record("parsed \(invalid.testDescription) as \(value)")
        case .failure(let error):
            #expect(error.offset == invalid.offset, "\(error)")
            #expect(error.message.contains(invalid.fragment), "\(error)")
            #expect(error.description == "invalid JSON at byte \(error.offset): \(error.message)")
        }
        // Foundation agrees that these are not JSON, except for its known leniency about trailing commas.
        let foundation = try? JSONSerialization.jsonObject(with: Data(invalid.bytes), options: [.fragmentsAllowed])
        let trailingComma = ["[1,]", #"{"a":1,}"#].contains(String(decoding: invalid.bytes, as: UTF8.self))
        let verdict = foundation.map { "accepted as \($0)" } ?? "rejected"
        #expect((foundation != nil) == trailingComma, "JSONSerialization \(verdict)")
    }

    @Test("skips one leading UTF-8 byte order mark, like JSONDecoder")
    func byteOrderMark() throws {
        #expect(try JSONValue.parse([0xEF, 0xBB, 0xBF] + Array("[1]".utf8)) == [1])
        #expect(try JSONValue.parse("\u{FEFF} {\"a\":true}") == ["a": true])
    }

    @Test("duplicate keys: the last one wins, like JSONSerialization")
    func duplicateKeys() throws {
        #expect(try JSONValue.parse(#"{"a":1,"b":2,"a":3}"#) == ["a": 3, "b": 2])
        #expect(try JSONValue.parse(#"{"a":{"x":1},"a":[]}"#) == ["a": []])
        let foundation = try #require(
            try JSONSerialization.jsonObject(with: Data(#"{"a":1,"a":3}"#.utf8)) as? [String: Int])
        #expect(foundation == ["a": 3])
    }

    // MARK: Numbers

    @Test("parses numbers", arguments: [
        ("0", 0.0), ("-0", -0.0), ("-0.0", -0.0), ("0.0", 0.0), ("1", 1), ("-1", -1), ("42", 42),
        ("1E+2", 100), ("1e2", 100), ("1E2", 100), ("1e+2", 100), ("1E-2", 0.01), ("100e-2", 1),
        ("0.1", 0.1), ("-1.5e-3", -0.0015), ("0.1e1", 1), ("0.000001", 1e-6), ("1.25", 1.25),
        ("0.30000000000000004", 0.30000000000000004), ("1e22", 1e22), ("1e23", 1e23),
        ("8.98846567431158e307", 8.98846567431158e307),
        ("9007199254740991", 9_007_199_254_740_991), ("9007199254740993", 9_007_199_254_740_992),
        ("9223372036854775807", 9_223_372_036_854_775_808), ("18446744073709551615", 18_446_744_073_709_551_616),
        ("123456789012345678901234567890", 1.2345678901234568e29),
        ("2.2250738585072014e-308", Double.leastNormalMagnitude),
        ("4.9406564584124654e-324", Double.leastNonzeroMagnitude), ("5e-324", Double.leastNonzeroMagnitude),
        ("1.7976931348623157e308", Double.greatestFiniteMagnitude),
        ("-1.7976931348623157E+308", -Double.greatestFiniteMagnitude),
        // Exactly halfway between 1 and its successor rounds to even; anything above rounds up.
        ("1.00000000000000011102230246251565404236316680908203125", 1.0),
        ("1.00000000000000011102230246251565404236316680908203126", 1.0.nextUp),
        // Underflow goes to (signed) zero; a zero mantissa is zero whatever the exponent.
        ("1e-400", 0.0), ("-1e-400", -0.0), ("0e999999999999", 0.0), ("0.0e-999999999999", 0.0),
        ("1e-0000000000000000000000000001", 0.1),
    ])
    func numbers(text: String, expected: Double) throws {
        let value = try JSONValue.parse(text)
        guard case .number(let number) = value else {
            Issue.record("\(text) parsed as \(value)")
            return
        }
        #expect(number.bitPattern == expected.bitPattern, "\(text) → \(number), expected \(expected)")
    }

    @Test("the number fast paths agree with the standard library's correctly rounded conversion")
    func numberFastPaths() throws {
        let seed = testSeed()
        print("JSONValueCoding number seed: \(seed) (set JSONVALUE_TEST_SEED=\(seed) to replay)")
        var generator = SplitMix64(seed: seed)
        for _ in 0..<20_000 {
            var text = Bool.random(using: &generator) ? "-" : ""
            let integerDigits = Int.random(in: 1...22, using: &generator)
            text += String(Int.random(in: 1...9, using: &generator))
            for _ in 1..<integerDigits { text += String(Int.random(in: 0...9, using: &generator)) }
            if Int.random(in: 0..<4, using: &generator) == 0 { text = text.hasPrefix("-") ? "-0" : "0" }
            if Bool.random(using: &generator) {
                text += "."
                for _ in 0..<Int.random(in: 1...20, using: &generator) {
                    text += String(Int.random(in: 0...9, using: &generator))
                }
            }
            if Bool.random(using: &generator) {
                text += ["e", "E", "e+", "e-", "E-"].randomElement(using: &generator)!
                text += String(Int.random(in: 0...40, using: &generator))
            }
            let expected = try #require(Double(text))
            let value = try JSONValue.parse(text)
            guard case .number(let number) = value, number.bitPattern == expected.bitPattern else {
                Issue.record("\(text) parsed as \(value), expected \(expected)")
                return
            }
        }
    }

    @Test("serializes numbers", arguments: [
        (3.0, "3"), (-3.0, "-3"), (0.0, "0"), (-0.0, "-0"), (0.5, "0.5"), (-0.5, "-0.5"), (0.1, "0.1"),
        (123.456, "123.456"), (1e-7, "1e-07"), (2.5e-10, "2.5e-10"), (1e300, "1e+300"), (1e16, "1e+16"),
        (1e15, "1000000000000000"), (9_007_199_254_740_991, "9007199254740991"),
        (-9_007_199_254_740_991, "-9007199254740991"), (9_007_199_254_740_992, "9007199254740992"),
        (9_007_199_254_740_994, "9.007199254740994e+15"), (Double.leastNonzeroMagnitude, "5e-324"),
        (Double.greatestFiniteMagnitude, "1.7976931348623157e+308"),
        (-Double.leastNormalMagnitude, "-2.2250738585072014e-308"),
        (Double.nan, "null"), (Double.infinity, "null"), (-Double.infinity, "null"),
    ])
    func serializesNumbers(number: Double, expected: String) throws {
        #expect(compact(.number(number)) == expected)
        if number.isFinite {
            let back = try JSONValue.parse(expected)
            #expect(back == .number(number))
            if case .number(let parsed) = back { #expect(parsed.bitPattern == number.bitPattern) }
        }
    }

    // MARK: Serialization

    @Test("serializes strings: escapes what JSON requires and nothing else")
    func serializesStrings() throws {
        #expect(compact("a/b") == #""a/b""#)
        #expect(compact("é€😀\u{7F}\u{2028}") == "\"é€😀\u{7F}\u{2028}\"")
        #expect(compact("\"\\") == #""\"\\""#)
        #expect(compact("\n\r\t\u{8}\u{C}") == #""\n\r\t\b\f""#)
        #expect(compact("\u{0}\u{1}\u{1F}x\u{1B}") == #""\u0000\u0001\u001fx\u001b""#)
        #expect(compact("") == #""""#)
        #expect(compact("plain text") == #""plain text""#)
        let every = String(String.UnicodeScalarView((0..<0x80).map { Unicode.Scalar(UInt8($0)) }))
        #expect(try JSONValue.parse(JSONValue.string(every).serialized()) == .string(every))
    }

    @Test("serializes containers compactly, sorting keys by UTF-8 bytes on request")
    func serializesContainers() throws {
        let value: JSONValue = ["b": [1, true, nil, "x", [], [:]], "a": ["z": 1, "y": false], "é": 1, "Z": 2, "aa": 3]
        #expect(compact(value) == #"{"Z":2,"a":{"y":false,"z":1},"aa":3,"b":[1,true,null,"x",[],{}],"é":1}"#)
        #expect(try JSONValue.parse(value.serialized()) == value)
        #expect(compact(nil) == "null")
        #expect(compact(true) == "true")
        #expect(compact(false) == "false")
        #expect(compact([]) == "[]")
        #expect(compact([:]) == "{}")
        // UTF-8 byte order (which is scalar order): "~" (1 byte) < U+FF21 (3 bytes) < U+1F600 (4 bytes).
        let scalars: JSONValue = ["\u{1F600}": 1, "\u{FF21}": 2, "~": 3]
        #expect(compact(scalars) == "{\"~\":3,\"\u{FF21}\":2,\"\u{1F600}\":1}")
        // Escaped keys.
        #expect(compact(["a\"b\n": 1]) == #"{"a\"b\n":1}"#)
    }

    // MARK: Depth

    @Test("limits nesting depth")
    func depthLimit() throws {
        let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: Never.self) { try JSONValue.parse(deepest) }
        let tooDeep = String(repeating: "[", count: 513) + String(repeating: "]", count: 513)
        let error = try #require(parseError(tooDeep))
        #expect(error.offset == 512)
        #expect(error.message.contains("nested deeper than 512"))

        let objects = String(repeating: #"{"a":"#, count: 512) + "1" + String(repeating: "}", count: 512)
        #expect(throws: Never.self) { try JSONValue.parse(objects) }
        let tooDeepObjects = String(repeating: #"{"a":"#, count: 513) + "1" + String(repeating: "}", count: 513)
        #expect(parseError(tooDeepObjects)?.offset == 512 * 5)

        #expect(try JSONValue.parse("1", maxDepth: 0) == 1)
        #expect(parseError("[]", maxDepth: 0)?.offset == 0)
        #expect(parseError("{}", maxDepth: 0)?.offset == 0)
        #expect(try JSONValue.parse("[1,[2],{\"a\":3}]", maxDepth: 2) == [1, [2], ["a": 3]])
        #expect(parseError("[1,[2,[3]]]", maxDepth: 2)?.offset == 6)
        #expect(parseError(#"[{"a":[]}]"#, maxDepth: 2)?.offset == 6)

        // Hostile input does not exhaust the stack (parsing is iterative), even with a huge limit.
        let hostile = String(repeating: "[", count: 200_000)
        #expect(parseError(hostile)?.offset == 512)
        #expect(parseError(hostile, maxDepth: .max)?.offset == 200_000)
        let hostileObjects = String(repeating: #"{"":"#, count: 100_000)
        #expect(parseError(hostileObjects, maxDepth: .max)?.offset == 400_000)

        // A value exactly at the limit round-trips.
        var nested: JSONValue = "leaf"
        for _ in 0..<512 { nested = .array([nested]) }
        #expect(try JSONValue.parse(nested.serialized()) == nested)
    }

    // MARK: Input forms

    @Test("accepts any collection of bytes; offsets count from its start")
    func inputForms() throws {
        let text = #"{"a":[1,2.5,"x"]}"#
        let expected: JSONValue = ["a": [1, .number(2.5), "x"]]
        #expect(try JSONValue.parse(text) == expected)
        #expect(try JSONValue.parse(Data(text.utf8)) == expected)
        #expect(try JSONValue.parse(text.utf8) == expected)
        #expect(try JSONValue.parse(Substring("xx" + text).dropFirst(2).utf8) == expected)
        #expect(try JSONValue.parse(Array(text.utf8).lazy.map { $0 }) == expected)  // not contiguous
        #expect(try JSONValue.parse(ContiguousArray(text.utf8)) == expected)

        let slice = Array("xx[1,]".utf8)[2...]
        #expect(slice.startIndex == 2)
        let sliceResult = Result { () throws(JSONValueParseError) -> JSONValue in try JSONValue.parse(slice) }
        guard case .failure(let error) = sliceResult else {
            Issue.record("parsed an invalid slice")
            return
        }
        #expect(error.offset == 3)
        let lazyResult = Result { () throws(JSONValueParseError) -> JSONValue in
            try JSONValue.parse(Array("[1,]".utf8).lazy.map { $0 })
        }
        #expect(throws: JSONValueParseError(offset: 3, message: "unexpected ']', expected a value")) {
            try lazyResult.get()
        }
    }

    // MARK: Differential

    @Test("random values round-trip and agree with Foundation")
    func differential() async throws {
        let seed = testSeed()
        print("JSONValueCoding differential seed: \(seed) (set JSONVALUE_TEST_SEED=\(seed) to replay)")
        var generator = SplitMix64(seed: seed)
        let decoder = JSONDecoder()
        let encoder = JSONEncoder()
        var failures: [String] = []
        for index in 0..<500 {
            if index % 50 == 0 { await Task.yield() }
            let value = randomValue(depth: 0, using: &generator)
            let bytes = value.serialized()
            let text = String(decoding: bytes, as: UTF8.self)
            func fail(_ what: String) { failures.append("#\(index) \(what): \(text)") }

            guard case .success(let parsed) = parseResult(bytes) else {
                fail("our output does not parse")
                continue
            }
            if parsed != value { fail("parse(serialized(v)) != v") }
            do {
                let decoded = try decoder.decode(JSONValue.self, from: Data(bytes))
                if decoded != parsed { fail("JSONDecoder disagrees") }
            } catch { fail("JSONDecoder rejects: \(error)") }
            do {
                _ = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            } catch { fail("JSONSerialization rejects: \(error)") }

            let sorted = value.serialized(sortedKeys: true)
            if (try? JSONValue.parse(sorted)) != value { fail("sorted output does not round-trip") }
            if parsed.serialized(sortedKeys: true) != sorted { fail("sorted output is not deterministic") }

            // Foundation's encoding of the same value reads back identically with both parsers.
            let foundationBytes = try encoder.encode(value)
            let ours = try? JSONValue.parse(foundationBytes)
            if ours != value { fail("parse(JSONEncoder output) != v") }
            if ours != (try? decoder.decode(JSONValue.self, from: foundationBytes)) {
                fail("parse and JSONDecoder disagree on JSONEncoder output")
            }
            if failures.count >= 10 { break }
        }
        #expect(failures.isEmpty, "seed \(seed):\n\(failures.joined(separator: "\n"))")
    }

    /// JSONSerialization (swift-foundation) accepts a trailing comma in arrays and objects, and some inputs with NUL
    /// bytes (it stops at a NUL after a top-level number, "0\u{0}1", and guesses UTF-16/32 from leading NULs,
    /// "\u{0}39"). RFC 8259 allows none of these; this parser rejects them all.
    private static func isFoundationLeniency(_ error: JSONValueParseError, in bytes: [UInt8]) -> Bool {
        guard error.offset < bytes.count else { return false }
        if bytes[error.offset] == 0x00 { return true }
        guard bytes[error.offset] == 0x5D || bytes[error.offset] == 0x7D else { return false }
        let before = bytes[..<error.offset].last { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return before == 0x2C
    }

    @Test("mutated documents never crash and agree with JSONSerialization on what is JSON")
    func mutations() async throws {
        let seed = testSeed()
        print("JSONValueCoding mutation seed: \(seed) (set JSONVALUE_TEST_SEED=\(seed) to replay)")
        var generator = SplitMix64(seed: seed)
        var disagreements: [String] = []
        var accepted = 0
        var lenient = 0
        let interesting: [UInt8] = Array(#"{}[],:"\/u0123456789eE+-.tfn "#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xED, 0xFF]
        for round in 0..<1_000 {
            if round % 50 == 0 { await Task.yield() }
            var bytes = randomValue(depth: 0, using: &generator).serialized()
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
                let byte = interesting.randomElement(using: &generator)!
                switch Int.random(in: 0..<4, using: &generator) {
                case 0 where !bytes.isEmpty: bytes[position] = byte
                case 1: bytes.insert(byte, at: position)
                case 2 where !bytes.isEmpty: bytes.remove(at: position)
                default: bytes.removeLast(bytes.count - position)
                }
            }
            let ours = parseResult(bytes)
            let foundation = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
            switch (ours, foundation) {
            case (.success, _?):
                accepted += 1
            case (.failure(let error), _?) where Self.isFoundationLeniency(error, in: bytes):
                lenient += 1
            case (.success, nil), (.failure, _?):
                disagreements.append("\(String(reflecting: String(decoding: bytes, as: UTF8.self))) ours: \(ours)")
            case (.failure, nil):
                break
            }
        }
        print(
            "JSONValueCoding mutations: \(accepted) of 3000 mutated documents still valid JSON; "
                + "\(lenient) rejected here but accepted by JSONSerialization's leniency (trailing comma, NUL)")
        #expect(disagreements.isEmpty, "seed \(seed):\n\(disagreements.prefix(10).joined(separator: "\n"))")
    }
}

// MARK: - Random values

private func testSeed() -> UInt64 {
    if let text = ProcessInfo.processInfo.environment["JSONVALUE_TEST_SEED"], let seed = UInt64(text) { return seed }
    return UInt64.random(in: 0...UInt64.max)
}

private func randomValue(depth: Int, using generator: inout SplitMix64) -> JSONValue {
    switch Int.random(in: 0..<(depth >= 4 ? 4 : 7), using: &generator) {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &generator))
    case 2: return .number(randomNumber(using: &generator))
    case 3: return .string(randomString(using: &generator))
    case 4, 5:
        return .array((0..<Int.random(in: 0..<6, using: &generator)).map { _ in
            randomValue(depth: depth + 1, using: &generator)
        })
    default:
        var members: [String: JSONValue] = [:]
        for _ in 0..<Int.random(in: 0..<6, using: &generator) {
            members[randomString(using: &generator)] = randomValue(depth: depth + 1, using: &generator)
        }
        return .object(members)
    }
}

private func randomNumber(using generator: inout SplitMix64) -> Double {
    switch Int.random(in: 0..<8, using: &generator) {
    case 0: return Double(Int.random(in: -1000...1000, using: &generator))
    case 1: return Double(Int64.random(in: -(1 << 53)...(1 << 53), using: &generator))
    case 2: return Double.random(in: -1e6...1e6, using: &generator)
    case 3: return Double(Int.random(in: -99_999...99_999, using: &generator)) / 100
    case 4:
        let power = Double.random(in: -300...300, using: &generator)
        return (Bool.random(using: &generator) ? -1 : 1) * Double.random(in: 1..<10, using: &generator)
            * pow(10, power.rounded())
    case 5:
        return [
            0, -0.0, 1, -1, 9_007_199_254_740_992, 9_007_199_254_740_994, -9_007_199_254_740_992, 1e15, 1e16,
            0.1, 1e-7, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .leastNonzeroMagnitude,
            .leastNormalMagnitude, 0.30000000000000004, 1e21, 1e22, 1e23, 123456789.123456789,
        ].randomElement(using: &generator)!
    default:
        while true {
            let number = Double(bitPattern: generator.next())
            if number.isFinite { return number }
        }
    }
}

private func randomString(using generator: inout SplitMix64) -> String {
    var scalars = String.UnicodeScalarView()
    for _ in 0..<Int.random(in: 0..<12, using: &generator) {
        let value: UInt32
        switch Int.random(in: 0..<12, using: &generator) {
        case 0...4: value = UInt32.random(in: 0x20...0x7E, using: &generator)
        case 5: value = UInt32.random(in: 0x00...0x1F, using: &generator)
        case 6: value = [0x22, 0x5C, 0x2F, 0x7F, 0x2028, 0x2029, 0xFEFF, 0x301].randomElement(using: &generator)!
        case 7: value = UInt32.random(in: 0x80...0x7FF, using: &generator)
        case 8: value = UInt32.random(in: 0x800...0xD7FF, using: &generator)
        case 9: value = UInt32.random(in: 0xE000...0xFFFF, using: &generator)
        default: value = UInt32.random(in: 0x10000...0x10FFFF, using: &generator)
        }
        scalars.append(Unicode.Scalar(value)!)
    }
    return String(scalars)
}


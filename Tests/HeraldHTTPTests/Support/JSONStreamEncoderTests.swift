import Foundation
import HeraldCore
import Testing

@testable import HeraldHTTP

/// The streaming encoder must write the same JSON as Foundation's `JSONEncoder` (with `.withoutEscapingSlashes`): the
/// same values, escapes and number spellings; its keys come in encoding order (Foundation's in hash order).
@Suite struct JSONStreamEncoderTests {
    struct Inner: Encodable {
        var name: String
        var count: Int
    }

    struct Sample: Encodable {
        var id = "org_1"
        var present: String? = "x"
        var absent: String? = nil
        var skipped: Int? = nil
        var flag = true
        var negative = -42
        var big: Int64 = 9_007_199_254_740_993
        var numbers: [Double] = [1.0, 0.1, -2.5, 123456789.125, 1e20, 0]
        var inner = Inner(name: "a/b", count: 0)
        var list: [Inner] = [Inner(name: "one", count: 1), Inner(name: "two", count: 2)]
        var empty: [Inner] = []
        var link = URL(string: "https://example.com/a/b?c=d")!
        var links: [URL?] = [URL(string: "https://example.com/")!, nil]
        var blob = Data([0, 1, 2, 0xFE, 0xFF])
        var optionals: [Int?] = [1, nil]
        var maybeFlag: Bool? = false
        var noFlag: Bool? = nil
        var noInt: Int? = nil
        var metadata: [String: JSONValue] = [
            "n": .number(3), "pi": .number(3.25), "s": .string("t"), "null": .null, "nested": .object(["a": .array([.bool(false)])]),
        ]

        enum CodingKeys: String, CodingKey {
            case id, present, absent, skipped, flag, negative, big, numbers, inner, list, empty, link, links, blob
            case optionals, maybeFlag, noFlag, noInt, metadata
            case nested = "nested_keyed"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(present, forKey: .present)
            try c.encode(absent, forKey: .absent)
            try c.encodeIfPresent(skipped, forKey: .skipped)
            try c.encode(flag, forKey: .flag)
            try c.encode(negative, forKey: .negative)
            try c.encode(big, forKey: .big)
            try c.encode(numbers, forKey: .numbers)
            try c.encode(inner, forKey: .inner)
            var nested = c.nestedContainer(keyedBy: CodingKeys.self, forKey: .nested)
            try nested.encode("deep", forKey: .id)
            var items = nested.nestedUnkeyedContainer(forKey: .list)
            try items.encode(1)
            try items.encodeNil()
            try c.encode(list, forKey: .list)
            try c.encode(empty, forKey: .empty)
            try c.encode(link, forKey: .link)
            try c.encode(links, forKey: .links)
            try c.encode(blob, forKey: .blob)
            try c.encode(optionals, forKey: .optionals)
            try c.encode(maybeFlag, forKey: .maybeFlag)
            try c.encode(noFlag, forKey: .noFlag)
            try c.encode(noInt, forKey: .noInt)
            try c.encode(metadata, forKey: .metadata)
        }
    }

    struct Nothing: Encodable {
        func encode(to encoder: any Encoder) throws {}
    }

    func foundation(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    func streamed(_ value: some Encodable) throws -> String {
        String(decoding: try JSONStreamEncoder().encode(value), as: UTF8.self)
    }

    @Test func writesWhatFoundationWrites() throws {
        let ours = try streamed(Sample())
        let theirs = try foundation(Sample())
        let parsed = { (text: String) in try JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary }
        #expect(try parsed(ours) == parsed(theirs), "ours:   \(ours)\ntheirs: \(theirs)")
        #expect(ours.hasPrefix(#"{"id":"org_1","present":"x","absent":null,"flag":true,"negative":-42,"#))
        #expect(ours.contains(#""numbers":[1,0.1,-2.5,123456789.125,1e+20,0],"inner":{"name":"a/b","count":0},"#))
        #expect(ours.contains(#""nested_keyed":{"id":"deep","list":[1,null]},"list":[{"name":"one","count":1},"#))
        #expect(ours.contains(#""optionals":[1,null],"maybeFlag":false,"noFlag":null,"noInt":null,"#))
        #expect(ours.contains(#""link":"https://example.com/a/b?c=d","links":["https://example.com/",null],"blob":"AAEC/v8=""#))
    }

    @Test func escapesLikeFoundation() throws {
        let strings = [
            "plain", "quote \" backslash \\ slash /", "line\nreturn\rtab\t", "\u{0}\u{1}\u{1f}\u{7f}", "é 日本 👩‍👩‍👧",
            "\u{2028}\u{2029}", "",
        ]
        for string in strings {
            #expect(try streamed([string]) == foundation([string]), "\(string.debugDescription)")
        }
    }

    @Test func scalarsAndEmptyValues() throws {
        // Foundation refuses a top-level value that encodes nothing; nested, it writes {}.
        #expect(try streamed([Nothing()]) == foundation([Nothing()]))
        #expect(try streamed([Int]()) == "[]")
        #expect(try streamed([String: Int]()) == foundation([String: Int]()))
        #expect(try streamed(Optional<Int>.none) == foundation(Optional<Int>.none))
        #expect(try streamed(true) == "true")
        #expect(try streamed([JSONValue.number(-0.5), .number(2)]) == foundation([JSONValue.number(-0.5), .number(2)]))
    }

    @Test func nonFiniteNumbersAreErrors() {
        #expect(throws: EncodingError.self) { try JSONStreamEncoder().encode([Double.nan]) }
        #expect(throws: EncodingError.self) { try JSONStreamEncoder().encode([Double.infinity]) }
    }
}

import Foundation
import HeraldCore
import Testing

/// Throws random and half-valid input at the filter and PATCH path parsers for `HERALD_FUZZ_SECONDS` seconds
/// (default 3). Set `HERALD_FUZZ_SEED` to replay a run: the inputs depend only on the seed, and a failure names
/// the iteration it happened at.
@Suite("SCIM filter fuzzing")
struct ScimFilterFuzzTests {
    @Test("the parsers never crash, only throw ScimFilterError, and their renderings round-trip")
    func fuzz() async {
        let environment = ProcessInfo.processInfo.environment
        let seconds = environment["HERALD_FUZZ_SECONDS"].flatMap(Double.init) ?? 3
        let seed = environment["HERALD_FUZZ_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)
        print("ScimFilterFuzzTests: seed \(seed) for \(seconds) s (replay with HERALD_FUZZ_SEED=\(seed))")

        var fuzzer = ScimFilterFuzzer(seed: seed)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int64(seconds * 1000)))
        while clock.now < deadline, fuzzer.failures < ScimFilterFuzzer.maximumFailures {
            fuzzer.runOnce()
            // Share the test runner's few threads with the suites that run alongside (timing tests among them).
            if fuzzer.iterations % 200 == 0 { await Task.yield() }
        }
        print("ScimFilterFuzzTests: seed \(seed): \(fuzzer.summary)")
        #expect(fuzzer.failures == 0, "seed \(seed)")
        #expect(fuzzer.iterations > 0)
    }
}

/// Generates one input per call, feeds it to both parsers and checks the outcome.
private struct ScimFilterFuzzer {
    static let maximumFailures = 10

    private var random: SplitMix64
    private(set) var iterations = 0
    private(set) var failures = 0
    private var parsedFilters = 0
    private var parsedPaths = 0
    private var rejected = 0
    private var perStrategy: [String: Int] = [:]
    /// Reparsing a rendering may need a little more room than the original: `not(` gains a space, and folding
    /// `attr[a or b].sub op v` adds parentheses (one level) inside the brackets.
    private static let roomyLimits = ScimFilterLimits(maxLength: .max, maxDepth: 64)

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    var summary: String {
        let strategies = perStrategy.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "\(iterations) inputs (\(strategies)); \(parsedFilters) parsed as filters, \(parsedPaths) as PATCH "
            + "paths, \(rejected) parser rejections; \(failures) failures"
    }

    mutating func runOnce() {
        iterations += 1
        let strategy: String
        let input: String
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<12: (strategy, input) = ("bytes", randomBytes())
        case 12..<22: (strategy, input) = ("scalars", randomScalars())
        case 22..<47: (strategy, input) = ("soup", tokenSoup())
        case 47..<82: (strategy, input) = ("mutation", mutation())
        case 82..<97: (strategy, input) = ("generated", generatedRoundTrip())
        default: (strategy, input) = ("extreme", extreme())
        }
        perStrategy[strategy, default: 0] += 1
        checkFilter(input, strategy: strategy)
        checkPatchPath(input, strategy: strategy)
    }

    // MARK: Checks

    private mutating func checkFilter(_ input: String, strategy: String) {
        let filter: ScimFilter
        do {
            filter = try ScimFilterParser.parse(input)
        } catch {
            checkError(error, input: input, strategy: strategy)
            return
        }
        parsedFilters += 1
        let rendered = filter.description
        do {
            let reparsed = try ScimFilterParser.parse(rendered, limits: Self.roomyLimits)
            if reparsed != filter {
                fail("filter rendering does not round-trip: \(rendered.debugDescription)", input, strategy)
            } else if reparsed.description != rendered {
                fail("filter rendering is not stable: \(rendered.debugDescription)", input, strategy)
            }
        } catch {
            fail("filter rendering \(rendered.debugDescription) does not parse: \(error)", input, strategy)
        }
    }

    private mutating func checkPatchPath(_ input: String, strategy: String) {
        let path: ScimPatchPath
        do {
            path = try ScimPatchPath.parse(input)
        } catch {
            checkError(error, input: input, strategy: strategy)
            return
        }
        parsedPaths += 1
        let rendered = path.description
        do {
            if try ScimPatchPath.parse(rendered, limits: Self.roomyLimits) != path {
                fail("path rendering does not round-trip: \(rendered.debugDescription)", input, strategy)
            }
        } catch {
            fail("path rendering \(rendered.debugDescription) does not parse: \(error)", input, strategy)
        }
    }

    private mutating func checkError(_ error: ScimFilterError, input: String, strategy: String) {
        rejected += 1
        let length = input.unicodeScalars.count
        if error.offset < 0 || error.offset > length {
            fail("error offset \(error.offset) outside 0...\(length): \(error)", input, strategy)
        } else if !error.message.hasSuffix("at offset \(error.offset)") {
            fail("error message does not give its offset: \(error)", input, strategy)
        }
    }

    private mutating func fail(_ problem: String, _ input: String, _ strategy: String) {
        failures += 1
        var shown = String(input.unicodeScalars.prefix(400)).debugDescription
        if input.unicodeScalars.count > 400 { shown += " (first 400 of \(input.unicodeScalars.count) scalars)" }
        Issue.record("iteration \(iterations) (\(strategy)): \(problem)\ninput: \(shown)")
    }

    // MARK: Random input

    private mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    private mutating func pick<T>(_ choices: [T]) -> T {
        choices[Int.random(in: 0..<choices.count, using: &random)]
    }

    private mutating func randomBytes() -> String {
        let count = chance(90) ? Int.random(in: 0...64, using: &random) : Int.random(in: 0...3000, using: &random)
        let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static let oddScalars: [Unicode.Scalar] = [
        "\u{0}", "\u{1}", "\t", "\n", "\r", "\u{7F}", "\u{A0}", "é", "\u{301}", "\u{200B}", "\u{2028}", "\u{FEFF}",
        "\u{FFFD}", "\u{FFFF}", "😀", "\u{10FFFF}", "ñ", "İ", "ß",
    ]

    private mutating func randomScalars() -> String {
        var view = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...48, using: &random) {
            if chance(75) {
                view.append(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &random)))
            } else if chance(60) {
                view.append(pick(Self.oddScalars))
            } else if let scalar = Unicode.Scalar(UInt32.random(in: 0...0x10FFFF, using: &random)) {
                view.append(scalar)
            }
        }
        return String(view)
    }

    private static let attributeTokens = [
        "userName", "name.familyName", "emails", "emails.value", "type", "value", "primary", "$ref", "members.$ref",
        "meta.lastModified", "urn:ietf:params:scim:schemas:core:2.0:User:userName",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "urn:", "urn:x:y", "URN:A:B:c",
        "a", "A-b_c9", ".value", ".", "..", ":", "$", "a..b", "a.b.c", "_x", "x-", "pr", "eq",
    ]
    private static let operatorTokens = [
        "eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr", "EQ", "Ne", "PR", "eqq", "e", "=",
    ]
    private static let logicalTokens = ["and", "or", "not", "AND", "Or", "NOT", "not(", "nOt ("]
    private static let valueTokens = [
        #""x""#, #""""#, #""\"""#, #""\\""#, #""\/""#, #""\u00e9""#, #""\ud83d\ude00""#, #""\ud83d""#, #""\ude00""#,
        #""\x""#, #""\u12""#, "\"unterminated", "\"a\nb\"", "\"😀é\u{301}\"", "1", "-1", "0", "-0", "1.5e3", "1E-2",
        "01", ".5", "1.", "-", "1e", "1e999", "123456789012345678901234567890", "true", "false", "null", "TRUE", "Null",
    ]
    private static let punctuationTokens = ["(", ")", "[", "]", "\"", "\\", "'", "=", ",", "{", "}", "&&", "||"]
    private static let strangeTokens = ["é", "😀", "\u{301}", "\u{0}", "\n", "\t", "\r", "\u{2028}", "\u{FEFF}"]
    private static let separators = ["", " ", " ", " ", "  ", "\t", " \t "]
    private static let insertableTokens =
        operatorTokens + logicalTokens + valueTokens + punctuationTokens + strangeTokens + attributeTokens + [" ", "."]

    private mutating func tokenSoup() -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...24, using: &random) {
            let group = Int.random(in: 0..<100, using: &random)
            let token =
                switch group {
                case 0..<25: pick(Self.attributeTokens)
                case 25..<45: pick(Self.operatorTokens)
                case 45..<60: pick(Self.logicalTokens)
                case 60..<80: pick(Self.valueTokens)
                case 80..<95: pick(Self.punctuationTokens)
                default: pick(Self.strangeTokens)
                }
            text += token + pick(Self.separators)
        }
        return text
    }

    private static let validFilters = [
        #"userName eq "bjensen""#, #"name.familyName co "O'Malley""#, #"userName sw "J""#,
        #"urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J""#, "title pr",
        #"meta.lastModified gt "2011-05-13T04:42:34Z""#, #"title pr and userType eq "Employee""#,
        #"title pr or userType eq "Intern""#,
        #"schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User""#,
        #"userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")"#,
        #"userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")"#,
        #"userType eq "Employee" and (emails.type eq "work")"#,
        #"userType eq "Employee" and emails[type eq "work" and value co "@example.com"]"#,
        #"emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]"#,
        #"emails[type eq "work"].value eq "x@y.com""#, #"members[value eq "2819c223-7f76-453a-919d-413861904646"]"#,
        #"emails[type eq "work"].value"#, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
        #"a eq "\u00e9\ud83d\ude00\n\"\\" and b ge -1.5e-3 or not(c eq true) and d ne null"#,
        "name.familyName", "members.$ref pr",
    ]

    private mutating func mutation() -> String {
        let base = chance(70) ? pick(Self.validFilters) : generatedFilter(depth: 3).description
        var scalars = Array(base.unicodeScalars)
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            mutate(&scalars)
        }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    private mutating func mutate(_ scalars: inout [Unicode.Scalar]) {
        let position = Int.random(in: 0...scalars.count, using: &random)
        let rangeEnd = min(scalars.count, position + Int.random(in: 1...6, using: &random))
        switch Int.random(in: 0..<7, using: &random) {
        case 0:
            scalars.removeSubrange(position..<rangeEnd)
        case 1:
            scalars.insert(contentsOf: pick(Self.insertableTokens).unicodeScalars, at: position)
        case 2 where position < scalars.count:
            scalars[position] = Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &random))
        case 3:
            scalars.insert(contentsOf: Array(scalars[position..<rangeEnd]), at: position)
        case 4:
            scalars = Array(scalars.prefix(position))
        case 5:
            let flipped = scalars[position..<rangeEnd].map { scalar -> Unicode.Scalar in
                guard ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) else { return scalar }
                return Unicode.Scalar(UInt8(scalar.value) ^ 0x20)
            }
            scalars.replaceSubrange(position..<rangeEnd, with: flipped)
        default:
            let other = Int.random(in: 0...scalars.count, using: &random)
            let (low, high) = (min(position, other), max(position, other))
            scalars = Array(scalars[high...] + scalars[low..<high] + scalars[..<low])
        }
    }

    /// Renders a random well-formed filter; it must parse back to exactly the tree it came from.
    private mutating func generatedRoundTrip() -> String {
        let filter = generatedFilter(depth: Int.random(in: 0...4, using: &random))
        let rendered = filter.description
        do {
            let parsed = try ScimFilterParser.parse(rendered, limits: Self.roomyLimits)
            if parsed != filter {
                fail("a generated filter parses to something else: \(parsed)", rendered, "generated")
            }
        } catch {
            fail("a generated filter does not parse: \(error)", rendered, "generated")
        }
        return rendered
    }

    private mutating func generatedFilter(depth: Int, insideValuePath: Bool = false) -> ScimFilter {
        let leaf = depth == 0 || chance(30)
        if leaf {
            let path = generatedPath(relative: insideValuePath)
            if chance(20) { return .present(path) }
            return .compare(path, pick(ScimCompareOperator.allCases), generatedValue())
        }
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<35:
            return .and(
                generatedFilter(depth: depth - 1, insideValuePath: insideValuePath),
                generatedFilter(depth: depth - 1, insideValuePath: insideValuePath))
        case 35..<70:
            return .or(
                generatedFilter(depth: depth - 1, insideValuePath: insideValuePath),
                generatedFilter(depth: depth - 1, insideValuePath: insideValuePath))
        case 70..<85 where !insideValuePath:
            return .valuePath(generatedPath(relative: true), generatedFilter(depth: depth - 1, insideValuePath: true))
        default:
            return .not(generatedFilter(depth: depth - 1, insideValuePath: insideValuePath))
        }
    }

    private static let names = ["userName", "emails", "type", "value", "x", "A1", "a-b", "c_d", "$ref", "PR", "eq"]
    private static let schemas = [
        "urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        "urn:a:b",
    ]

    private mutating func generatedPath(relative: Bool) -> ScimAttributePath {
        let schema = !relative && chance(15) ? pick(Self.schemas) : nil
        let subAttribute = chance(30) ? pick(Self.names + ["and", "not"]) : nil
        return ScimAttributePath(schema: schema, attribute: pick(Self.names), subAttribute: subAttribute)
    }

    private mutating func generatedValue() -> ScimFilterValue {
        switch Int.random(in: 0..<10, using: &random) {
        case 0: return .null
        case 1: return .bool(chance(50))
        case 2: return .number(Double(Int64.random(in: -1_000_000...1_000_000, using: &random)))
        case 3:
            let bits = Double(bitPattern: random.next())
            return .number(bits.isFinite ? bits : 0.5)
        case 4: return .number(Double.random(in: -1e6...1e6, using: &random))
        default: return .string(randomScalars())
        }
    }

    /// Deep nesting, long chains, long strings and oversized input.
    private mutating func extreme() -> String {
        let depth = Int.random(in: 0...40, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0:
            return String(repeating: "(", count: depth) + "a pr" + String(repeating: ")", count: depth)
        case 1:
            return String(repeating: "not (", count: depth) + "a pr" + String(repeating: ")", count: depth)
        case 2:
            return String(repeating: "x[", count: depth) + "a pr" + String(repeating: "]", count: depth)
        case 3:
            let terms = Int.random(in: 1...600, using: &random)
            return Array(repeating: "a pr", count: terms).joined(separator: chance(50) ? " and " : " or ")
        case 4:
            let length = Int.random(in: 2030...2060, using: &random)
            return "a eq \"" + String(repeating: "\\u00e9", count: length / 6) + "\""
        default:
            let count =
                chance(10)
                ? Int.random(in: 2049...1_048_576, using: &random) : Int.random(in: 1000...5000, using: &random)
            return String(repeating: pick(["(", "a", "\"", "[", "😀", "\\", "é\u{301}"]), count: count)
        }
    }
}

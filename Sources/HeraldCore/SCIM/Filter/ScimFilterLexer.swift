/// One token of a filter or PATCH path.
struct ScimFilterToken: Sendable {
    var kind: ScimFilterTokenKind
    /// Where the token starts, in Unicode scalars.
    var offset: Int
}

enum ScimFilterTokenKind: Sendable, Equatable {
    /// A run of ASCII letters, digits and `- _ . : $` that does not start with a digit or `-`: an attribute path,
    /// a `.sub` after `]`, a keyword, an operator or a literal; the parser tells them apart by position.
    case word(String)
    /// A JSON string, unescaped.
    case string(String)
    /// A JSON number.
    case number(Double)
    case openParen, closeParen, openBracket, closeBracket, end

    /// Whether this is the word `keyword` (given in lower case), in any case.
    func isKeyword(_ keyword: String) -> Bool {
        guard case .word(let word) = self else { return false }
        return ScimFilterLexer.isKeyword(word, keyword)
    }

    /// Whether this token could only be a comparison value.
    var isValue: Bool {
        switch self {
        case .string, .number: true
        default: isKeyword("true") || isKeyword("false") || isKeyword("null")
        }
    }

    /// The token as an error message shows it.
    var quoted: String {
        switch self {
        case .word(let word): "'\(ScimFilterLexer.abbreviated(word))'"
        case .string(let text): ScimFilterLexer.abbreviated(ScimFilterValue.jsonQuoted(text))
        case .number(let number): ScimFilterValue.jsonNumber(number)
        case .openParen: "'('"
        case .closeParen: "')'"
        case .openBracket: "'['"
        case .closeBracket: "']'"
        case .end: "the end of the input"
        }
    }
}

/// Splits an input into tokens in one linear pass.
enum ScimFilterLexer {
    /// The input's Unicode scalars, failing as soon as there are more than `maxLength` of them (so a huge
    /// input costs no more than a long-enough one).
    static func scalars(of text: String, maxLength: Int) throws(ScimFilterError) -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(min(text.utf8.count, max(maxLength, 0)))
        for scalar in text.unicodeScalars {
            guard scalars.count < maxLength else {
                throw ScimFilterError("input is longer than the limit of \(maxLength) characters", at: scalars.count)
            }
            scalars.append(scalar)
        }
        return scalars
    }

    /// The tokens of `scalars`, always ending with `.end`.
    static func tokenize(_ scalars: [Unicode.Scalar]) throws(ScimFilterError) -> [ScimFilterToken] {
        var tokens: [ScimFilterToken] = []
        var index = 0
        while index < scalars.count {
            let start = index
            let kind: ScimFilterTokenKind
            switch scalars[index] {
            case " ", "\t", "\r", "\n":
                index += 1
                continue
            case "(": kind = .openParen; index += 1
            case ")": kind = .closeParen; index += 1
            case "[": kind = .openBracket; index += 1
            case "]": kind = .closeBracket; index += 1
            case "\"": kind = .string(try readString(scalars, index: &index))
            case "-", "0"..."9": kind = .number(try readNumber(scalars, index: &index))
            case let scalar where isWordScalar(scalar):
                while index < scalars.count, isWordScalar(scalars[index]) { index += 1 }
                kind = .word(asciiString(scalars[start..<index]))
            case let scalar:
                throw ScimFilterError("unexpected character \(display(scalar))", at: index)
            }
            tokens.append(ScimFilterToken(kind: kind, offset: start))
        }
        tokens.append(ScimFilterToken(kind: .end, offset: scalars.count))
        return tokens
    }

    /// A JSON string (RFC 8259 §7) starting at the `"` under `index`; leaves `index` after the closing quote.
    private static func readString(_ scalars: [Unicode.Scalar], index: inout Int) throws(ScimFilterError) -> String {
        let start = index
        var utf8: [UInt8] = []
        index += 1
        while true {
            guard index < scalars.count else {
                throw ScimFilterError("unterminated string starting", at: start)
            }
            let scalar = scalars[index]
            if scalar == "\"" {
                index += 1
                return String(decoding: utf8, as: UTF8.self)
            }
            if scalar == "\\" {
                UTF8.encode(try readEscape(scalars, index: &index, stringStart: start)) { utf8.append($0) }
                continue
            }
            if scalar.value < 0x20 {
                throw ScimFilterError("control character \(display(scalar)) in a string must be escaped", at: index)
            }
            UTF8.encode(scalar) { utf8.append($0) }
            index += 1
        }
    }

    /// One escape sequence starting at the `\` under `index`; leaves `index` after it.
    private static func readEscape(_ scalars: [Unicode.Scalar], index: inout Int, stringStart: Int)
        throws(ScimFilterError) -> Unicode.Scalar
    {
        let escapeStart = index
        guard index + 1 < scalars.count else {
            throw ScimFilterError("unterminated string starting", at: stringStart)
        }
        let simple: Unicode.Scalar? =
            switch scalars[index + 1] {
            case "\"": "\""
            case "\\": "\\"
            case "/": "/"
            case "b": "\u{08}"
            case "f": "\u{0C}"
            case "n": "\n"
            case "r": "\r"
            case "t": "\t"
            default: nil
            }
        if let simple {
            index += 2
            return simple
        }
        guard scalars[index + 1] == "u" else {
            let escaped = scalars[index + 1].escaped(asASCII: true)
            throw ScimFilterError("invalid escape '\\\(escaped)' in a string", at: index)
        }
        guard let unit = hexQuad(scalars, at: index + 2) else {
            throw ScimFilterError("invalid \\u escape: expected four hex digits", at: index)
        }
        index += 6
        switch unit {
        case 0xD800...0xDBFF:
            guard index + 1 < scalars.count, scalars[index] == "\\", scalars[index + 1] == "u",
                let low = hexQuad(scalars, at: index + 2), (0xDC00...0xDFFF).contains(low),
                let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
            else {
                throw ScimFilterError("high surrogate escape without a low surrogate escape after it", at: escapeStart)
            }
            index += 6
            return scalar
        case 0xDC00...0xDFFF:
            throw ScimFilterError("low surrogate escape without a high surrogate escape before it", at: escapeStart)
        default:
            guard let scalar = Unicode.Scalar(unit) else {
                throw ScimFilterError("invalid \\u escape", at: escapeStart)
            }
            return scalar
        }
    }

    private static func hexQuad(_ scalars: [Unicode.Scalar], at start: Int) -> UInt32? {
        guard start + 4 <= scalars.count else { return nil }
        var value: UInt32 = 0
        for scalar in scalars[start..<start + 4] {
            guard scalar.isASCII, let digit = UInt32(String(scalar), radix: 16) else { return nil }
            value = value << 4 | digit
        }
        return value
    }

    /// A JSON number (RFC 8259 §6) starting under `index`; leaves `index` after it. The number must end where a
    /// token may end (`01`, `1.`, `1e`, `1x` and `1.2.3` are all errors) and must fit a finite `Double`.
    private static func readNumber(_ scalars: [Unicode.Scalar], index: inout Int) throws(ScimFilterError) -> Double {
        let start = index
        var cursor = index
        func isDigit(at position: Int) -> Bool {
            position < scalars.count && ("0"..."9").contains(scalars[position])
        }
        func skipDigits() -> Int {
            let from = cursor
            while isDigit(at: cursor) { cursor += 1 }
            return cursor - from
        }
        func isAt(_ candidates: Unicode.Scalar...) -> Bool {
            cursor < scalars.count && candidates.contains(scalars[cursor])
        }
        if isAt("-") { cursor += 1 }
        let integerStart = cursor
        let integerDigits = skipDigits()
        var valid = integerDigits == 1 || (integerDigits > 1 && scalars[integerStart] != "0")
        if valid, isAt(".") {
            cursor += 1
            valid = skipDigits() > 0
        }
        if valid, isAt("e", "E") {
            cursor += 1
            if isAt("+", "-") { cursor += 1 }
            valid = skipDigits() > 0
        }
        if valid, cursor < scalars.count, isWordScalar(scalars[cursor]) || isAt("+") {
            valid = false
        }
        guard valid else {
            var end = start + 1
            while end < scalars.count, isWordScalar(scalars[end]) || scalars[end] == "+" { end += 1 }
            throw ScimFilterError("invalid number '\(abbreviated(asciiString(scalars[start..<end])))'", at: start)
        }
        guard let number = Double(asciiString(scalars[start..<cursor])), number.isFinite else {
            throw ScimFilterError("number out of range", at: start)
        }
        index = cursor
        return number
    }

    /// Whether `text` is `keyword` (lower-case ASCII letters only) in any case.
    static func isKeyword(_ text: String, _ keyword: String) -> Bool {
        // For a lower-case letter k, `byte | 0x20 == k` holds exactly when byte is k or its upper-case form.
        var bytes = text.utf8.makeIterator()
        for expected in keyword.utf8 {
            guard let byte = bytes.next(), byte | 0x20 == expected else { return false }
        }
        return bytes.next() == nil
    }

    /// Letters, digits and `- _ . : $`: what attribute paths, keywords, operators and literals are made of.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", ":", "$": true
        default: false
        }
    }

    /// The text of scalars the lexer has already checked to be ASCII.
    private static func asciiString(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        String(unsafeUninitializedCapacity: scalars.count) { buffer in
            var count = 0
            for scalar in scalars {
                buffer[count] = UInt8(truncatingIfNeeded: scalar.value)
                count += 1
            }
            return count
        }
    }

    /// `'x'` for printable ASCII, `U+XXXX` for anything else.
    private static func display(_ scalar: Unicode.Scalar) -> String {
        if (0x21...0x7E).contains(scalar.value) { return "'\(scalar)'" }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// The text for an error message: at most 40 scalars, with `…` when cut.
    static func abbreviated(_ text: String) -> String {
        var cut = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if cut.count == 40 { return String(cut) + "…" }
            cut.append(scalar)
        }
        return text
    }
}

/// Eight-bytes-at-a-time tests on a little bag of bytes (the order of bytes in the word does not matter).
enum SWAR {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Whether any byte of `word` is below `limit` (`limit` at most 0x80). Exact as a yes/no answer.
    @inline(__always) static func hasByte(_ word: UInt64, below limit: UInt8) -> Bool {
        (word &- ones &* UInt64(limit)) & ~word & highBits != 0
    }

    /// Whether any byte of `word` equals `byte`. Exact as a yes/no answer.
    @inline(__always) static func hasByte(_ word: UInt64, equalTo byte: UInt8) -> Bool {
        hasByte(word ^ (ones &* UInt64(byte)), below: 1)
    }

    /// Whether any byte is `"`, `\` or a control character: something a JSON string must escape.
    @inline(__always) static func needsEscaping(_ word: UInt64) -> Bool {
        hasByte(word, below: 0x20) || hasByte(word, equalTo: JSONByte.quote) || hasByte(word, equalTo: JSONByte.backslash)
    }
}

/// Powers of ten that are exactly representable as `Double` (10^0 ... 10^22).
let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22,
]

/// The reader behind `JSONValue.parse` (JSONValueCoding.swift has the rules it follows).
struct JSONValueParser {
    /// One array or object that has been opened but not yet closed. Its finished elements (or members) wait in
    /// the parser's shared `elements` (or `members`) stack from index `start` on, so each container is allocated
    /// once, at its final size, when it closes, and the pending buffers' capacity is reused across containers.
    private struct Container {
        var isObject: Bool
        var start: Int
        /// The key whose value is being parsed (objects only).
        var key: String = ""
    }

    private struct Member {
        var key: String
        var value: JSONValue
    }

    let input: UnsafeBufferPointer<UInt8>
    let maxDepth: Int
    var position = 0
    /// Reused buffer for strings that contain escapes.
    var scratch: [UInt8] = []

    init(input: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.input = input
        self.maxDepth = max(0, maxDepth)
    }

    mutating func parseDocument() throws(JSONValueParseError) -> JSONValue {
        if input.count >= 3, input[0] == 0xEF, input[1] == 0xBB, input[2] == 0xBF { position = 3 }
        var stack: [Container] = []
        var elements: [JSONValue] = []
        var members: [Member] = []
        var value: JSONValue

        parsing: while true {
            // Read one value; an opening bracket pushes a container and goes round again for its first element.
            skipWhitespace()
            guard position < input.count else { throw failure("unexpected end of input, expected a value") }
            switch input[position] {
            case JSONByte.openBrace:
                guard stack.count < maxDepth else { throw failure("arrays and objects nested deeper than \(maxDepth)") }
                position += 1
                skipWhitespace()
                if position < input.count, input[position] == JSONByte.closeBrace {
                    position += 1
                    value = .object([:])
                } else {
                    let key = try parseKey()
                    stack.append(Container(isObject: true, start: members.count, key: key))
                    continue parsing
                }
            case JSONByte.openBracket:
                guard stack.count < maxDepth else { throw failure("arrays and objects nested deeper than \(maxDepth)") }
                position += 1
                skipWhitespace()
                if position < input.count, input[position] == JSONByte.closeBracket {
                    position += 1
                    value = .array([])
                } else {
                    stack.append(Container(isObject: false, start: elements.count))
                    continue parsing
                }
            case JSONByte.quote:
                value = .string(try parseString())
            case 0x74:  // t
                try expectLiteral("true")
                value = .bool(true)
            case 0x66:  // f
                try expectLiteral("false")
                value = .bool(false)
            case 0x6E:  // n
                try expectLiteral("null")
                value = .null
            case JSONByte.minus, JSONByte.zero...JSONByte.nine:
                value = .number(try parseNumber())
            case let byte:
                throw failure("unexpected \(Self.describe(byte)), expected a value")
            }

            // Hand the value to the innermost open container, closing as many containers as end here.
            while true {
                guard let top = stack.indices.last else {
                    skipWhitespace()
                    guard position == input.count else {
                        throw failure("unexpected \(Self.describe(input[position])) after the top-level value")
                    }
                    return value
                }
                skipWhitespace()
                let next: UInt8? = position < input.count ? input[position] : nil
                if stack[top].isObject {
                    members.append(Member(key: stack[top].key, value: value))
                    switch next {
                    case JSONByte.comma:
                        position += 1
                        skipWhitespace()
                        stack[top].key = try parseKey()
                        continue parsing
                    case JSONByte.closeBrace:
                        position += 1
                        let start = stack.removeLast().start
                        var object = [String: JSONValue](minimumCapacity: members.count - start)
                        for index in start..<members.count {
                            object[members[index].key] = members[index].value  // the last duplicate wins
                        }
                        members.removeLast(members.count - start)
                        value = .object(object)
                    case nil:
                        throw failure("unexpected end of input inside an object, expected ',' or '}'")
                    case let byte?:
                        throw failure("unexpected \(Self.describe(byte)) inside an object, expected ',' or '}'")
                    }
                } else {
                    elements.append(value)
                    switch next {
                    case JSONByte.comma:
                        position += 1
                        continue parsing
                    case JSONByte.closeBracket:
                        position += 1
                        let start = stack.removeLast().start
                        let array = Array(elements[start...])
                        elements.removeLast(elements.count - start)
                        value = .array(array)
                    case nil:
                        throw failure("unexpected end of input inside an array, expected ',' or ']'")
                    case let byte?:
                        throw failure("unexpected \(Self.describe(byte)) inside an array, expected ',' or ']'")
                    }
                }
            }
        }
    }

    // MARK: Structure

    private mutating func skipWhitespace() {
        while position < input.count {
            switch input[position] {
            case JSONByte.space, JSONByte.newline, JSONByte.carriageReturn, JSONByte.tab: position += 1
            default: return
            }
        }
    }

    /// Reads `"key"` followed by optional whitespace and `:`; `position` is at the opening quote.
    private mutating func parseKey() throws(JSONValueParseError) -> String {
        guard position < input.count else { throw failure("unexpected end of input, expected an object key") }
        guard input[position] == JSONByte.quote else {
            throw failure("unexpected \(Self.describe(input[position])), expected a string object key")
        }
        let key = try parseString()
        skipWhitespace()
        guard position < input.count else { throw failure("unexpected end of input, expected ':'") }
        guard input[position] == JSONByte.colon else {
            throw failure("unexpected \(Self.describe(input[position])) after an object key, expected ':'")
        }
        position += 1
        return key
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONValueParseError) {
        let count = literal.utf8CodeUnitCount
        let matches = literal.withUTF8Buffer { expected in
            guard input.count - position >= count else { return false }
            for index in 0..<count where input[position + index] != expected[index] { return false }
            return true
        }
        guard matches else { throw failure("invalid literal, expected '\(literal)'") }
        position += count
    }

    // MARK: Strings

    /// Reads a string; `position` is at the opening quote and ends just past the closing one.
    private mutating func parseString() throws(JSONValueParseError) -> String {
        let openingQuote = position
        let contentStart = position + 1
        var index = contentStart
        // Skip eight bytes at a time while none is a quote, backslash or control character.
        var seenWords: UInt64 = 0
        if let base = input.baseAddress {
            while index + 8 <= input.count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if SWAR.needsEscaping(word) { break }
                seenWords |= word
                index += 8
            }
        }
        var seen: UInt8 = seenWords & SWAR.highBits == 0 ? 0 : 0x80  // top bit set: there is non-ASCII
        while index < input.count {
            let byte = input[index]
            seen |= byte
            if byte == JSONByte.quote {
                position = index + 1
                let content = UnsafeBufferPointer(rebasing: input[contentStart..<index])
                if seen >= 0x80, let invalid = Self.firstInvalidUTF8(in: content) {
                    throw failure(at: contentStart + invalid, "invalid UTF-8 in a string")
                }
                return String(decoding: content, as: UTF8.self)
            }
            if byte == JSONByte.backslash {
                return try parseEscapedString(openingQuote: openingQuote, firstEscape: index)
            }
            if byte < 0x20 { throw failure(at: index, "unescaped control character \(Self.hex(byte)) in a string") }
            index += 1
        }
        throw failure(at: openingQuote, "unterminated string")
    }

    /// The slow path of `parseString`, once a backslash has been seen: unescapes into `scratch`.
    private mutating func parseEscapedString(openingQuote: Int, firstEscape: Int) throws(JSONValueParseError)
        -> String
    {
        let contentStart = openingQuote + 1
        scratch.removeAll(keepingCapacity: true)
        var runStart = contentStart
        var index = firstEscape
        var seen: UInt8 = 0
        for earlier in contentStart..<firstEscape { seen |= input[earlier] }
        while index < input.count {
            let byte = input[index]
            seen |= byte
            if byte == JSONByte.quote {
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
                position = index + 1
                let invalid = seen >= 0x80 && scratch.withUnsafeBufferPointer { Self.firstInvalidUTF8(in: $0) } != nil
                if invalid {
                    // Escapes only produce well-formed UTF-8, so the culprit is in the raw input between the quotes.
                    throw failure(at: firstInvalidUTF8(inStringFrom: contentStart) ?? contentStart,
                        "invalid UTF-8 in a string")
                }
                return String(decoding: scratch, as: UTF8.self)
            }
            if byte < 0x20 { throw failure(at: index, "unescaped control character \(Self.hex(byte)) in a string") }
            guard byte == JSONByte.backslash else {
                index += 1
                continue
            }
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
            guard index + 1 < input.count else { break }
            switch input[index + 1] {
            case JSONByte.quote: scratch.append(JSONByte.quote)
            case JSONByte.backslash: scratch.append(JSONByte.backslash)
            case JSONByte.slash: scratch.append(JSONByte.slash)
            case 0x62: scratch.append(JSONByte.backspace)  // b
            case 0x66: scratch.append(JSONByte.formFeed)  // f
            case 0x6E: scratch.append(JSONByte.newline)  // n
            case 0x72: scratch.append(JSONByte.carriageReturn)  // r
            case 0x74: scratch.append(JSONByte.tab)  // t
            case 0x75:  // u
                let escapeStart = index
                var scalar = try hexQuad(at: index + 2)
                index += 6
                switch scalar {
                case 0xD800...0xDBFF:
                    guard index + 1 < input.count, input[index] == JSONByte.backslash, input[index + 1] == 0x75 else {
                        throw failure(at: escapeStart, "unpaired high surrogate \\u\(Self.hex4(scalar)) in a string")
                    }
                    let low = try hexQuad(at: index + 2)
                    guard (0xDC00...0xDFFF).contains(low) else {
                        throw failure(at: escapeStart, "unpaired high surrogate \\u\(Self.hex4(scalar)) in a string")
                    }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                case 0xDC00...0xDFFF:
                    throw failure(at: escapeStart, "unpaired low surrogate \\u\(Self.hex4(scalar)) in a string")
                default:
                    break
                }
                appendUTF8(scalar)
                runStart = index
                continue
            case let other:
                throw failure(at: index, "invalid escape sequence '\\\(Self.printable(other))' in a string")
            }
            index += 2
            runStart = index
        }
        throw failure(at: openingQuote, "unterminated string")
    }

    /// Four hex digits of a `\u` escape starting at `offset`.
    private func hexQuad(at offset: Int) throws(JSONValueParseError) -> UInt32 {
        var result: UInt32 = 0
        for index in offset..<(offset + 4) {
            guard index < input.count else { throw failure(at: index, "unterminated \\u escape in a string") }
            let byte = input[index]
            let digit: UInt8
            switch byte {
            case JSONByte.zero...JSONByte.nine: digit = byte &- JSONByte.zero
            case 0x61...0x66: digit = byte &- 0x61 &+ 10  // a-f
            case 0x41...0x46: digit = byte &- 0x41 &+ 10  // A-F
            default:
                throw failure(at: index, "invalid \\u escape, expected four hex digits, found \(Self.describe(byte))")
            }
            result = result << 4 | UInt32(digit)
        }
        return result
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// The offset of the first ill-formed UTF-8 sequence in `bytes`, if any.
    private static func firstInvalidUTF8(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            guard let length = validSequenceLength(at: index, in: bytes) else { return index }
            index += length
        }
        return nil
    }

    /// Like `firstInvalidUTF8(in:)`, over the raw input from `start` up to the closing quote of a string, skipping
    /// escapes (`\"` does not end the string).
    private func firstInvalidUTF8(inStringFrom start: Int) -> Int? {
        var index = start
        while index < input.count {
            let lead = input[index]
            if lead == JSONByte.quote { return nil }
            if lead < 0x80 {
                index += lead == JSONByte.backslash ? 2 : 1
                continue
            }
            guard let length = Self.validSequenceLength(at: index, in: input) else { return index }
            index += length
        }
        return nil
    }

    /// The length of the well-formed UTF-8 sequence with a non-ASCII lead byte at `index`, or nil if ill-formed
    /// (overlong, surrogate, above U+10FFFF, truncated, or a stray continuation byte).
    private static func validSequenceLength(at index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch bytes[index] {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xE1...0xEF: length = 3
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        case 0xF1...0xF3: length = 4
        default: return nil
        }
        guard index + length <= bytes.count, secondRange.contains(bytes[index + 1]) else { return nil }
        for continuation in (index + 2)..<(index + length) where !(0x80...0xBF).contains(bytes[continuation]) {
            return nil
        }
        return length
    }

    // MARK: Numbers

    /// Reads a number per the RFC 8259 grammar `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func parseNumber() throws(JSONValueParseError) -> Double {
        let start = position
        var index = position
        let negative = input[index] == JSONByte.minus
        if negative { index += 1 }

        // Up to 19 significant digits fit in a UInt64 exactly; more are counted but only matter for the slow path.
        var mantissa: UInt64 = 0
        var digitCount = 0
        var fractionDigits = 0

        guard index < input.count, Self.isDigit(input[index]) else {
            throw failure(at: index, index < input.count
                ? "unexpected \(Self.describe(input[index])) in a number, expected a digit"
                : "unexpected end of input in a number, expected a digit")
        }
        if input[index] == JSONByte.zero {
            index += 1
            if index < input.count, Self.isDigit(input[index]) {
                throw failure(at: index, "leading zeros are not allowed in numbers")
            }
        } else {
            while index < input.count, Self.isDigit(input[index]) {
                if digitCount < 19 { mantissa = mantissa &* 10 &+ UInt64(input[index] &- JSONByte.zero) }
                digitCount += 1
                index += 1
            }
        }
        var isInteger = true
        if index < input.count, input[index] == JSONByte.dot {
            isInteger = false
            index += 1
            guard index < input.count, Self.isDigit(input[index]) else {
                throw failure(at: index, "expected a digit after the decimal point")
            }
            while index < input.count, Self.isDigit(input[index]) {
                if digitCount < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(input[index] &- JSONByte.zero)
                    fractionDigits += 1
                }
                digitCount += 1
                index += 1
            }
        }
        var exponent = 0
        if index < input.count, input[index] == JSONByte.lowerE || input[index] == JSONByte.upperE {
            isInteger = false
            index += 1
            var exponentNegative = false
            if index < input.count, input[index] == JSONByte.plus || input[index] == JSONByte.minus {
                exponentNegative = input[index] == JSONByte.minus
                index += 1
            }
            guard index < input.count, Self.isDigit(input[index]) else {
                throw failure(at: index, "expected a digit in the exponent")
            }
            while index < input.count, Self.isDigit(input[index]) {
                // Saturate: anything this large over- or underflows regardless of the mantissa.
                if exponent < 100_000 { exponent = exponent * 10 + Int(input[index] &- JSONByte.zero) }
                index += 1
            }
            if exponentNegative { exponent = -exponent }
        }
        position = index

        // Fast paths, exact by construction: integers of up to 19 digits (one correctly rounded conversion), and
        // up to 2^53 scaled by an exactly representable power of ten (one correctly rounded operation).
        if digitCount <= 19 {
            if mantissa == 0 { return negative ? -0.0 : 0.0 }
            if isInteger {
                let magnitude = Double(mantissa)
                return negative ? -magnitude : magnitude
            }
            let scale = exponent - fractionDigits
            if mantissa <= 1 << 53, scale >= -22, scale <= 22 {
                let magnitude = scale < 0
                    ? Double(mantissa) / exactPowersOfTen[-scale] : Double(mantissa) * exactPowersOfTen[scale]
                return negative ? -magnitude : magnitude
            }
        }
        // Slow path: the standard library's correctly rounded conversion of the validated text.
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<index]), as: UTF8.self)
        guard let result = Double(text) else { throw failure(at: start, "invalid number") }
        guard result.isFinite else { throw failure(at: start, "number out of range") }
        return result
    }

    // MARK: Errors

    private func failure(_ message: String) -> JSONValueParseError {
        JSONValueParseError(offset: position, message: message)
    }

    private func failure(at offset: Int, _ message: String) -> JSONValueParseError {
        JSONValueParseError(offset: offset, message: message)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- JSONByte.zero < 10 }

    private static func printable(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? String(UnicodeScalar(byte)) : hex(byte)
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(String(UnicodeScalar(byte)))'" : "byte \(hex(byte))"
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return "0x" + (digits.count < 2 ? "0" + digits : digits)
    }

    private static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

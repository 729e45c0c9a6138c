/// A fast, strict RFC 8259 reader and a compact writer for `JSONValue`, working directly on UTF-8 bytes.
///
/// Parsing is iterative (an explicit stack of open containers, bounded by `maxDepth`), so hostile input cannot
/// exhaust the call stack, and every byte is looked at a bounded number of times, so it runs in linear time.
///
/// Decisions worth knowing:
/// - Invalid UTF-8 inside strings is rejected (not repaired with U+FFFD); so are unpaired `\uD800`-style surrogate
///   escapes, raw control characters in strings, leading zeros, `NaN`/`Infinity`, comments and trailing commas.
/// - A leading UTF-8 byte order mark is skipped (as Foundation's `JSONDecoder` does); anything after the top-level
///   value other than whitespace is an error.
/// - Numbers whose magnitude overflows `Double` (`1e400`) are rejected ("out of range"), because `JSONValue` could
///   neither hold nor re-emit them faithfully. Numbers too small for `Double` underflow to (signed) zero, as IEEE 754
///   and JavaScript's `JSON.parse` do.
/// - Duplicate object keys: the last one wins (like `JSONSerialization` and `JSON.parse`).
/// - Keys are Swift `String`s, so two keys that are canonically equivalent (precomposed "é" versus "e" + U+0301)
///   count as duplicates.
/// - Error offsets count bytes from the start of the collection passed in (whatever its indices are).
extension JSONValue {
    /// Parses RFC 8259 JSON text given as UTF-8 bytes. Nesting deeper than `maxDepth` arrays/objects is rejected.
    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = 512) throws(JSONValueParseError)
        -> JSONValue
    {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONValueParseError) -> JSONValue in
                var parser = JSONValueParser(input: buffer, maxDepth: maxDepth)
                return try parser.parseDocument()
            }
        }
        if let contiguous { return try contiguous.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONValueParseError) -> JSONValue in
                var parser = JSONValueParser(input: buffer, maxDepth: maxDepth)
                return try parser.parseDocument()
            }
        }.get()
    }

    /// Parses RFC 8259 JSON text. Error offsets are offsets into `text.utf8`.
    public static func parse(_ text: String, maxDepth: Int = 512) throws(JSONValueParseError) -> JSONValue {
        var text = text
        return try text.withUTF8 { buffer in
            Result { () throws(JSONValueParseError) -> JSONValue in
                var parser = JSONValueParser(input: buffer, maxDepth: maxDepth)
                return try parser.parseDocument()
            }
        }.get()
    }

    /// Compact JSON as UTF-8 bytes: no insignificant whitespace, "/" and non-ASCII written as-is, `"`, `\` and
    /// control characters escaped (`\n \r \t \b \f`, otherwise `\u00XX`). Integral numbers with magnitude below 2^53
    /// are written as integers (`3`, `-0`), other finite numbers in the shortest form that reads back to the same
    /// `Double` (`0.1`, `1e-07`, `1.7976931348623157e+308`); NaN and infinities, which JSON cannot express, become
    /// `null`. With `sortedKeys`, object members are ordered by the UTF-8 bytes of their keys.
    ///
    /// Serialization recurses once per nesting level of the value, which is bounded for parsed values by `maxDepth`.
    public func serialized(sortedKeys: Bool = false) -> [UInt8] {
        var writer = JSONValueWriter(sortedKeys: sortedKeys)
        writer.write(self)
        return writer.output
    }
}

/// Why `JSONValue.parse` rejected its input: the byte offset at which the problem was found, and what it is.
public struct JSONValueParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Offset, in bytes from the start of the input, of the byte where the problem was detected.
    public var offset: Int
    /// A human-readable description of the problem.
    public var message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}

// MARK: - Reading

private enum ASCII {
    static let quote: UInt8 = 0x22  // "
    static let backslash: UInt8 = 0x5C  // \
    static let slash: UInt8 = 0x2F  // /
    static let comma: UInt8 = 0x2C  // ,
    static let colon: UInt8 = 0x3A  // :
    static let minus: UInt8 = 0x2D  // -
    static let plus: UInt8 = 0x2B  // +
    static let dot: UInt8 = 0x2E  // .
    static let zero: UInt8 = 0x30  // 0
    static let nine: UInt8 = 0x39  // 9
    static let openBracket: UInt8 = 0x5B  // [
    static let closeBracket: UInt8 = 0x5D  // ]
    static let openBrace: UInt8 = 0x7B  // {
    static let closeBrace: UInt8 = 0x7D  // }
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let newline: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let backspace: UInt8 = 0x08
    static let formFeed: UInt8 = 0x0C
    static let lowerE: UInt8 = 0x65  // e
    static let upperE: UInt8 = 0x45  // E
}

/// Eight-bytes-at-a-time tests on a little bag of bytes (the order of bytes in the word does not matter).
private enum SWAR {
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
        hasByte(word, below: 0x20) || hasByte(word, equalTo: ASCII.quote) || hasByte(word, equalTo: ASCII.backslash)
    }
}

/// Powers of ten that are exactly representable as `Double` (10^0 ... 10^22).
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
    1e20, 1e21, 1e22,
]

private struct JSONValueParser {
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
            case ASCII.openBrace:
                guard stack.count < maxDepth else { throw failure("arrays and objects nested deeper than \(maxDepth)") }
                position += 1
                skipWhitespace()
                if position < input.count, input[position] == ASCII.closeBrace {
                    position += 1
                    value = .object([:])
                } else {
                    let key = try parseKey()
                    stack.append(Container(isObject: true, start: members.count, key: key))
                    continue parsing
                }
            case ASCII.openBracket:
                guard stack.count < maxDepth else { throw failure("arrays and objects nested deeper than \(maxDepth)") }
                position += 1
                skipWhitespace()
                if position < input.count, input[position] == ASCII.closeBracket {
                    position += 1
                    value = .array([])
                } else {
                    stack.append(Container(isObject: false, start: elements.count))
                    continue parsing
                }
            case ASCII.quote:
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
            case ASCII.minus, ASCII.zero...ASCII.nine:
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
                    case ASCII.comma:
                        position += 1
                        skipWhitespace()
                        stack[top].key = try parseKey()
                        continue parsing
                    case ASCII.closeBrace:
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
                    case ASCII.comma:
                        position += 1
                        continue parsing
                    case ASCII.closeBracket:
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
            case ASCII.space, ASCII.newline, ASCII.carriageReturn, ASCII.tab: position += 1
            default: return
            }
        }
    }

    /// Reads `"key"` followed by optional whitespace and `:`; `position` is at the opening quote.
    private mutating func parseKey() throws(JSONValueParseError) -> String {
        guard position < input.count else { throw failure("unexpected end of input, expected an object key") }
        guard input[position] == ASCII.quote else {
            throw failure("unexpected \(Self.describe(input[position])), expected a string object key")
        }
        let key = try parseString()
        skipWhitespace()
        guard position < input.count else { throw failure("unexpected end of input, expected ':'") }
        guard input[position] == ASCII.colon else {
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
            if byte == ASCII.quote {
                position = index + 1
                let content = UnsafeBufferPointer(rebasing: input[contentStart..<index])
                if seen >= 0x80, let invalid = Self.firstInvalidUTF8(in: content) {
                    throw failure(at: contentStart + invalid, "invalid UTF-8 in a string")
                }
                return String(decoding: content, as: UTF8.self)
            }
            if byte == ASCII.backslash {
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
            if byte == ASCII.quote {
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
            guard byte == ASCII.backslash else {
                index += 1
                continue
            }
            scratch.append(contentsOf: UnsafeBufferPointer(rebasing: input[runStart..<index]))
            guard index + 1 < input.count else { break }
            switch input[index + 1] {
            case ASCII.quote: scratch.append(ASCII.quote)
            case ASCII.backslash: scratch.append(ASCII.backslash)
            case ASCII.slash: scratch.append(ASCII.slash)
            case 0x62: scratch.append(ASCII.backspace)  // b
            case 0x66: scratch.append(ASCII.formFeed)  // f
            case 0x6E: scratch.append(ASCII.newline)  // n
            case 0x72: scratch.append(ASCII.carriageReturn)  // r
            case 0x74: scratch.append(ASCII.tab)  // t
            case 0x75:  // u
                let escapeStart = index
                var scalar = try hexQuad(at: index + 2)
                index += 6
                switch scalar {
                case 0xD800...0xDBFF:
                    guard index + 1 < input.count, input[index] == ASCII.backslash, input[index + 1] == 0x75 else {
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
            case ASCII.zero...ASCII.nine: digit = byte &- ASCII.zero
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
            if lead == ASCII.quote { return nil }
            if lead < 0x80 {
                index += lead == ASCII.backslash ? 2 : 1
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
        let negative = input[index] == ASCII.minus
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
        if input[index] == ASCII.zero {
            index += 1
            if index < input.count, Self.isDigit(input[index]) {
                throw failure(at: index, "leading zeros are not allowed in numbers")
            }
        } else {
            while index < input.count, Self.isDigit(input[index]) {
                if digitCount < 19 { mantissa = mantissa &* 10 &+ UInt64(input[index] &- ASCII.zero) }
                digitCount += 1
                index += 1
            }
        }
        var isInteger = true
        if index < input.count, input[index] == ASCII.dot {
            isInteger = false
            index += 1
            guard index < input.count, Self.isDigit(input[index]) else {
                throw failure(at: index, "expected a digit after the decimal point")
            }
            while index < input.count, Self.isDigit(input[index]) {
                if digitCount < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(input[index] &- ASCII.zero)
                    fractionDigits += 1
                }
                digitCount += 1
                index += 1
            }
        }
        var exponent = 0
        if index < input.count, input[index] == ASCII.lowerE || input[index] == ASCII.upperE {
            isInteger = false
            index += 1
            var exponentNegative = false
            if index < input.count, input[index] == ASCII.plus || input[index] == ASCII.minus {
                exponentNegative = input[index] == ASCII.minus
                index += 1
            }
            guard index < input.count, Self.isDigit(input[index]) else {
                throw failure(at: index, "expected a digit in the exponent")
            }
            while index < input.count, Self.isDigit(input[index]) {
                // Saturate: anything this large over- or underflows regardless of the mantissa.
                if exponent < 100_000 { exponent = exponent * 10 + Int(input[index] &- ASCII.zero) }
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

    private static func isDigit(_ byte: UInt8) -> Bool { byte &- ASCII.zero < 10 }

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

// MARK: - Writing

private struct JSONValueWriter {
    let sortedKeys: Bool
    var output: [UInt8] = []

    init(sortedKeys: Bool) {
        self.sortedKeys = sortedKeys
        output.reserveCapacity(128)
    }

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let flag):
            output.append(contentsOf: flag ? "true".utf8 : "false".utf8)
        case .number(let number):
            write(number)
        case .string(let string):
            write(string)
        case .array(let elements):
            output.append(ASCII.openBracket)
            var first = true
            for element in elements {
                if !first { output.append(ASCII.comma) }
                first = false
                write(element)
            }
            output.append(ASCII.closeBracket)
        case .object(let members):
            output.append(ASCII.openBrace)
            var first = true
            if sortedKeys {
                for (key, member) in members.sorted(by: { Self.utf8Precedes($0.key, $1.key) }) {
                    if !first { output.append(ASCII.comma) }
                    first = false
                    write(key)
                    output.append(ASCII.colon)
                    write(member)
                }
            } else {
                for (key, member) in members {
                    if !first { output.append(ASCII.comma) }
                    first = false
                    write(key)
                    output.append(ASCII.colon)
                    write(member)
                }
            }
            output.append(ASCII.closeBrace)
        }
    }

    private mutating func write(_ number: Double) {
        guard number.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        if number.magnitude < 9_007_199_254_740_992, number.rounded(.towardZero) == number {
            if number.sign == .minus { output.append(ASCII.minus) }
            var magnitude = UInt64(number.magnitude)
            let start = output.count
            repeat {
                output.append(ASCII.zero &+ UInt8(truncatingIfNeeded: magnitude % 10))
                magnitude /= 10
            } while magnitude > 0
            output[start...].reverse()
            return
        }
        // Shortest round-tripping digits. Swift spells these as valid JSON numbers ("0.1", "1e-07", "1e+16",
        // "5e-324"), except that integral values print with a ".0" suffix, which is dropped.
        let text = number.description.utf8
        if text.count > 2, text.last == ASCII.zero, text[text.index(text.endIndex, offsetBy: -2)] == ASCII.dot {
            output.append(contentsOf: text.dropLast(2))
        } else {
            output.append(contentsOf: text)
        }
    }

    private mutating func write(_ string: String) {
        output.append(ASCII.quote)
        let handled: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in writeEscaped(bytes) }
        if handled == nil {
            Array(string.utf8).withUnsafeBufferPointer { bytes in writeEscaped(bytes) }
        }
        output.append(ASCII.quote)
    }

    private mutating func writeEscaped(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        var runStart = 0
        var index = 0
        while true {
            // Find the next byte to escape: eight bytes at a time, then one at a time (at most eight, or to the end).
            while index + 8 <= bytes.count,
                !SWAR.needsEscaping(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
            {
                index += 8
            }
            while index < bytes.count, bytes[index] >= 0x20, bytes[index] != ASCII.quote,
                bytes[index] != ASCII.backslash
            {
                index += 1
            }
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if runStart < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            output.append(ASCII.backslash)
            switch byte {
            case ASCII.quote: output.append(ASCII.quote)
            case ASCII.backslash: output.append(ASCII.backslash)
            case ASCII.newline: output.append(0x6E)  // n
            case ASCII.carriageReturn: output.append(0x72)  // r
            case ASCII.tab: output.append(0x74)  // t
            case ASCII.backspace: output.append(0x62)  // b
            case ASCII.formFeed: output.append(0x66)  // f
            default:
                let hexDigits: StaticString = "0123456789abcdef"
                output.append(contentsOf: "u00".utf8)
                hexDigits.withUTF8Buffer { digits in
                    output.append(digits[Int(byte >> 4)])
                    output.append(digits[Int(byte & 0x0F)])
                }
            }
            index += 1
            runStart = index
        }
        if runStart < bytes.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
    }

    /// Orders strings by their UTF-8 bytes (which is also Unicode scalar order), not by Swift's `<`, which
    /// compares canonical equivalents and so depends on normalization.
    private static func utf8Precedes(_ lhs: String, _ rhs: String) -> Bool {
        let fast: Bool?? = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in
                let common = min(left.count, right.count)
                for index in 0..<common where left[index] != right[index] { return left[index] < right[index] }
                return left.count < right.count
            }
        }
        if let fast, let result = fast { return result }
        return lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }
}

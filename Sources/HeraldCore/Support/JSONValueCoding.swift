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

/// The bytes of JSON's grammar, by name (shared by the reader and the writer).
enum JSONByte {
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

/// The `attrPath` rule: `[URI ":"] ATTRNAME *1subAttr`, where the URI is a `urn:` (any case) and the attribute
/// name is whatever follows its last `:` (URNs contain dots, as in `2.0`).
enum ScimAttributePathSyntax {
    static func parse(_ text: String, at offset: Int) throws(ScimFilterError) -> ScimAttributePath {
        let bytes = Array(text.utf8)
        func invalid(_ why: String) -> ScimFilterError {
            ScimFilterError("invalid attribute path '\(ScimFilterLexer.abbreviated(text))': \(why)", at: offset)
        }
        var schema: String?
        var nameStart = 0
        if let lastColon = bytes.lastIndex(of: UInt8(ascii: ":")) {
            guard isValidSchemaURN(bytes[..<lastColon]) else {
                throw invalid("a schema prefix must be a URN such as urn:ietf:params:scim:schemas:core:2.0:User")
            }
            schema = String(decoding: bytes[..<lastColon], as: UTF8.self)
            nameStart = lastColon + 1
        }
        let parts = bytes[nameStart...].split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw invalid("at most one sub-attribute is allowed") }
        guard parts.allSatisfy(isValidName) else {
            throw invalid("names start with a letter and contain only letters, digits, '-' and '_'")
        }
        return ScimAttributePath(
            schema: schema,
            attribute: String(decoding: parts[0], as: UTF8.self),
            subAttribute: parts.count == 2 ? String(decoding: parts[1], as: UTF8.self) : nil)
    }

    /// `ATTRNAME = ALPHA *(nameChar)`, or `$ref` (RFC 7643's reference sub-attribute).
    static func isValidName(_ name: ArraySlice<UInt8>) -> Bool {
        guard let first = name.first else { return false }
        if first == UInt8(ascii: "$") {
            return ScimFilterLexer.isKeyword(String(decoding: name.dropFirst(), as: UTF8.self), "ref")
        }
        return isLetter(first) && name.allSatisfy { isLetter($0) || isDigit($0) || isNamePunctuation($0) }
    }

    /// `urn:NID:NSS…`: at least three non-empty colon-separated segments of letters, digits, `-`, `_` and `.`.
    private static func isValidSchemaURN(_ urn: ArraySlice<UInt8>) -> Bool {
        let segments = urn.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard segments.count >= 3, ScimFilterLexer.isKeyword(String(decoding: segments[0], as: UTF8.self), "urn") else {
            return false
        }
        return segments.allSatisfy { segment in
            !segment.isEmpty
                && segment.allSatisfy {
                    isLetter($0) || isDigit($0) || isNamePunctuation($0) || $0 == UInt8(ascii: ".")
                }
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isNamePunctuation(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}

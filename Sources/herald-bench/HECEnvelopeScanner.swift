/// Counts the envelopes of a HEC `/services/collector/event` body and picks out their `fields.event_id`, in one
/// pass over the bytes without building any JSON value.
///
/// The body is what HEC takes: JSON objects one after the other, with or without whitespace between them (or
/// one top-level array of them). An envelope is a top-level object; its id is the string value of the key
/// `event_id` inside the object under its own top-level key `fields`. Strings are skipped with their escapes,
/// so braces and keys inside them do not count. The scanner checks only that brackets balance and strings end,
/// not full JSON grammar: enough to answer HEC's "invalid data format" to a cut body.
struct HECEnvelopeScanner {
    struct Result {
        var envelopes = 0
        var ids: [String] = []
        var valid = true
        /// Envelopes without an `event` key (HEC answers 400, code 12, for those).
        var withoutEvent = 0
    }

    static func scan(_ bytes: UnsafeRawBufferPointer) -> Result {
        var result = Result()
        let count = bytes.count
        var index = 0
        // Depth of the envelopes themselves: 1 for concatenated objects, 2 inside a top-level array.
        var base = 1
        while index < count, isSpace(bytes[index]) { index += 1 }
        if index < count, bytes[index] == UInt8(ascii: "[") {
            base = 2
        }
        var depth = 0
        var inFields = false
        var expectId = false
        var hasEvent = false
        while index < count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                let start = index + 1
                index = start
                while index < count {
                    let c = bytes[index]
                    if c == UInt8(ascii: "\\") {
                        index += 2
                        continue
                    }
                    if c == UInt8(ascii: "\"") { break }
                    index += 1
                }
                guard index < count else {
                    result.valid = false
                    return result
                }
                let end = index
                index += 1
                var next = index
                while next < count, isSpace(bytes[next]) { next += 1 }
                if next < count, bytes[next] == UInt8(ascii: ":") {
                    // A key.
                    if depth == base {
                        inFields = equals(bytes, start, end, fieldsKey)
                        if !hasEvent { hasEvent = equals(bytes, start, end, eventKey) }
                        expectId = false
                    } else if depth == base + 1 && inFields {
                        expectId = equals(bytes, start, end, eventIdKey)
                    }
                    index = next + 1
                } else if expectId && depth == base + 1 {
                    result.ids.append(
                        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self))
                    expectId = false
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth == base && byte == UInt8(ascii: "{") {
                    inFields = false
                    expectId = false
                    hasEvent = false
                }
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if depth == base && byte == UInt8(ascii: "}") {
                    result.envelopes += 1
                    if !hasEvent { result.withoutEvent += 1 }
                }
                depth -= 1
                if depth < 0 {
                    result.valid = false
                    return result
                }
                if depth == base { inFields = false }
                expectId = false
                index += 1
            default:
                // A number, literal, comma or whitespace: a non-string id value is not an id.
                if expectId && !isSpace(byte) && depth == base + 1 { expectId = false }
                index += 1
            }
        }
        if depth != 0 { result.valid = false }
        return result
    }

    private static let fieldsKey = Array("fields".utf8)
    private static let eventKey = Array("event".utf8)
    private static let eventIdKey = Array("event_id".utf8)

    @inline(__always)
    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    @inline(__always)
    private static func equals(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ key: [UInt8]) -> Bool {
        guard end - start == key.count else { return false }
        for offset in 0..<key.count where bytes[start + offset] != key[offset] { return false }
        return true
    }
}

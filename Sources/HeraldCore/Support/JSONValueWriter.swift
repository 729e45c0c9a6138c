/// The writer behind `JSONValue.serialized(sortedKeys:)`.
struct JSONValueWriter {
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
            output.append(JSONByte.openBracket)
            var first = true
            for element in elements {
                if !first { output.append(JSONByte.comma) }
                first = false
                write(element)
            }
            output.append(JSONByte.closeBracket)
        case .object(let members):
            output.append(JSONByte.openBrace)
            var first = true
            if sortedKeys {
                for (key, member) in members.sorted(by: { Self.utf8Precedes($0.key, $1.key) }) {
                    if !first { output.append(JSONByte.comma) }
                    first = false
                    write(key)
                    output.append(JSONByte.colon)
                    write(member)
                }
            } else {
                for (key, member) in members {
                    if !first { output.append(JSONByte.comma) }
                    first = false
                    write(key)
                    output.append(JSONByte.colon)
                    write(member)
                }
            }
            output.append(JSONByte.closeBrace)
        }
    }

    private mutating func write(_ number: Double) {
        guard number.isFinite else {
            output.append(contentsOf: "null".utf8)
            return
        }
        if number.magnitude < 9_007_199_254_740_992, number.rounded(.towardZero) == number {
            if number.sign == .minus { output.append(JSONByte.minus) }
            var magnitude = UInt64(number.magnitude)
            let start = output.count
            repeat {
                output.append(JSONByte.zero &+ UInt8(truncatingIfNeeded: magnitude % 10))
                magnitude /= 10
            } while magnitude > 0
            output[start...].reverse()
            return
        }
        // Shortest round-tripping digits. Swift spells these as valid JSON numbers ("0.1", "1e-07", "1e+16",
        // "5e-324"), except that integral values print with a ".0" suffix, which is dropped.
        let text = number.description.utf8
        if text.count > 2, text.last == JSONByte.zero, text[text.index(text.endIndex, offsetBy: -2)] == JSONByte.dot {
            output.append(contentsOf: text.dropLast(2))
        } else {
            output.append(contentsOf: text)
        }
    }

    mutating func write(_ string: String) {
        output.append(JSONByte.quote)
        let handled: Void? = string.utf8.withContiguousStorageIfAvailable { bytes in writeEscaped(bytes) }
        if handled == nil {
            Array(string.utf8).withUnsafeBufferPointer { bytes in writeEscaped(bytes) }
        }
        output.append(JSONByte.quote)
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
            while index < bytes.count, bytes[index] >= 0x20, bytes[index] != JSONByte.quote,
                bytes[index] != JSONByte.backslash
            {
                index += 1
            }
            guard index < bytes.count else { break }
            let byte = bytes[index]
            if runStart < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            output.append(JSONByte.backslash)
            switch byte {
            case JSONByte.quote: output.append(JSONByte.quote)
            case JSONByte.backslash: output.append(JSONByte.backslash)
            case JSONByte.newline: output.append(0x6E)  // n
            case JSONByte.carriageReturn: output.append(0x72)  // r
            case JSONByte.tab: output.append(0x74)  // t
            case JSONByte.backspace: output.append(0x62)  // b
            case JSONByte.formFeed: output.append(0x66)  // f
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

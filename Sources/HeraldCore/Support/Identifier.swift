import Foundation

/// Opaque identifiers for stored records.
///
/// UUID version 7 (RFC 9562 §5.7): the Unix time in milliseconds (48 bits), the version, 12 random bits, the
/// variant and 62 random bits, written as a lowercase UUID. Identifiers made later sort later, so a new row's id
/// lands at the end of its unique index instead of on a random page: one page written per commit instead of
/// one per row, which matters on the busy tables (events, SCIM resources, jobs' deliveries). The 74 random bits
/// keep identifiers unguessable; they are not secrets (tokens are ``SecretToken``s), and what they show, the
/// creation time, every record also returns as `created_at`.
public enum Identifier {
    /// A new identifier (a lowercase UUID version 7).
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let ms = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        let random = generator.next() as UInt64
        let high = (ms & 0xFFFF_FFFF_FFFF) << 16 | 0x7000 | (random >> 52)  // time, version 7, rand_a (12 bits)
        let low = (generator.next() as UInt64) & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000  // variant, rand_b
        var text = [UInt8](repeating: UInt8(ascii: "-"), count: 36)
        var position = 0
        write(high, into: &text, at: &position)
        write(low, into: &text, at: &position)
        return String(decoding: text, as: UTF8.self)
    }

    /// Writes `word` as 16 lowercase hex digits from `position`, stepping over the dashes of the 8-4-4-4-12 form.
    private static func write(_ word: UInt64, into text: inout [UInt8], at position: inout Int) {
        for shift in stride(from: 60, through: 0, by: -4) {
            if position == 8 || position == 13 || position == 18 || position == 23 { position += 1 }
            let value = UInt8(truncatingIfNeeded: word >> UInt64(shift)) & 0xF
            text[position] = value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
            position += 1
        }
    }
}

import Foundation

/// RFC 2047 encoded-words for UTF-8 text in headers: `=?UTF-8?Q?…?=` or `=?UTF-8?B?…?=`.
///
/// An encoded-word is at most 75 characters (section 2) and holds whole characters only: text is
/// split between Unicode scalars, never inside a UTF-8 sequence (section 5). The Q form uses the
/// alphabet that section 5 (3) allows in a phrase (letters, digits and `!*+-/`, `_` for a space),
/// which is also valid in unstructured text, so one encoder serves display names and subjects.
enum EncodedWord {
    enum Encoding: Sendable, Hashable {
        case q
        case b
    }

    static let maximumLength = 75
    /// `=?UTF-8?Q?` and `?=`.
    static let overhead = 12

    /// The shorter encoding for the whole of `text` (Q on a tie: it stays readable).
    static func encoding(for text: String) -> Encoding {
        let octets = text.utf8.count
        let qOctets = text.utf8.reduce(0) { $0 + qLength(of: $1) }
        return qOctets <= (octets + 2) / 3 * 4 ? .q : .b
    }

    /// Splits `text` into encoded-words, the first at most `firstLimit` characters long and the
    /// others at most `limit`. Each word holds at least one scalar, so `firstLimit` and `limit` must
    /// leave room for one (24 characters always do).
    static func words(for text: String, encoding: Encoding, firstLimit: Int, limit: Int = maximumLength) -> [String] {
        var words: [String] = []
        var remaining = Substring(text).unicodeScalars[...]
        while !remaining.isEmpty {
            let (word, rest) = firstWord(of: remaining, encoding: encoding, limit: words.isEmpty ? firstLimit : limit)
            words.append(word)
            remaining = rest
        }
        return words
    }

    /// The longest encoded-word of at most `limit` characters that starts `scalars`, and what is left.
    static func firstWord(
        of scalars: Substring.UnicodeScalarView, encoding: Encoding, limit: Int
    ) -> (word: String, rest: Substring.UnicodeScalarView) {
        var octets: [UInt8] = []
        var length = overhead
        var end = scalars.startIndex
        while end < scalars.endIndex {
            let scalarOctets = Array(String(scalars[end]).utf8)
            let next: Int
            switch encoding {
            case .q:
                next = length + scalarOctets.reduce(0) { $0 + qLength(of: $1) }
            case .b:
                next = overhead + (octets.count + scalarOctets.count + 2) / 3 * 4
            }
            if next > limit, !octets.isEmpty { break }
            octets += scalarOctets
            length = next
            end = scalars.index(after: end)
        }
        return (encode(octets, encoding: encoding), scalars[end...])
    }

    static func encode(_ octets: [UInt8], encoding: Encoding) -> String {
        switch encoding {
        case .q:
            var text: [UInt8] = Array("=?UTF-8?Q?".utf8)
            for byte in octets {
                if byte == 0x20 {
                    text.append(UInt8(ascii: "_"))
                } else if isQLiteral(byte) {
                    text.append(byte)
                } else {
                    text += QuotedPrintable.escaped(byte)
                }
            }
            text += "?=".utf8
            return String(decoding: text, as: UTF8.self)
        case .b:
            return "=?UTF-8?B?" + Data(octets).base64EncodedString() + "?="
        }
    }

    static func qLength(of byte: UInt8) -> Int {
        byte == 0x20 || isQLiteral(byte) ? 1 : 3
    }

    static func isQLiteral(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "+"),
            UInt8(ascii: "-"), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }
}

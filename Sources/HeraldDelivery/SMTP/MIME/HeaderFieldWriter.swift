/// Writes one header field, `Name: value` CRLF, folding it (RFC 5322 section 2.2.3) so that lines
/// stay within 78 characters where the value allows, and within 76 where they hold RFC 2047
/// encoded-words (RFC 2047 section 2).
///
/// Folding only ever puts a CRLF before white space that the value has (or that separates
/// tokens), so unfolding gives the value back exactly.
struct HeaderFieldWriter {
    static let lineLimit = 78
    static let encodedWordLineLimit = 76
    /// The smallest room worth starting an encoded-word in: one four-octet scalar in Q takes 24.
    static let minimumEncodedWordRoom = 24

    private(set) var bytes: [UInt8]
    private var column: Int
    /// The longest line so far, without its CRLF.
    private(set) var longestLine: Int

    init(name: String) {
        bytes = Array(name.utf8) + [UInt8(ascii: ":")]
        column = bytes.count
        longestLine = column
    }

    /// The field with its final CRLF.
    var field: [UInt8] { bytes + [0x0D, 0x0A] }

    /// Adds `token` after one space, on a new line when it would not fit within `limit` on this one.
    mutating func append(_ token: String, limit: Int = lineLimit) {
        let size = token.utf8.count
        if column > 0, column + 1 + size > limit {
            fold()
        }
        bytes.append(0x20)
        bytes += token.utf8
        column += 1 + size
        longestLine = max(longestLine, column)
    }

    /// Adds US-ASCII `text` after one space, folding only at the spaces that it holds: every space
    /// is kept, so `"a  b"` comes back as `"a  b"`.
    mutating func appendText(_ text: String, limit: Int = lineLimit) {
        guard !text.isEmpty else { return }
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if word.isEmpty {
                // A space next to another (or at an end): kept as it is, never a place to fold.
                glue(" ")
            } else {
                append(String(word), limit: limit)
            }
        }
    }

    /// Adds `text` as encoded-words, each after one space and filling the line it starts on.
    mutating func appendEncoded(_ text: String) {
        let encoding = EncodedWord.encoding(for: text)
        var remaining = Substring(text).unicodeScalars[...]
        while !remaining.isEmpty {
            var room = Self.encodedWordLineLimit - column - 1
            if room < Self.minimumEncodedWordRoom {
                fold()
                room = Self.encodedWordLineLimit - 1
            }
            let (word, rest) = EncodedWord.firstWord(
                of: remaining, encoding: encoding, limit: min(room, EncodedWord.maximumLength))
            append(word, limit: Self.encodedWordLineLimit)
            remaining = rest
        }
    }

    /// Adds `text` right after what precedes it, with no space and no fold (the `,` after an address).
    mutating func glue(_ text: String) {
        bytes += text.utf8
        column += text.utf8.count
        longestLine = max(longestLine, column)
    }

    private mutating func fold() {
        bytes += [0x0D, 0x0A]
        column = 0
    }
}

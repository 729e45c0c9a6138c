/// How a display name is written in an address header (RFC 5322 section 3.4 `phrase`, RFC 2047
/// section 5 (3)).
///
/// - Printable ASCII made of atoms separated by single spaces goes as it is (`Herald Team`).
/// - Other printable ASCII goes as one quoted string (`"Doe, John"`) when it is short.
/// - Anything else is split at its spaces: words that are atoms go as they are, and each run of
///   other words goes as encoded-words (`=?UTF-8?Q?Zo=C3=AB?= from Herald`).
///
/// Runs are kept whole because decoders disagree about the space between two adjacent
/// encoded-words in a phrase: RFC 2047 drops it, Python's `email` keeps it. A run that needs more
/// than one encoded-word (over about 45 octets of non-ASCII text with no plain word in it) is
/// split between scalars, and then only RFC-conforming decoders read it exactly. Python's `email`
/// also collapses runs of spaces inside a decoded phrase, so a name with leading, trailing or
/// repeated spaces is sent exactly (as one run) but reads back there with single spaces.
enum DisplayName {
    enum Piece: Sendable, Hashable {
        /// Written as it is: an atom or a quoted string.
        case literal(String)
        /// Written as encoded-words.
        case encoded(String)
    }

    /// The longest quoted string written as one token; longer names are encoded (and then folded).
    static let maximumQuotedLength = 64

    static func pieces(for name: String) -> [Piece] {
        guard !name.isEmpty else { return [] }
        let looksEncoded = name.contains("=?")
        if !looksEncoded, name.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) {
            let words = name.split(separator: " ", omittingEmptySubsequences: false)
            if words.allSatisfy(isAtom) {
                return words.map { .literal(String($0)) }
            }
            let quoted = quotedString(name)
            if quoted.utf8.count <= maximumQuotedLength {
                return [.literal(quoted)]
            }
        }
        let words = name.split(separator: " ", omittingEmptySubsequences: false)
        // Leading, trailing or repeated spaces: one run, so that every space is inside an encoded-word.
        guard words.allSatisfy({ !$0.isEmpty }) else { return [.encoded(name)] }
        var pieces: [Piece] = []
        var run: [Substring] = []
        for word in words {
            if isAtom(word), !word.contains("=?") {
                if !run.isEmpty { pieces.append(.encoded(run.joined(separator: " "))) }
                run = []
                pieces.append(.literal(String(word)))
            } else {
                run.append(word)
            }
        }
        if !run.isEmpty { pieces.append(.encoded(run.joined(separator: " "))) }
        return pieces
    }

    static func isAtom(_ word: Substring) -> Bool {
        !word.isEmpty && word.utf8.allSatisfy(MailAddressSyntax.isAtext)
    }

    /// `"…"` with `\` and `"` escaped by a backslash (RFC 5322 section 3.2.4).
    static func quotedString(_ text: String) -> String {
        var quoted = "\""
        for character in text.unicodeScalars {
            if character == "\\" || character == "\"" { quoted.unicodeScalars.append("\\") }
            quoted.unicodeScalars.append(character)
        }
        return quoted + "\""
    }
}

/// Writes a header field folded so that no line is longer than 78 characters (RFC 5322 §2.1.1): a fold is
/// a CRLF followed by one space, placed only where the grammar of DKIM allows folding white space, so that
/// relaxed canonicalization sees a single space there (or, inside base64, nothing that counts).
struct DKIMHeaderFolder {
    static let lineLimit = 78

    private(set) var text: String
    private var lineLength: Int

    /// Starts the field with `name:`.
    init(name: String) {
        text = name + ":"
        lineLength = text.utf8.count
    }

    /// Appends `atom` whole: after a space (`spaced`) or directly, or on a new line when it does not fit.
    mutating func append(_ atom: String, spaced: Bool) {
        let length = atom.utf8.count
        let separator = spaced ? 1 : 0
        if lineLength + separator + length <= Self.lineLimit {
            text += (spaced ? " " : "") + atom
            lineLength += separator + length
        } else {
            fold()
            text += atom
            lineLength += length
        }
    }

    /// Appends `prefix` followed by `value` (ASCII), after a space or a fold, and breaks `value` across as
    /// many lines as it needs. `prefix` and the first character of `value` stay together (`b=` is never
    /// followed by white space).
    mutating func appendBroken(prefix: String, value: String, spaced: Bool) {
        var rest = Substring(value)
        let head = prefix + String(rest.prefix(1))
        rest = rest.dropFirst()
        append(head, spaced: spaced)
        while !rest.isEmpty {
            var room = Self.lineLimit - lineLength
            if room <= 0 {
                fold()
                room = Self.lineLimit - lineLength
            }
            text += rest.prefix(room)
            lineLength += min(room, rest.count)
            rest = rest.dropFirst(room)
        }
    }

    private mutating func fold() {
        text += "\r\n "
        lineLength = 1
    }
}

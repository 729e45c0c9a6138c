/// A message split into its header fields and its body, the way DKIM reads it (RFC 6376 §3.7): the header
/// block ends at the first empty line, the body is everything after that line.
struct DKIMMessage: Sendable {
    let fields: [DKIMHeaderField]
    let body: ArraySlice<UInt8>

    /// Splits `bytes`.
    ///
    /// - Throws: `DKIMError.invalidMessage` when a CR or LF is not part of a CRLF (a relay would rewrite it
    ///   and break the signature), when the header starts with a continuation line or has a line without a
    ///   colon, or when a field name is not printable US-ASCII.
    init(_ bytes: [UInt8]) throws(DKIMError) {
        try Self.checkLineEndings(bytes)
        var fields: [DKIMHeaderField] = []
        var fieldStart: Int?
        var fieldEnd = bytes.startIndex
        var bodyStart = bytes.endIndex
        var index = bytes.startIndex
        while index < bytes.endIndex {
            var lineEnd = index
            while lineEnd < bytes.endIndex, bytes[lineEnd] != DKIMASCII.cr { lineEnd += 1 }
            if lineEnd == index {  // the empty line: the body follows it
                bodyStart = index + 2
                break
            }
            if DKIMASCII.isWhitespace(bytes[index]) {
                guard fieldStart != nil else {
                    throw DKIMError(.invalidMessage, "the message starts with a continuation line, not a header field")
                }
            } else {
                if let start = fieldStart { fields.append(try Self.field(bytes[start..<fieldEnd])) }
                fieldStart = index
            }
            fieldEnd = lineEnd
            index = lineEnd < bytes.endIndex ? lineEnd + 2 : lineEnd
        }
        if let start = fieldStart { fields.append(try Self.field(bytes[start..<fieldEnd])) }
        self.fields = fields
        self.body = bytes[bodyStart...]
    }

    /// The fields a `h=` list selects, in its order (RFC 6376 §5.4.2): each name takes the bottom-most
    /// instance of that field not taken yet; a name with no instance left selects nothing.
    func fields(selectedBy names: [String]) -> [DKIMHeaderField] {
        var taken: [String: Int] = [:]
        var selected: [DKIMHeaderField] = []
        for name in names.map({ $0.lowercased() }) {
            let instances = fields.filter { $0.name == name }
            let count = taken[name, default: 0]
            guard count < instances.count else { continue }
            selected.append(instances[instances.count - 1 - count])
            taken[name] = count + 1
        }
        return selected
    }

    /// How many instances of the field `name` (lower case) the header has.
    func count(of name: String) -> Int {
        fields.count { $0.name == name }
    }

    private static func checkLineEndings(_ bytes: [UInt8]) throws(DKIMError) {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            switch bytes[index] {
            case DKIMASCII.cr:
                guard index + 1 < bytes.endIndex, bytes[index + 1] == DKIMASCII.lf else {
                    throw DKIMError(.invalidMessage, "bare CR at byte \(index): the message must use CRLF line endings")
                }
                index += 2
            case DKIMASCII.lf:
                throw DKIMError(.invalidMessage, "bare LF at byte \(index): the message must use CRLF line endings")
            default:
                index += 1
            }
        }
    }

    private static func field(_ raw: ArraySlice<UInt8>) throws(DKIMError) -> DKIMHeaderField {
        guard let colon = raw.firstIndex(of: DKIMASCII.colon) else {
            throw DKIMError(.invalidMessage, "a header line has no colon: it is not a header field")
        }
        var name = raw[..<colon]
        while let last = name.last, DKIMASCII.isWhitespace(last) { name.removeLast() }
        guard !name.isEmpty, name.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            throw DKIMError(.invalidMessage, "a header field name is empty or not printable US-ASCII")
        }
        return DKIMHeaderField(name: String(decoding: name, as: UTF8.self).lowercased(), raw: raw)
    }
}

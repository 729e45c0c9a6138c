/// The canonicalization algorithms of RFC 6376 §3.4. Herald signs with relaxed/relaxed, which survives the
/// rewrapping and whitespace changes that relays make; the simple body algorithm is here to state, and test,
/// how the two differ on an empty body.
enum DKIMCanonicalization {
    /// The relaxed form of one header field (§3.4.2), CRLF included: the name in lower case, the value
    /// unfolded, each run of WSP made one space, WSP removed at the ends of the value and around the colon.
    static func relaxedHeader(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        guard let colon = raw.firstIndex(of: DKIMASCII.colon) else { return [] }
        var output: [UInt8] = []
        output.reserveCapacity(raw.count + 2)
        for byte in raw[..<colon] where !DKIMASCII.isWhitespace(byte) {
            output.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte)
        }
        output.append(DKIMASCII.colon)
        var pendingSpace = false
        var wroteValue = false
        for byte in raw[(colon + 1)...] {
            if byte == DKIMASCII.cr || byte == DKIMASCII.lf { continue }  // unfold: only CRLF + WSP remain here
            if DKIMASCII.isWhitespace(byte) {
                pendingSpace = wroteValue
                continue
            }
            if pendingSpace { output.append(DKIMASCII.space) }
            pendingSpace = false
            wroteValue = true
            output.append(byte)
        }
        output.append(contentsOf: DKIMASCII.crlf)
        return output
    }

    /// The relaxed form of a body (§3.4.4): WSP removed at the end of each line, each other run of WSP made
    /// one space, the empty lines at the end removed, a CRLF added to a last line that lacks one. An empty
    /// body, or one of empty lines only, is empty.
    static func relaxedBody(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(body.count + 2)
        var keptLength = 0  // the output up to the end of the last non-empty line
        var lineStart = true
        var pendingSpace = false
        var index = body.startIndex
        while index < body.endIndex {
            let byte = body[index]
            if byte == DKIMASCII.cr, index + 1 < body.endIndex, body[index + 1] == DKIMASCII.lf {
                pendingSpace = false  // WSP at the end of a line goes
                output.append(contentsOf: DKIMASCII.crlf)
                if !lineStart { keptLength = output.count }
                lineStart = true
                index += 2
                continue
            }
            if DKIMASCII.isWhitespace(byte) {
                pendingSpace = true
            } else {
                if pendingSpace { output.append(DKIMASCII.space) }
                pendingSpace = false
                lineStart = false
                output.append(byte)
            }
            index += 1
        }
        if !lineStart {  // a last line without its CRLF
            output.append(contentsOf: DKIMASCII.crlf)
            keptLength = output.count
        }
        output.removeSubrange(keptLength...)
        return output
    }

    /// The simple form of a body (§3.4.3): the body as it is, less the empty lines at its end, with one CRLF
    /// at the end; an empty body is one CRLF.
    static func simpleBody(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var output = Array(body)
        while output.count >= 2, output.suffix(2).elementsEqual(DKIMASCII.crlf) { output.removeLast(2) }
        output.append(contentsOf: DKIMASCII.crlf)
        return output
    }
}

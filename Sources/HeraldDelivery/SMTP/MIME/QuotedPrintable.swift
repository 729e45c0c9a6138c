/// The quoted-printable Content-Transfer-Encoding of a text body (RFC 2045 section 6.7).
///
/// Lines are the canonical text's lines; each becomes one or more encoded lines of at most 76
/// characters joined by soft line breaks (`=` CRLF), and lines are joined by CRLF hard breaks.
/// Beyond the rules, and as RFC 2049 section 3 recommends, an encoded line never starts with
/// `From ` (the `F` is `=46`, so that an mbox writer has nothing to escape with `>`) or with a `.`
/// (`=2E`, so that no transport ever sees a lone `.` line); the decoded text is the same.
enum QuotedPrintable {
    static let maximumLineLength = 76

    /// Encodes `lines` (without their line breaks); the output ends with CRLF only when the last line is empty.
    static func encode(lines: [ArraySlice<UInt8>]) -> [UInt8] {
        var output: [UInt8] = []
        for (index, line) in lines.enumerated() {
            if index > 0 { output += [0x0D, 0x0A] }
            encode(line: line, into: &output)
        }
        return output
    }

    private static func encode(line: ArraySlice<UInt8>, into output: inout [UInt8]) {
        var column = 0
        var index = line.startIndex
        while index < line.endIndex {
            let isLast = index == line.index(before: line.endIndex)
            var piece = encodedOctet(in: line, at: index, atLineStart: column == 0)
            // The last piece of a line needs no room for a soft break's `=` after it.
            let limit = isLast ? maximumLineLength : maximumLineLength - 1
            if column + piece.count > limit {
                output += [UInt8(ascii: "="), 0x0D, 0x0A]
                column = 0
                piece = encodedOctet(in: line, at: index, atLineStart: true)
            }
            output += piece
            column += piece.count
            index = line.index(after: index)
        }
    }

    /// One octet, as itself or as `=XX`.
    private static func encodedOctet(in line: ArraySlice<UInt8>, at index: Int, atLineStart: Bool) -> [UInt8] {
        let byte = line[index]
        let isLast = index == line.index(before: line.endIndex)
        let literal: Bool
        switch byte {
        case 0x09, 0x20:
            // Rule 3: white space at the end of an encoded line must be encoded.
            literal = !isLast
        case UInt8(ascii: "."):
            literal = !atLineStart
        case UInt8(ascii: "F"):
            literal = !(atLineStart && line[index...].starts(with: "From ".utf8))
        case 33...60, 62...126:
            literal = true
        default:
            literal = false
        }
        return literal ? [byte] : escaped(byte)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    static func escaped(_ byte: UInt8) -> [UInt8] {
        [UInt8(ascii: "="), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
    }
}

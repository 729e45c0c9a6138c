import Foundation

/// A text part's body, in its canonical form (UTF-8, CRLF line breaks) and encoded for the wire.
///
/// The encoding is picked per part: `7bit` when the text is printable US-ASCII in short lines that
/// no transport would touch, otherwise whichever of quoted-printable and base64 is shorter (so
/// mostly-ASCII text stays readable as quoted-printable, and text in other scripts goes as base64).
/// Every encoded line is at most 76 octets, far below RFC 5322's 998.
struct MIMETextBody: Sendable, Hashable {
    /// The longest line that goes as `7bit` (RFC 5322's recommended 78).
    static let maximumSevenBitLineLength = 78
    static let base64LineLength = 76

    var encoding: ContentTransferEncoding
    /// The encoded lines joined by CRLF; the last line ends with CRLF only when the text ends with a line break.
    var bytes: [UInt8]

    /// Encodes `text`: any of CRLF, LF and a lone CR is a line break, written as CRLF.
    /// - Parameter terminated: the encoded bytes must end with CRLF without changing what they decode to
    ///   (for a body that is the last thing in a message), so `7bit` is picked only when the text ends with a line break.
    init(_ text: String, terminated: Bool) {
        let lines = Self.canonicalLines(text)
        if Self.fitsSevenBit(lines, terminated: terminated) {
            encoding = .sevenBit
            bytes = Self.joined(lines)
            return
        }
        let quoted = QuotedPrintable.encode(lines: lines)
        let canonical = Self.joined(lines)
        let base64Length = (canonical.count + 2) / 3 * 4
        let base64Breaks = max(0, (base64Length - 1) / Self.base64LineLength) * 2
        if quoted.count <= base64Length + base64Breaks {
            encoding = .quotedPrintable
            bytes = quoted
            if terminated, !Self.endsWithLineBreak(bytes) {
                bytes += [UInt8(ascii: "="), 0x0D, 0x0A]  // a soft line break: decodes to nothing
            }
        } else {
            encoding = .base64
            bytes = Self.base64Lines(canonical)
            if terminated, !bytes.isEmpty { bytes += [0x0D, 0x0A] }
        }
    }

    /// The text's lines without their breaks: `"a\nb\n"` is `["a", "b", ""]`.
    static func canonicalLines(_ text: String) -> [ArraySlice<UInt8>] {
        let utf8 = Array(text.utf8)
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index < utf8.count {
            switch utf8[index] {
            case 0x0D:
                lines.append(utf8[start..<index])
                index += index + 1 < utf8.count && utf8[index + 1] == 0x0A ? 2 : 1
                start = index
            case 0x0A:
                lines.append(utf8[start..<index])
                index += 1
                start = index
            default:
                index += 1
            }
        }
        lines.append(utf8[start..<utf8.count])
        return lines
    }

    /// Whether the lines can go unencoded: printable US-ASCII and tabs, at most 78 octets, no
    /// trailing white space (which transports may strip), no line starting `From ` (which mbox
    /// writers alter).
    static func fitsSevenBit(_ lines: [ArraySlice<UInt8>], terminated: Bool) -> Bool {
        if terminated, let last = lines.last, !last.isEmpty { return false }
        for line in lines {
            guard line.count <= maximumSevenBitLineLength else { return false }
            guard line.allSatisfy({ (0x20...0x7E).contains($0) || $0 == 0x09 }) else { return false }
            if let last = line.last, last == 0x20 || last == 0x09 { return false }
            if line.starts(with: "From ".utf8) { return false }
        }
        return true
    }

    static func joined(_ lines: [ArraySlice<UInt8>]) -> [UInt8] {
        var output: [UInt8] = []
        for (index, line) in lines.enumerated() {
            if index > 0 { output += [0x0D, 0x0A] }
            output += line
        }
        return output
    }

    /// Base64 in lines of 76 characters joined by CRLF (RFC 2045 section 6.8), without a final CRLF.
    static func base64Lines(_ octets: [UInt8]) -> [UInt8] {
        let encoded = Array(Data(octets).base64EncodedString().utf8)
        var output: [UInt8] = []
        output.reserveCapacity(encoded.count + encoded.count / base64LineLength * 2)
        var start = 0
        while start < encoded.count {
            if start > 0 { output += [0x0D, 0x0A] }
            let end = min(start + base64LineLength, encoded.count)
            output += encoded[start..<end]
            start = end
        }
        return output
    }

    private static func endsWithLineBreak(_ bytes: [UInt8]) -> Bool {
        bytes.isEmpty || bytes.suffix(2).elementsEqual([0x0D, 0x0A])
    }
}

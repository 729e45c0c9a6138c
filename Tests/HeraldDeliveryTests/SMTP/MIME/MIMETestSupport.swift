import Foundation

/// Small decoders used by the MIME tests to check encoders against the RFC rules.
enum MIMETestDecoding {
    /// Decodes quoted-printable (RFC 2045 section 6.7): soft breaks removed, `=XX` unescaped.
    static func quotedPrintable(_ encoded: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        var index = 0
        while index < encoded.count {
            let byte = encoded[index]
            guard byte == UInt8(ascii: "=") else {
                output.append(byte)
                index += 1
                continue
            }
            if encoded[(index + 1)...].starts(with: [0x0D, 0x0A]) {
                index += 3
                continue
            }
            guard index + 2 < encoded.count,
                let value = UInt8(String(decoding: encoded[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
            else { return nil }
            output.append(value)
            index += 3
        }
        return output
    }

    /// Decodes one RFC 2047 encoded-word to its octets.
    static func encodedWord(_ word: String) -> [UInt8]? {
        guard word.hasPrefix("=?UTF-8?"), word.hasSuffix("?="), word.count > 12 else { return nil }
        let payload = String(word.dropFirst(10).dropLast(2))
        switch word.dropFirst(8).first {
        case "B":
            return Data(base64Encoded: payload).map(Array.init)
        case "Q":
            let underscores = Array(payload.utf8).map { $0 == UInt8(ascii: "_") ? 0x20 : $0 }
            return quotedPrintable(underscores)
        default:
            return nil
        }
    }

    /// The lines of `bytes` split at CRLF (the last one empty when `bytes` ends with CRLF).
    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                lines.append(current)
                current = []
                index += 2
            } else {
                current.append(bytes[index])
                index += 1
            }
        }
        lines.append(current)
        return lines
    }

    static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}

import Crypto

/// The boundary of a `multipart/alternative` body (RFC 2046 section 5.1.1).
///
/// It is derived from the message id and the parts (a SHA-256), so rendering a message twice gives
/// the same octets. It starts with `=_`, which quoted-printable and base64 output cannot hold,
/// and a `7bit` part is searched for it; on the (never seen) collision the next candidate is tried.
enum MIMEBoundary {
    static let prefix = "=_herald_"

    static func make(messageID: String, parts: [MIMETextBody]) -> String {
        var attempt = 0
        while true {
            var hash = SHA256()
            hash.update(data: Array(messageID.utf8))
            for part in parts {
                hash.update(data: [0])
                hash.update(data: part.bytes)
            }
            if attempt > 0 { hash.update(data: Array("#\(attempt)".utf8)) }
            let digest = hash.finalize().prefix(16)
            let boundary = prefix + digest.map { byte in
                let digits = String(byte, radix: 16)
                return digits.count == 1 ? "0" + digits : digits
            }.joined()
            if !parts.contains(where: { occurs(boundary, in: $0.bytes) }) {
                return boundary
            }
            attempt += 1
        }
    }

    /// Whether a line of `bytes` starts with `--boundary` (a delimiter line, RFC 2046 section 5.1.1).
    static func occurs(_ boundary: String, in bytes: [UInt8]) -> Bool {
        let delimiter = Array(("--" + boundary).utf8)
        var lineStart = 0
        while lineStart < bytes.count {
            if bytes[lineStart...].starts(with: delimiter) { return true }
            guard let newline = bytes[lineStart...].firstIndex(of: 0x0A) else { return false }
            lineStart = newline + 1
        }
        return false
    }
}

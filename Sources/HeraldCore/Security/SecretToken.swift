import Crypto
import Foundation

/// Bearer secrets (API keys, SCIM tokens, invitation tokens): made from 32 random bytes,
/// shown once, stored only as a SHA-256 hash and compared in constant time.
public enum SecretToken {
    /// A new token: `prefix` + 43 characters of URL-safe base64 (256 bits).
    public static func generate(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return prefix + base64URL(Data(bytes))
    }

    /// The hex SHA-256 of a token: the only form that is stored.
    public static func hash(_ token: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = [UInt8]()
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(token.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Compares two strings without an early exit, so timing does not reveal a matching prefix.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            let x = index < a.count ? a[index] : 0
            let y = index < b.count ? b[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }

    /// The part of a token shown in lists: its prefix and the first 6 characters after it.
    public static func displayPrefix(_ token: String, prefix: String) -> String {
        String(token.prefix(prefix.count + 6))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// The prefixes that tell Herald's secrets apart.
public enum SecretPrefix {
    public static let apiKey = "hk_"
    public static let invitation = "hinv_"
    public static let scimToken = "hscim_"
}

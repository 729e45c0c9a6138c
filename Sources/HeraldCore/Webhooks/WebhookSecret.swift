import Crypto
import Foundation

/// The symmetric key of an endpoint that signs with Standard Webhooks' `v1` (HMAC-SHA256).
///
/// Its text form is `whsec_` followed by standard base64 of the key bytes. Herald generates 32
/// random bytes; secrets from elsewhere are accepted with 24 to 64 bytes, the range the spec allows.
public struct WebhookSecret: Sendable, Hashable, CustomStringConvertible {
    /// The prefix of the text form.
    public static let prefix = "whsec_"
    /// The number of random bytes in a generated secret.
    public static let generatedByteCount = 32
    /// The key sizes accepted when parsing.
    public static let acceptedByteCounts = 24...64

    /// The raw key bytes.
    public let bytes: [UInt8]

    /// A new secret made of 32 bytes from the system's secure random generator.
    public static func generate() -> WebhookSecret {
        WebhookSecret(unchecked: secureRandomBytes(generatedByteCount))
    }

    /// Parses `whsec_<base64>` (the prefix may be left out, base64 padding too).
    ///
    /// - Throws: `HeraldError` `invalid_field` (field `secret`) when the text is not base64 or the key
    ///   is shorter than 24 or longer than 64 bytes.
    public init(parsing text: String) throws {
        var body = Substring(text)
        if body.hasPrefix(Self.prefix) { body = body.dropFirst(Self.prefix.count) }
        guard let decoded = decodeBase64Leniently(body) else {
            throw HeraldError.invalid("secret", "a webhook secret is `whsec_` followed by standard base64")
        }
        guard Self.acceptedByteCounts.contains(decoded.count) else {
            throw HeraldError.invalid(
                "secret",
                "a webhook secret must decode to 24 to 64 bytes, this one has \(decoded.count)"
            )
        }
        self.bytes = decoded
    }

    /// Wraps key bytes; the caller guarantees their size.
    init(unchecked bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The text form, `whsec_<base64>`: what is shown to the user and sealed at rest.
    public var encoded: String { Self.prefix + Data(bytes).base64EncodedString() }

    /// The key for HMAC-SHA256.
    public var symmetricKey: SymmetricKey { SymmetricKey(data: bytes) }

    /// Redacted: a secret never reaches a log through string interpolation.
    public var description: String { "WebhookSecret(redacted)" }
}

/// `count` bytes from the system's cryptographically secure generator.
func secureRandomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
}

/// Standard base64 with or without trailing padding; `nil` for anything else (including URL-safe characters).
func decodeBase64Leniently<S: StringProtocol>(_ text: S) -> [UInt8]? {
    guard !text.isEmpty else { return nil }
    var padded = String(text)
    let remainder = padded.utf8.count % 4
    if remainder == 1 { return nil }
    if remainder != 0 { padded += String(repeating: "=", count: 4 - remainder) }
    guard let data = Data(base64Encoded: padded) else { return nil }
    return Array(data)
}

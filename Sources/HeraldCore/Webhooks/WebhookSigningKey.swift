import Crypto
import Foundation

/// The Ed25519 private key of an endpoint that signs with Standard Webhooks' asymmetric `v1a`.
///
/// Text form (Svix's): `whsk_` + base64 of the 32-byte seed followed by the 32-byte public key.
/// Parsing also accepts the seed alone. It is a secret: sealed at rest, never logged.
public struct WebhookSigningKey: Sendable, CustomStringConvertible {
    /// The prefix of the text form.
    public static let prefix = "whsk_"

    let privateKey: Curve25519.Signing.PrivateKey

    /// A new key pair from the system's secure random generator.
    public static func generate() -> WebhookSigningKey {
        WebhookSigningKey(privateKey: Curve25519.Signing.PrivateKey())
    }

    init(privateKey: Curve25519.Signing.PrivateKey) {
        self.privateKey = privateKey
    }

    /// Parses `whsk_<base64>` (prefix optional) of seed‖public (64 bytes) or the seed alone (32 bytes).
    ///
    /// - Throws: `HeraldError` `invalid_field` (field `signing_key`) for bad base64, a wrong size, or a
    ///   public half that does not belong to the seed.
    public init(parsing text: String) throws {
        var body = Substring(text)
        if body.hasPrefix(Self.prefix) { body = body.dropFirst(Self.prefix.count) }
        guard let bytes = decodeBase64Leniently(body), bytes.count == 32 || bytes.count == 64 else {
            throw HeraldError.invalid("signing_key", "an Ed25519 signing key is `whsk_` + base64 of 32 or 64 bytes")
        }
        let key: Curve25519.Signing.PrivateKey
        do {
            key = try Curve25519.Signing.PrivateKey(rawRepresentation: bytes.prefix(32))
        } catch {
            throw HeraldError(.invalidField, "not an Ed25519 private key", field: "signing_key", cause: error)
        }
        if bytes.count == 64, Array(key.publicKey.rawRepresentation) != Array(bytes.suffix(32)) {
            throw HeraldError.invalid("signing_key", "the public half of the signing key does not match its seed")
        }
        self.privateKey = key
    }

    /// The text form, `whsk_` + base64(seed‖public).
    public var encoded: String {
        Self.prefix + (privateKey.rawRepresentation + privateKey.publicKey.rawRepresentation).base64EncodedString()
    }

    /// The public key that receivers verify `v1a` signatures with.
    public var publicKey: WebhookPublicKey { WebhookPublicKey(key: privateKey.publicKey) }

    /// Redacted: a private key never reaches a log through string interpolation.
    public var description: String { "WebhookSigningKey(redacted)" }
}

/// The Ed25519 public key that verifies an endpoint's `v1a` signatures.
///
/// Published in two forms: Standard Webhooks' `whpk_` + base64 of the raw 32 bytes, and PEM
/// (`-----BEGIN PUBLIC KEY-----`, SubjectPublicKeyInfo, RFC 8410) for generic crypto libraries.
public struct WebhookPublicKey: Sendable, Hashable, CustomStringConvertible {
    /// The prefix of the text form.
    public static let prefix = "whpk_"

    /// DER of SubjectPublicKeyInfo up to the key bytes: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (33) }.
    static let spkiPrefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

    let key: Curve25519.Signing.PublicKey

    init(key: Curve25519.Signing.PublicKey) {
        self.key = key
    }

    /// Parses `whpk_<base64>` (prefix optional) of the raw 32 bytes, or a PEM `PUBLIC KEY` block.
    ///
    /// - Throws: `HeraldError` `invalid_field` (field `public_key`) for anything else.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let raw: [UInt8]
        if trimmed.hasPrefix("-----BEGIN PUBLIC KEY-----") {
            let base64 = trimmed.split(whereSeparator: \.isNewline)
                .filter { !$0.hasPrefix("-----") }
                .joined()
                .filter { !$0.isWhitespace }
            guard let der = decodeBase64Leniently(base64), der.count == Self.spkiPrefix.count + 32,
                Array(der.prefix(Self.spkiPrefix.count)) == Self.spkiPrefix
            else {
                throw HeraldError.invalid("public_key", "the PEM block is not an Ed25519 SubjectPublicKeyInfo")
            }
            raw = Array(der.suffix(32))
        } else {
            var body = Substring(trimmed)
            if body.hasPrefix(Self.prefix) { body = body.dropFirst(Self.prefix.count) }
            guard let bytes = decodeBase64Leniently(body), bytes.count == 32 else {
                throw HeraldError.invalid("public_key", "an Ed25519 public key is `whpk_` + base64 of 32 bytes, or PEM")
            }
            raw = bytes
        }
        do {
            self.key = try Curve25519.Signing.PublicKey(rawRepresentation: raw)
        } catch {
            throw HeraldError(.invalidField, "not an Ed25519 public key", field: "public_key", cause: error)
        }
    }

    /// The raw 32 bytes.
    public var rawBytes: [UInt8] { Array(key.rawRepresentation) }

    /// `whpk_` + base64 of the raw 32 bytes.
    public var encoded: String { Self.prefix + key.rawRepresentation.base64EncodedString() }

    /// PEM of the SubjectPublicKeyInfo (RFC 8410), lines of 64 characters, ending in a newline.
    public var pem: String {
        let der = Data(Self.spkiPrefix) + key.rawRepresentation
        let base64 = der.base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN PUBLIC KEY-----\n\(base64)\n-----END PUBLIC KEY-----\n"
    }

    public var description: String { encoded }

    public static func == (lhs: WebhookPublicKey, rhs: WebhookPublicKey) -> Bool {
        lhs.key.rawRepresentation == rhs.key.rawRepresentation
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(key.rawRepresentation)
    }
}

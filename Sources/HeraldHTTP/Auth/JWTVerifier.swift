import Crypto
import Foundation
import HeraldCore
import JWTKit

/// Verifies JWTs issued by the SSO core: signature (HS256, EdDSA or ES256), `exp`, `nbf`, `iss` and `aud`.
public struct JWTVerifier: Sendable {
    /// The verified identity a token carries.
    public struct Identity: Sendable, Equatable {
        public var issuer: String
        public var subject: String
        public var email: String?
    }

    private let keys: JWTKeyCollection
    private let issuer: String?
    private let audience: String?

    /// Builds the verifier from configuration.
    /// - Throws: `HeraldError` naming the key that cannot be parsed.
    public init(configuration: AuthConfiguration) async throws {
        let keys = JWTKeyCollection()
        if let secret = configuration.jwtHS256Secret {
            await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: "hs256")
        }
        for (index, entry) in configuration.jwtPublicKeys.enumerated() {
            let pem = try Self.loadPEM(entry, index: index)
            let kid = JWKIdentifier(string: "key-\(index)")
            if let key = Self.ed25519PublicKey(pem: pem) {
                await keys.add(eddsa: EdDSA.PublicKey(backing: key), kid: kid)
            } else if let key = try? ES256PublicKey(pem: pem) {
                await keys.add(ecdsa: key, kid: kid)
            } else {
                throw HeraldError(
                    .invalidField, "auth.jwt.public_keys[\(index)] is neither an Ed25519 nor a P-256 public key",
                    field: "auth.jwt.public_keys")
            }
        }
        self.keys = keys
        self.issuer = configuration.jwtIssuer
        self.audience = configuration.jwtAudience
    }

    /// Verifies a token and returns its identity, or nil when it is not valid for any reason.
    public func verify(_ token: String) async -> Identity? {
        guard let claims = try? await keys.verify(token, as: SSOClaims.self) else { return nil }
        if let issuer, claims.iss?.value != issuer { return nil }
        if let audience, !(claims.aud?.value.contains(audience) ?? false) { return nil }
        return Identity(issuer: claims.iss?.value ?? "", subject: claims.sub.value, email: claims.email)
    }

    private static func loadPEM(_ entry: String, index: Int) throws -> String {
        if entry.contains("-----BEGIN") { return entry }
        guard let text = try? String(contentsOfFile: entry, encoding: .utf8) else {
            throw HeraldError(
                .invalidField, "auth.jwt.public_keys[\(index)]: cannot read \(entry)", field: "auth.jwt.public_keys")
        }
        return text
    }

    /// An Ed25519 key from a PEM SubjectPublicKeyInfo (RFC 8410: a 12-byte prefix and the 32-byte key).
    static func ed25519PublicKey(pem: String) -> Curve25519.Signing.PublicKey? {
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard let der = Data(base64Encoded: body), der.count == 44 else { return nil }
        let prefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]
        guard Array(der.prefix(12)) == prefix else { return nil }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: der.suffix(32))
    }
}

/// The claims Herald reads from an SSO core token.
struct SSOClaims: JWTPayload {
    var iss: IssuerClaim?
    var sub: SubjectClaim
    var aud: AudienceClaim?
    var exp: ExpirationClaim
    var nbf: NotBeforeClaim?
    var email: String?

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        try nbf?.verifyNotBefore()
    }
}

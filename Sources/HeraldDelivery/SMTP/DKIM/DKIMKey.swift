import Crypto
import Foundation
import _CryptoExtras

/// A DKIM private key and the DNS record that publishes its public half.
///
/// RSA keys must have at least 1,024 bits (RFC 8301 §3.2; 2,048 are recommended, and that is what
/// ``generate(_:)`` makes). Ed25519 keys follow RFC 8463: the DNS record carries the raw 32-byte public
/// key, and what is signed is the SHA-256 hash of the canonicalized data.
public struct DKIMKey: Sendable {
    enum Backing: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    /// The smallest RSA key RFC 8301 lets a signer use.
    public static let minimumRSAKeyBits = 1024

    public let algorithm: DKIMAlgorithm
    let backing: Backing

    /// Reads a private key.
    ///
    /// - Parameters:
    ///   - algorithm: the algorithm the key is for.
    ///   - privateKeyPEM: RSA: a PEM private key, PKCS#1 (`RSA PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`), of at
    ///     least 1,024 bits. Ed25519: a PEM PKCS#8 private key (`PRIVATE KEY`, as `openssl genpkey -algorithm
    ///     ed25519` writes it) or the raw 32-byte seed in base64.
    /// - Throws: `DKIMError` `.invalidKey` when the text is not such a key (encrypted PEMs included),
    ///   `.weakKey` for an RSA key under 1,024 bits.
    public init(algorithm: DKIMAlgorithm, privateKeyPEM: String) throws(DKIMError) {
        self.algorithm = algorithm
        let text = privateKeyPEM.trimmingCharacters(in: .whitespacesAndNewlines)
        switch algorithm {
        case .rsaSHA256:
            self.backing = .rsa(try Self.rsaKey(pem: text))
        case .ed25519SHA256:
            self.backing = .ed25519(try Self.ed25519Key(text: text))
        }
    }

    init(rsa key: _RSA.Signing.PrivateKey) {
        self.algorithm = .rsaSHA256
        self.backing = .rsa(key)
    }

    init(ed25519 key: Curve25519.Signing.PrivateKey) {
        self.algorithm = .ed25519SHA256
        self.backing = .ed25519(key)
    }

    /// The size of the key: the modulus for RSA, 256 for Ed25519.
    public var keySizeInBits: Int {
        switch backing {
        case .rsa(let key): key.keySizeInBits
        case .ed25519: 256
        }
    }

    /// The value of the DNS TXT record to publish at `<selector>._domainkey.<domain>`:
    /// `v=DKIM1; k=rsa; p=<base64 SubjectPublicKeyInfo>` or `v=DKIM1; k=ed25519; p=<base64 raw public key>`.
    public var dnsRecord: String {
        "v=DKIM1; k=\(algorithm.keyType); p=\(publicKeyData.base64EncodedString())"
    }

    /// ``dnsRecord`` cut into the character-strings of at most 255 bytes that one TXT record is made of
    /// (a 2,048-bit RSA record is longer than one string may be; DNS consoles usually take them quoted and
    /// space-separated, and verifiers join them).
    public var dnsRecordStrings: [String] {
        var strings: [String] = []
        var rest = Substring(dnsRecord)
        while !rest.isEmpty {
            strings.append(String(rest.prefix(255)))
            rest = rest.dropFirst(255)
        }
        return strings
    }

    /// The public key as the `p=` tag carries it, before base64.
    var publicKeyData: Data {
        switch backing {
        case .rsa(let key): key.publicKey.derRepresentation
        case .ed25519(let key): key.publicKey.rawRepresentation
        }
    }

    /// A new key and its PEM, for tests and for an API that generates keys: RSA 2,048 bits (PKCS#1 PEM) or
    /// Ed25519 (PKCS#8 PEM). The PEM reads back with ``init(algorithm:privateKeyPEM:)``.
    public static func generate(_ algorithm: DKIMAlgorithm) throws -> (DKIMKey, pem: String) {
        switch algorithm {
        case .rsaSHA256:
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            return (DKIMKey(rsa: key), key.pemRepresentation)
        case .ed25519SHA256:
            let key = Curve25519.Signing.PrivateKey()
            return (DKIMKey(ed25519: key), key.pemRepresentation)
        }
    }

    /// The signature of `data` (the canonicalized header fields): RSASSA-PKCS1-v1_5 over SHA-256 for RSA,
    /// Ed25519 over the 32-byte SHA-256 hash of `data` for Ed25519 (RFC 8463 §3).
    func signature(over data: [UInt8]) throws(DKIMError) -> [UInt8] {
        do {
            switch backing {
            case .rsa(let key):
                return Array(try key.signature(for: data, padding: .insecurePKCS1v1_5).rawRepresentation)
            case .ed25519(let key):
                return Array(try key.signature(for: Array(SHA256.hash(data: data))))
            }
        } catch {
            throw DKIMError(.signingFailed, "the \(algorithm.rawValue) signature could not be computed: \(error)")
        }
    }

    private static func rsaKey(pem: String) throws(DKIMError) -> _RSA.Signing.PrivateKey {
        guard pem.hasPrefix("-----BEGIN RSA PRIVATE KEY-----") || pem.hasPrefix("-----BEGIN PRIVATE KEY-----") else {
            throw DKIMError(
                .invalidKey,
                "an rsa-sha256 key must be an unencrypted PEM private key (\"BEGIN RSA PRIVATE KEY\" or \"BEGIN PRIVATE KEY\")")
        }
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(unsafePEMRepresentation: pem)
        } catch CryptoKitError.incorrectParameterSize {
            throw DKIMError(
                .weakKey, "the RSA key is shorter than \(minimumRSAKeyBits) bits (RFC 8301); use a 2048-bit key")
        } catch {
            throw DKIMError(.invalidKey, "the PEM is not a readable RSA private key")
        }
        guard key.keySizeInBits >= minimumRSAKeyBits else {
            throw DKIMError(
                .weakKey, "the RSA key has \(key.keySizeInBits) bits, fewer than \(minimumRSAKeyBits) (RFC 8301)")
        }
        return key
    }

    private static func ed25519Key(text: String) throws(DKIMError) -> Curve25519.Signing.PrivateKey {
        if text.hasPrefix("-----BEGIN") {
            do {
                return try Curve25519.Signing.PrivateKey(pemRepresentation: text)
            } catch {
                throw DKIMError(
                    .invalidKey, "an ed25519-sha256 PEM must be an unencrypted PKCS#8 Ed25519 key (\"BEGIN PRIVATE KEY\")")
            }
        }
        guard let seed = Data(base64Encoded: text), seed.count == 32,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        else {
            throw DKIMError(
                .invalidKey, "an ed25519-sha256 key must be a PKCS#8 PEM or the 32-byte private key seed in base64")
        }
        return key
    }
}

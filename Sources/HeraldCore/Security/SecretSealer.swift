import Crypto
import Foundation

/// Seals small secrets for storage with AES-256-GCM under a key derived from the master key.
///
/// A sealed value is `v1:` + base64(nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)). The
/// associated data binds it to its record and purpose (`SealingContext`), so a sealed value copied
/// into another row, or into another field of the same row, does not open there.
public struct SecretSealer: Sendable {
    /// The envelope version prefix.
    public static let envelopePrefix = "v1:"
    /// The largest plaintext accepted: secrets are small.
    public static let maximumPlaintextSize = 64 * 1024

    private let key: SymmetricKey

    /// A sealer whose AES key is HKDF-SHA256(master key, info `herald secret sealing v1`), so the
    /// master key itself never encrypts anything directly and can serve other purposes.
    public init(masterKey: MasterKey) {
        self.key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: masterKey.key, info: Data("herald secret sealing v1".utf8), outputByteCount: 32)
    }

    /// Seals `plaintext` for the record and purpose in `context`.
    ///
    /// - Throws: `HeraldError` `invalid_field` when the plaintext is larger than 64 KiB.
    public func seal(_ plaintext: some DataProtocol, context: SealingContext) throws -> String {
        guard plaintext.count <= Self.maximumPlaintextSize else {
            throw HeraldError.invalid(context.purpose, "a secret is at most \(Self.maximumPlaintextSize) bytes")
        }
        do {
            let box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(), authenticating: context.associatedData)
            guard let combined = box.combined else {
                throw HeraldError(.internalError, "AES-GCM produced no combined representation")
            }
            return Self.envelopePrefix + combined.base64EncodedString()
        } catch let error as HeraldError {
            throw error
        } catch {
            throw HeraldError(.internalError, "sealing a secret failed", cause: error)
        }
    }

    /// Seals a UTF-8 string.
    public func seal(_ plaintext: String, context: SealingContext) throws -> String {
        try seal(Data(plaintext.utf8), context: context)
    }

    /// Opens a sealed value.
    ///
    /// - Throws: `HeraldError` `internal_error` saying the value is malformed, or that it does not
    ///   open (another master key, another record or purpose, or altered bytes). The message never
    ///   includes the value.
    public func open(_ sealed: String, context: SealingContext) throws -> Data {
        guard sealed.hasPrefix(Self.envelopePrefix),
            let combined = Data(base64Encoded: String(sealed.dropFirst(Self.envelopePrefix.count))),
            combined.count >= 12 + 16
        else {
            throw HeraldError(.internalError, "the sealed \(context.purpose) of \(context.recordID) is not a v1 envelope")
        }
        do {
            let box = try AES.GCM.SealedBox(combined: combined)
            return try AES.GCM.open(box, using: key, authenticating: context.associatedData)
        } catch {
            throw HeraldError(
                .internalError,
                "the sealed \(context.purpose) of \(context.recordID) does not open: another master key, "
                    + "another record, or altered data",
                cause: error
            )
        }
    }

    /// Opens a sealed UTF-8 string.
    public func openString(_ sealed: String, context: SealingContext) throws -> String {
        let data = try open(sealed, context: context)
        guard let text = String(validating: data, as: UTF8.self) else {
            throw HeraldError(.internalError, "the sealed \(context.purpose) of \(context.recordID) is not UTF-8")
        }
        return text
    }
}

/// What a sealed value belongs to: bound into AES-GCM's associated data.
public struct SealingContext: Sendable, Hashable {
    /// What the secret is, e.g. `webhook.secret`, `smtp.password`.
    public var purpose: String
    /// The id of the record that holds it.
    public var recordID: String

    public init(purpose: String, recordID: String) {
        self.purpose = purpose
        self.recordID = recordID
    }

    /// Length-prefixed fields, so `("a.b", "c")` and `("a", "b.c")` never give the same bytes.
    var associatedData: Data {
        var data = Data("herald-seal-v1".utf8)
        for field in [purpose, recordID] {
            let bytes = Data(field.utf8)
            var length = UInt32(bytes.count).bigEndian
            withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
            data.append(bytes)
        }
        return data
    }
}

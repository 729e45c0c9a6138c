import Crypto
import Foundation

/// Verifies Standard Webhooks signatures the way a receiver does: the headers must be present, the
/// timestamp within the tolerance of `now` in either direction, and at least one of the listed
/// signatures must match one of the receiver's keys. Entries of unknown versions are ignored.
public struct WebhookVerifier: Sendable {
    /// A key a receiver verifies with.
    public enum Key: Sendable {
        /// Verifies `v1` (HMAC-SHA256) signatures.
        case secret(WebhookSecret)
        /// Verifies `v1a` (Ed25519) signatures.
        case publicKey(WebhookPublicKey)
    }

    /// The tolerance of the reference libraries: 5 minutes.
    public static let defaultTolerance: TimeInterval = 5 * 60

    public var keys: [Key]
    public var tolerance: TimeInterval

    public init(keys: [Key], tolerance: TimeInterval = defaultTolerance) {
        self.keys = keys
        self.tolerance = tolerance
    }

    /// Verifies a delivery from its headers (names matched case-insensitively) and exact body.
    ///
    /// - Throws: `HeraldError` `unauthorized` naming what failed: a missing header, a timestamp
    ///   that is not an integer or outside the tolerance, or no matching signature.
    public func verify(headers: [String: String], body: some DataProtocol, now: Date) throws {
        var lowered: [String: String] = [:]
        for (name, value) in headers { lowered[name.lowercased()] = value }
        guard let id = lowered[WebhookHeaders.idName], !id.isEmpty else { throw Self.failure("missing webhook-id header") }
        guard let timestampText = lowered[WebhookHeaders.timestampName] else {
            throw Self.failure("missing webhook-timestamp header")
        }
        guard let signature = lowered[WebhookHeaders.signatureName], !signature.isEmpty else {
            throw Self.failure("missing webhook-signature header")
        }
        guard let timestamp = Int64(timestampText) else { throw Self.failure("webhook-timestamp is not an integer") }
        try verify(WebhookHeaders(id: id, timestamp: timestamp, signature: signature), body: body, now: now)
    }

    /// Verifies a delivery from its parsed headers and exact body.
    public func verify(_ headers: WebhookHeaders, body: some DataProtocol, now: Date) throws {
        let age = now.timeIntervalSince1970 - Double(headers.timestamp)
        if age > tolerance { throw Self.failure("webhook-timestamp is too old") }
        if -age > tolerance { throw Self.failure("webhook-timestamp is too far in the future") }
        // Built without the signer's id rules, like the reference libraries: a receiver verifies what it got.
        var content = Data("\(headers.id).\(headers.timestamp).".utf8)
        content.append(contentsOf: body)
        for entry in headers.signature.split(separator: " ", omittingEmptySubsequences: true) {
            guard let comma = entry.firstIndex(of: ",") else { continue }
            let version = entry[..<comma]
            guard let signature = decodeBase64Leniently(entry[entry.index(after: comma)...]) else { continue }
            for key in keys where matches(key, version: version, signature: signature, content: content) {
                return
            }
        }
        throw Self.failure("no matching signature")
    }

    private func matches(_ key: Key, version: Substring, signature: [UInt8], content: Data) -> Bool {
        switch key {
        case .secret(let secret):
            guard version == "v1" else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: content, using: secret.symmetricKey)
        case .publicKey(let publicKey):
            guard version == "v1a" else { return false }
            return publicKey.key.isValidSignature(signature, for: content)
        }
    }

    private static func failure(_ reason: String) -> HeraldError {
        HeraldError(.unauthorized, "webhook verification failed: \(reason)")
    }
}

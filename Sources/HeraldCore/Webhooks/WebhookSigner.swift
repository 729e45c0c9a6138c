import Crypto
import Foundation

/// Signs webhook deliveries per the Standard Webhooks specification.
///
/// The signed content is `"{webhook-id}.{webhook-timestamp}."` followed by the exact body bytes.
/// `v1` signatures are `v1,` + base64(HMAC-SHA256(secret, content)); `v1a` signatures are
/// `v1a,` + base64(Ed25519(content)). The `webhook-signature` header carries one signature per
/// active key, separated by spaces. Every attempt signs with its own timestamp; the id stays the same.
public struct WebhookSigner: Sendable {
    public var keys: SigningKeys

    public init(keys: SigningKeys) {
        self.keys = keys
    }

    /// The signed headers of one delivery attempt at `now` (timestamp: whole Unix seconds, rounded down).
    ///
    /// - Throws: `HeraldError` `invalid_field` (field `webhook_id`) for an id that is empty, longer
    ///   than 256 characters, or holds anything but ASCII letters, digits, `_` and `-` (a `.` would make
    ///   the signed content ambiguous, and control characters would break the header).
    public func headers(id: String, body: some DataProtocol, at now: Date) throws -> WebhookHeaders {
        let timestamp = Int64(now.timeIntervalSince1970.rounded(.down))
        let signatures = try signatures(id: id, timestamp: timestamp, body: body, at: now)
        return WebhookHeaders(id: id, timestamp: timestamp, signature: signatures.joined(separator: " "))
    }

    /// One signature per key active at `now`, current key first.
    public func signatures(id: String, timestamp: Int64, body: some DataProtocol, at now: Date) throws -> [String] {
        let content = try Self.signedContent(id: id, timestamp: timestamp, body: body)
        return try keys.activeKeys(at: now).map { try Self.sign(content, with: $0) }
    }

    /// `{id}.{timestamp}.{body}` as bytes.
    ///
    /// - Throws: `HeraldError` `invalid_field` for an id that is not safe to sign (see `headers`).
    public static func signedContent(id: String, timestamp: Int64, body: some DataProtocol) throws -> Data {
        try validate(id: id)
        var content = Data("\(id).\(timestamp).".utf8)
        content.append(contentsOf: body)
        return content
    }

    /// One versioned signature (`v1,…` or `v1a,…`) of already assembled content.
    public static func sign(_ content: Data, with key: WebhookKey) throws -> String {
        switch key {
        case .symmetric(let secret):
            let mac = HMAC<SHA256>.authenticationCode(for: content, using: secret.symmetricKey)
            return "v1," + Data(mac).base64EncodedString()
        case .asymmetric(let signingKey):
            let signature = try signingKey.privateKey.signature(for: content)
            return "v1a," + signature.base64EncodedString()
        }
    }

    /// The longest webhook id accepted.
    public static let maximumIDLength = 256

    static func validate(id: String) throws {
        guard !id.isEmpty, id.utf8.count <= maximumIDLength,
            id.utf8.allSatisfy({ byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                    || byte == 0x5f || byte == 0x2d
            })
        else {
            throw HeraldError.invalid(
                "webhook_id",
                "a webhook id is 1 to \(maximumIDLength) ASCII letters, digits, `_` or `-`"
            )
        }
    }
}

/// The three Standard Webhooks headers of one delivery attempt.
public struct WebhookHeaders: Sendable, Hashable {
    public static let idName = "webhook-id"
    public static let timestampName = "webhook-timestamp"
    public static let signatureName = "webhook-signature"

    /// `webhook-id`: the event's stable id, the same on every retry.
    public var id: String
    /// `webhook-timestamp`: Unix seconds of this attempt.
    public var timestamp: Int64
    /// `webhook-signature`: space-separated versioned signatures.
    public var signature: String

    public init(id: String, timestamp: Int64, signature: String) {
        self.id = id
        self.timestamp = timestamp
        self.signature = signature
    }

    /// The headers as (name, value) pairs in a fixed order, ready to add to a request.
    public var fields: [(name: String, value: String)] {
        [(Self.idName, id), (Self.timestampName, String(timestamp)), (Self.signatureName, signature)]
    }

    /// The headers as a dictionary with lower-case names.
    public var dictionary: [String: String] {
        Dictionary(uniqueKeysWithValues: fields.map { ($0.name, $0.value) })
    }
}

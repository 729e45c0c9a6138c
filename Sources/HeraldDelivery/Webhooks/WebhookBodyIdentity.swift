import Foundation

/// The `id` and `type` of a webhook body (`{"id","type",…}`), read from the stored bytes without
/// re-encoding them: every attempt sends those bytes as they are.
public struct WebhookBodyIdentity: Sendable, Hashable {
    /// The event id, sent as `webhook-id`.
    public var id: String
    public var type: String

    public init(id: String, type: String) {
        self.id = id
        self.type = type
    }

    /// Reads `id` and `type` from a JSON object; nil when the bytes are not one or either is missing.
    public init?(body: Data) {
        struct Fields: Decodable {
            var id: String
            var type: String
        }
        guard let fields = try? JSONDecoder().decode(Fields.self, from: body), !fields.id.isEmpty else { return nil }
        self.init(id: fields.id, type: fields.type)
    }
}

import Foundation

/// An API key's record; the key itself is stored only as a SHA-256 hash.
public struct APIKey: Sendable, Hashable {
    public var id: String
    public var userId: String
    public var name: String
    /// The first characters of the key, to recognise it in lists.
    public var prefix: String
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(id: String, userId: String, name: String, prefix: String, createdAt: Date, lastUsedAt: Date?) {
        self.id = id
        self.userId = userId
        self.name = name
        self.prefix = prefix
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }
}

/// A just-created API key and its secret, which exists only in this value.
public struct CreatedAPIKey: Sendable {
    public var key: APIKey
    public var secret: String

    public init(key: APIKey, secret: String) {
        self.key = key
        self.secret = secret
    }
}

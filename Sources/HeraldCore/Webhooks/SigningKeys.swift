import Foundation

/// One key an endpoint signs with: a `v1` HMAC secret or a `v1a` Ed25519 private key.
public enum WebhookKey: Sendable, CustomStringConvertible {
    case symmetric(WebhookSecret)
    case asymmetric(WebhookSigningKey)

    /// The Standard Webhooks version tag of the signatures this key makes (`v1` or `v1a`).
    public var version: String {
        switch self {
        case .symmetric: "v1"
        case .asymmetric: "v1a"
        }
    }

    public var description: String { "WebhookKey(\(version), redacted)" }
}

/// The keys an endpoint signs with at a given moment.
///
/// After a rotation the new key (`current`) signs at once and the one it replaced (`previous`)
/// keeps signing next to it until `previousValidUntil`, so receivers that still know only the old
/// key keep verifying during the grace period.
public struct SigningKeys: Sendable {
    /// The grace period of a rotation when none is given: 24 hours.
    public static let defaultGracePeriod: TimeInterval = 24 * 60 * 60

    public var current: WebhookKey
    public var previous: WebhookKey?
    /// The end of the grace period of `previous`; `nil` together with `previous`.
    public var previousValidUntil: Date?

    public init(current: WebhookKey, previous: WebhookKey? = nil, previousValidUntil: Date? = nil) {
        self.current = current
        self.previous = previous
        self.previousValidUntil = previous == nil ? nil : previousValidUntil
    }

    /// The keys after rotating to `newKey` at `now`: the current key becomes `previous`, valid for
    /// `gracePeriod` more. A previous key still in its grace period is dropped.
    public func rotated(to newKey: WebhookKey, at now: Date, gracePeriod: TimeInterval = defaultGracePeriod)
        -> SigningKeys
    {
        SigningKeys(current: newKey, previous: current, previousValidUntil: now.addingTimeInterval(gracePeriod))
    }

    /// The keys that sign at `now`: the current key first, then the previous one while
    /// `now < previousValidUntil`.
    public func activeKeys(at now: Date) -> [WebhookKey] {
        guard let previous, let previousValidUntil, now < previousValidUntil else { return [current] }
        return [current, previous]
    }
}

/// What a job does; the dispatcher routes each kind to its own handler and worker pool.
public struct JobKind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    /// One signed webhook delivery of one event to one endpoint.
    public static let webhookDelivery = JobKind("webhook.delivery")
    /// A batch of events forwarded to one SIEM integration.
    public static let siemFlush = JobKind("siem.flush")
    /// One mail message sent over SMTP.
    public static let mailSend = JobKind("mail.send")
}

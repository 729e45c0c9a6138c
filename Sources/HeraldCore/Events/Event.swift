import Foundation

/// An immutable row of the events table: every mutation and every ingested event.
///
/// The events table is the transactional outbox of the one data flow in DESIGN.md; the audit log is a view of it.
public struct Event: Sendable, Hashable {
    /// The position in the table, ascending in commit order (cursors use it).
    public var sequence: Int64
    /// The stable id receivers de-duplicate on (equals `webhook-id`).
    public var id: String
    public var type: String
    public var orgId: String?
    public var actorId: String?
    public var actorEmail: String?
    public var targetType: String?
    public var targetId: String?
    /// The subject user of an ingested event (the SSO core's user id).
    public var userId: String?
    public var email: String?
    public var ipAddress: String?
    public var userAgent: String?
    public var severity: Severity
    public var data: [String: JSONValue]
    public var occurredAt: Date
    public var createdAt: Date

    public init(
        sequence: Int64, id: String, type: String, orgId: String?, actorId: String?, actorEmail: String?,
        targetType: String?, targetId: String?, userId: String?, email: String?, ipAddress: String?,
        userAgent: String?, severity: Severity, data: [String: JSONValue], occurredAt: Date, createdAt: Date
    ) {
        self.sequence = sequence
        self.id = id
        self.type = type
        self.orgId = orgId
        self.actorId = actorId
        self.actorEmail = actorEmail
        self.targetType = targetType
        self.targetId = targetId
        self.userId = userId
        self.email = email
        self.ipAddress = ipAddress
        self.userAgent = userAgent
        self.severity = severity
        self.data = data
        self.occurredAt = occurredAt
        self.createdAt = createdAt
    }
}

/// Who did something and from where: carried by every mutation into its event.
public struct Actor: Sendable, Hashable {
    public var userId: String?
    public var email: String?
    public var ipAddress: String?
    public var userAgent: String?

    public init(userId: String?, email: String?, ipAddress: String? = nil, userAgent: String? = nil) {
        self.userId = userId
        self.email = email
        self.ipAddress = ipAddress
        self.userAgent = userAgent
    }

    /// The daemon itself (bootstrap, CLI).
    public static let system = Actor(userId: nil, email: "system")
}

/// What a mutation records: its type, target and details; the store adds the actor, time and ids.
public struct EventRecord: Sendable, Hashable {
    public var type: EventType
    public var orgId: String?
    public var targetType: String?
    public var targetId: String?
    public var data: [String: JSONValue]

    public init(type: EventType, orgId: String?, targetType: String?, targetId: String?, data: [String: JSONValue] = [:])
    {
        self.type = type
        self.orgId = orgId
        self.targetType = targetType
        self.targetId = targetId
        self.data = data
    }
}

/// An event posted by the SSO core to `POST /api/events`.
public struct IngestedEvent: Sendable, Hashable {
    public var type: String
    public var orgId: String?
    public var userId: String?
    public var email: String?
    public var ipAddress: String?
    public var userAgent: String?
    public var severity: Severity
    public var occurredAt: Date?
    public var data: [String: JSONValue]

    public init(
        type: String, orgId: String?, userId: String?, email: String?, ipAddress: String?, userAgent: String?,
        severity: Severity, occurredAt: Date?, data: [String: JSONValue]
    ) {
        self.type = type
        self.orgId = orgId
        self.userId = userId
        self.email = email
        self.ipAddress = ipAddress
        self.userAgent = userAgent
        self.severity = severity
        self.occurredAt = occurredAt
        self.data = data
    }
}

/// Filters of the audit log (platform-wide, or one organization's when `orgId` is set).
public struct AuditQuery: Sendable, Hashable {
    public var orgId: String?
    public var action: String?
    public var actorId: String?
    public var targetType: String?
    public var targetId: String?
    public var startDate: Date?
    public var endDate: Date?
    public var page: Int
    public var limit: Int

    public init(
        orgId: String? = nil, action: String? = nil, actorId: String? = nil, targetType: String? = nil,
        targetId: String? = nil, startDate: Date? = nil, endDate: Date? = nil, page: Int = 1, limit: Int = 100
    ) {
        self.orgId = orgId
        self.action = action
        self.actorId = actorId
        self.targetType = targetType
        self.targetId = targetId
        self.startDate = startDate
        self.endDate = endDate
        self.page = page
        self.limit = limit
    }
}

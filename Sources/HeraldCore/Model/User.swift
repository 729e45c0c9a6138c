import Foundation

/// A person or service that can act on Herald's admin API.
public struct User: Sendable, Hashable, Codable {
    public var id: String
    public var email: String
    public var isPlatformOwner: Bool
    /// True for service principals (the SSO core's ingest key).
    public var isService: Bool
    public var createdAt: Date

    public init(id: String, email: String, isPlatformOwner: Bool, isService: Bool = false, createdAt: Date) {
        self.id = id
        self.email = email
        self.isPlatformOwner = isPlatformOwner
        self.isService = isService
        self.createdAt = createdAt
    }
}

/// A user's MFA state as reported by the SSO core's events.
public struct MFAStatus: Sendable, Hashable, Codable {
    public var enabled: Bool
    public var hasBackupCodes: Bool

    public init(enabled: Bool, hasBackupCodes: Bool) {
        self.enabled = enabled
        self.hasBackupCodes = hasBackupCodes
    }
}

/// A suspicious-MFA alert derived from ingested risk and MFA-failure events.
public struct SuspiciousActivity: Sendable, Hashable, Codable {
    public var userId: String?
    public var email: String?
    public var orgId: String?
    public var alertType: String
    public var severity: Severity
    public var details: String
    public var detectedAt: Date
    public var eventId: String

    public init(
        userId: String?, email: String?, orgId: String?, alertType: String, severity: Severity, details: String,
        detectedAt: Date, eventId: String
    ) {
        self.userId = userId
        self.email = email
        self.orgId = orgId
        self.alertType = alertType
        self.severity = severity
        self.details = details
        self.detectedAt = detectedAt
        self.eventId = eventId
    }
}

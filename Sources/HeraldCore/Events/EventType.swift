/// The name of an event type, e.g. `organization.approved`.
///
/// Herald's own types are constants here and listed in ``EventCatalogue``; the SSO core's ingested types
/// (`auth.*`, `risk.*`, `service.*`, `audit.*`) are open-ended and checked by ``EventType/isIngestible``.
public struct EventType: Sendable, Hashable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let name: String

    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { self.name = value }
    public init(from decoder: any Decoder) throws { self.name = try String(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try name.encode(to: encoder) }
    public var description: String { name }

    /// The prefixes of the types the SSO core may post to `POST /api/events`.
    public static let ingestPrefixes = ["auth.", "risk.", "service.", "audit."]

    /// Whether the SSO core may post this type: one of its own prefixes followed by dotted lowercase words.
    public var isIngestible: Bool {
        guard Self.ingestPrefixes.contains(where: { name.hasPrefix($0) }), name.count <= 100 else { return false }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count >= 2
            && parts.allSatisfy { part in
                !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
            }
    }

    /// Whether the event belongs in the audit log (ingested `auth.*` and `risk.*` have views of their own).
    public var isAudited: Bool { !name.hasPrefix("auth.") && !name.hasPrefix("risk.") }

    public static let organizationCreated: EventType = "organization.created"
    public static let organizationUpdated: EventType = "organization.updated"
    public static let organizationApproved: EventType = "organization.approved"
    public static let organizationRejected: EventType = "organization.rejected"
    public static let organizationSuspended: EventType = "organization.suspended"
    public static let organizationActivated: EventType = "organization.activated"
    public static let organizationTierUpdated: EventType = "organization.tier_updated"
    public static let organizationDeleted: EventType = "organization.deleted"
    public static let organizationOwnershipTransferred: EventType = "organization.ownership_transferred"
    public static let memberAdded: EventType = "member.added"
    public static let memberRoleUpdated: EventType = "member.role_updated"
    public static let memberRemoved: EventType = "member.removed"
    public static let invitationCreated: EventType = "invitation.created"
    public static let invitationAccepted: EventType = "invitation.accepted"
    public static let invitationRevoked: EventType = "invitation.revoked"
    public static let tierCreated: EventType = "tier.created"
    public static let tierUpdated: EventType = "tier.updated"
    public static let tierDeleted: EventType = "tier.deleted"
    public static let platformOwnerPromoted: EventType = "platform.owner_promoted"
    public static let platformOwnerDemoted: EventType = "platform.owner_demoted"
    public static let userMFAForceDisabled: EventType = "user.mfa_force_disabled"
    public static let apiKeyCreated: EventType = "apikey.created"
    public static let apiKeyRevoked: EventType = "apikey.revoked"

    public static let webhookEndpointCreated: EventType = "webhook.endpoint.created"
    public static let webhookEndpointUpdated: EventType = "webhook.endpoint.updated"
    public static let webhookEndpointDeleted: EventType = "webhook.endpoint.deleted"
    public static let webhookEndpointDisabled: EventType = "webhook.endpoint.disabled"
    public static let webhookEndpointEnabled: EventType = "webhook.endpoint.enabled"
    /// The test ping: sent only to the endpoint under test, never stored as an event.
    public static let webhookTest: EventType = "webhook.test"

    public static let scimTokenCreated: EventType = "scim.token.created"
    public static let scimTokenRevoked: EventType = "scim.token.revoked"
    public static let scimTokenDeleted: EventType = "scim.token.deleted"
    public static let directoryUserCreated: EventType = "directory.user.created"
    public static let directoryUserUpdated: EventType = "directory.user.updated"
    public static let directoryUserDeactivated: EventType = "directory.user.deactivated"
    public static let directoryUserReactivated: EventType = "directory.user.reactivated"
    public static let directoryUserDeleted: EventType = "directory.user.deleted"
    public static let directoryGroupCreated: EventType = "directory.group.created"
    public static let directoryGroupUpdated: EventType = "directory.group.updated"
    public static let directoryGroupDeleted: EventType = "directory.group.deleted"
    public static let directoryGroupUserAdded: EventType = "directory.group.user_added"
    public static let directoryGroupUserRemoved: EventType = "directory.group.user_removed"

    public static let siemIntegrationCreated: EventType = "siem.integration.created"
    public static let siemIntegrationUpdated: EventType = "siem.integration.updated"
    public static let siemIntegrationDeleted: EventType = "siem.integration.deleted"
    public static let siemIntegrationPaused: EventType = "siem.integration.paused"
    public static let siemIntegrationError: EventType = "siem.integration.error"

    public static let smtpSettingsUpdated: EventType = "smtp.settings.updated"
    public static let smtpSettingsDeleted: EventType = "smtp.settings.deleted"
    public static let mailSent: EventType = "mail.sent"
    public static let mailBounced: EventType = "mail.bounced"

    public static let authLoginSucceeded: EventType = "auth.login.succeeded"
    public static let authLoginFailed: EventType = "auth.login.failed"
    public static let authMFAFailed: EventType = "auth.mfa.failed"
    public static let authMFAEnrolled: EventType = "auth.mfa.enrolled"
    public static let authMFADisabled: EventType = "auth.mfa.disabled"
    public static let authMFABackupCodesGenerated: EventType = "auth.mfa.backup_codes_generated"
}

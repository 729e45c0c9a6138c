import Foundation

/// Where an invitation is: waiting, used, withdrawn or past its expiry.
public enum InvitationStatus: String, Sendable, Hashable, Codable {
    case pending, accepted, revoked, expired
}

/// An invitation of an email address into an organization with a role.
public struct Invitation: Sendable, Hashable {
    public var id: String
    public var orgId: String
    public var email: String
    public var role: Role
    public var message: String?
    public var invitedBy: String
    public var status: InvitationStatus
    public var createdAt: Date
    public var expiresAt: Date
    public var acceptedAt: Date?
    public var acceptedBy: String?

    public init(
        id: String, orgId: String, email: String, role: Role, message: String?, invitedBy: String,
        status: InvitationStatus, createdAt: Date, expiresAt: Date, acceptedAt: Date? = nil, acceptedBy: String? = nil
    ) {
        self.id = id
        self.orgId = orgId
        self.email = email
        self.role = role
        self.message = message
        self.invitedBy = invitedBy
        self.status = status
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.acceptedAt = acceptedAt
        self.acceptedBy = acceptedBy
    }

    /// The status as of `now`: a pending invitation past its expiry reads as expired.
    public func status(at now: Date) -> InvitationStatus {
        status == .pending && expiresAt <= now ? .expired : status
    }
}

/// A just-created invitation and its accept token, which exists only in this value.
public struct CreatedInvitation: Sendable {
    public var invitation: Invitation
    public var token: String

    public init(invitation: Invitation, token: String) {
        self.invitation = invitation
        self.token = token
    }
}

import HeraldCore
import Hummingbird

/// A member of an organization.
struct MemberDTO: ResponseEncodable {
    var userId, email: String
    var role: Role
    var joinedAt: String

    init(_ member: Member) {
        userId = member.userId
        email = member.email
        role = member.role
        joinedAt = Timestamp.format(member.joinedAt)
    }

    enum CodingKeys: String, CodingKey {
        case email, role
        case userId = "user_id", joinedAt = "joined_at"
    }
}

/// `{members, total, page, limit}`.
struct MemberPageDTO: ResponseEncodable {
    var members: [MemberDTO]
    var total, page, limit: Int
}

/// An invitation; `token` only in the create response.
struct InvitationDTO: ResponseEncodable {
    var id, orgId, email: String
    var role: Role
    var message: String?
    var invitedBy, status, createdAt, expiresAt: String
    var acceptedAt: String?
    var token: String?

    init(_ invitation: Invitation, now: Date, token: String? = nil) {
        id = invitation.id
        orgId = invitation.orgId
        email = invitation.email
        role = invitation.role
        message = invitation.message
        invitedBy = invitation.invitedBy
        status = invitation.status(at: now).rawValue
        createdAt = Timestamp.format(invitation.createdAt)
        expiresAt = Timestamp.format(invitation.expiresAt)
        acceptedAt = invitation.acceptedAt.map(Timestamp.format)
        self.token = token
    }

    enum CodingKeys: String, CodingKey {
        case id, email, role, message, status, token
        case orgId = "org_id", invitedBy = "invited_by", createdAt = "created_at", expiresAt = "expires_at"
        case acceptedAt = "accepted_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(orgId, forKey: .orgId)
        try c.encode(email, forKey: .email)
        try c.encode(role, forKey: .role)
        try c.encode(message, forKey: .message)
        try c.encode(invitedBy, forKey: .invitedBy)
        try c.encode(status, forKey: .status)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(expiresAt, forKey: .expiresAt)
        try c.encode(acceptedAt, forKey: .acceptedAt)
        try c.encodeIfPresent(token, forKey: .token)
    }
}

/// `POST /api/invitations/accept`.
struct AcceptedInvitationDTO: ResponseEncodable {
    var organization: OrganizationDTO
    var member: MemberDTO
}

import Foundation

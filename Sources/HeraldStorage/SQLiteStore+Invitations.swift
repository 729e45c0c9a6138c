import Foundation
import GRDB
import HeraldCore

extension SQLiteStore {
    /// How long an invitation can be accepted.
    static let invitationLifetime: TimeInterval = 7 * 24 * 3600
    /// The longest invitation message.
    static let maxInvitationMessageLength = 2000

    public func createInvitation(
        orgId: String, email: String, role: Role, message: String?, actor: Actor
    ) async throws -> CreatedInvitation {
        guard role != .owner else {
            throw HeraldError.invalid("role", "The owner role cannot be granted; ownership changes only by transfer")
        }
        let address = try Validation.email(email)
        if let message, message.count > Self.maxInvitationMessageLength {
            throw HeraldError.invalid("message", "message must be at most \(Self.maxInvitationMessageLength) characters")
        }
        let now = self.now()
        return try await write { db in
            _ = try Self.requireOrganization(orgId, in: db)
            let isMember = try Int.fetchOne(
                db,
                sql: """
                    SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
                    WHERE m.org_id = ? AND u.email = ?
                    """,
                arguments: [orgId, address]) != nil
            guard !isMember else {
                throw HeraldError(.alreadyExists, "This address is already a member", field: "email")
            }
            let ms = now.millisecondsSince1970
            let pending = try Int.fetchOne(
                db,
                sql: """
                    SELECT 1 FROM invitations
                    WHERE org_id = ? AND email = ? AND status = 'pending' AND expires_at > ?
                    """,
                arguments: [orgId, address, ms]) != nil
            guard !pending else {
                throw HeraldError(.alreadyExists, "This address already has a pending invitation", field: "email")
            }
            let token = SecretToken.generate(prefix: SecretPrefix.invitation)
            let invitation = InvitationRecord(
                id: Identifier.make(), orgId: orgId, email: address, role: role.rawValue, message: message,
                invitedBy: actor.userId ?? actor.email ?? "system", tokenHash: SecretToken.hash(token),
                status: InvitationStatus.pending.rawValue, createdAt: ms,
                expiresAt: now.addingTimeInterval(Self.invitationLifetime).millisecondsSince1970, acceptedAt: nil,
                acceptedBy: nil)
            try invitation.insert(db)
            if let organization = try OrganizationRecord.fetchOne(db, key: orgId) {
                try enqueueInvitationMail(invitation, token: token, organization: organization, actor: actor, now: now, in: db)
            }
            try Self.record(
                EventRecord(
                    type: .invitationCreated, orgId: orgId, targetType: "invitation", targetId: invitation.id,
                    data: [
                        "email": .string(address), "role": .string(role.rawValue),
                        "expires_at": .string(Timestamp.format(Date(millisecondsSince1970: invitation.expiresAt))),
                    ]),
                actor: actor, now: now, in: db)
            return CreatedInvitation(invitation: invitation.model, token: token)
        }
    }

    public func invitations(orgId: String) async throws -> [Invitation] {
        let now = self.now()
        return try await read { db in
            try InvitationRecord.fetchAll(
                db, sql: "SELECT * FROM invitations WHERE org_id = ? ORDER BY created_at DESC, id DESC",
                arguments: [orgId]
            ).map { record in
                var invitation = record.model
                invitation.status = invitation.status(at: now)
                return invitation
            }
        }
    }

    public func revokeInvitation(orgId: String, id: String, actor: Actor) async throws {
        let now = self.now()
        try await write { db in
            guard var invitation = try InvitationRecord.fetchOne(db, key: id), invitation.orgId == orgId else {
                throw HeraldError.notFound("Invitation")
            }
            let status = invitation.model.status(at: now)
            guard status == .pending else {
                throw HeraldError(.invalidState, "The invitation is \(status.rawValue), not pending", field: "status")
            }
            invitation.status = InvitationStatus.revoked.rawValue
            try invitation.update(db)
            try Self.record(
                EventRecord(
                    type: .invitationRevoked, orgId: orgId, targetType: "invitation", targetId: id,
                    data: ["email": .string(invitation.email), "role": .string(invitation.role)]),
                actor: actor, now: now, in: db)
        }
    }

    public func acceptInvitation(token: String, user: User, actor: Actor) async throws -> (Organization, Member) {
        let hash = SecretToken.hash(token)
        let now = self.now()
        return try await write { db in
            guard
                var invitation = try InvitationRecord.fetchOne(
                    db, sql: "SELECT * FROM invitations WHERE token_hash = ?", arguments: [hash]),
                SecretToken.constantTimeEquals(invitation.tokenHash, hash)
            else {
                throw HeraldError.notFound("Invitation")
            }
            switch invitation.model.status(at: now) {
            case .pending: break
            case .accepted: throw HeraldError(.gone, "The invitation has already been accepted")
            case .revoked: throw HeraldError(.gone, "The invitation has been revoked")
            case .expired: throw HeraldError(.gone, "The invitation has expired")
            }
            guard user.email.lowercased() == invitation.email.lowercased() else {
                throw HeraldError.forbidden("The invitation was sent to another email address")
            }
            let organization = try Self.requireOrganization(invitation.orgId, in: db)
            _ = try Self.requireUser(user.id, in: db)
            guard try Self.membership(orgId: organization.id, userId: user.id, in: db) == nil else {
                throw HeraldError(.alreadyExists, "You are already a member of this organization", field: "email")
            }
            try Self.checkMemberLimit(of: organization, in: db)
            let ms = now.millisecondsSince1970
            let membership = MembershipRecord(
                orgId: organization.id, userId: user.id, role: invitation.role, joinedAt: ms)
            try membership.insert(db)
            invitation.status = InvitationStatus.accepted.rawValue
            invitation.acceptedAt = ms
            invitation.acceptedBy = user.id
            try invitation.update(db)
            try Self.record(
                EventRecord(
                    type: .invitationAccepted, orgId: organization.id, targetType: "invitation",
                    targetId: invitation.id,
                    data: [
                        "email": .string(invitation.email), "role": .string(invitation.role),
                        "user_id": .string(user.id),
                    ]),
                actor: actor, now: now, in: db)
            return (organization.model, membership.model(email: user.email))
        }
    }
}

/// Members and invitations of an organization.
///
/// Adding a member or accepting an invitation past the organization's `max_users` throws `limit_reached` (403).
public protocol MembershipStore: Sendable {
    /// Members, owner first then by join time.
    func members(orgId: String, page: Int, limit: Int) async throws -> Page<Member>
    /// Adds a user (created by email when unknown) with a role; records one `member.added`.
    /// - Throws: `already_exists` when a member; `invalid_field` for the `owner` role; `limit_reached`.
    func addMember(orgId: String, email: String, role: Role, actor: Actor) async throws -> Member
    /// Changes a member's role (never to or from `owner`). - Throws: `not_found`; `invalid_field`.
    func updateMemberRole(orgId: String, userId: String, role: Role, actor: Actor) async throws -> Member
    /// Removes a member. - Throws: `not_found`; `invalid_state` for the owner.
    func removeMember(orgId: String, userId: String, actor: Actor) async throws
    /// Makes another member the owner; the previous owner becomes admin. - Throws: `not_found`; `invalid_field`.
    func transferOwnership(orgId: String, newOwnerId: String, actor: Actor) async throws
    /// Invites an email address with a role other than owner, valid for 7 days.
    /// - Throws: `already_exists` when that address is a member or has a pending invitation.
    func createInvitation(orgId: String, email: String, role: Role, message: String?, actor: Actor) async throws
        -> CreatedInvitation
    /// Invitations of the organization, newest first.
    func invitations(orgId: String) async throws -> [Invitation]
    /// Withdraws a pending invitation. - Throws: `not_found`; `invalid_state` when not pending.
    func revokeInvitation(orgId: String, id: String, actor: Actor) async throws
    /// Accepts an invitation by its token for `user`, whose email must match.
    /// - Throws: `not_found` for an unknown token; `gone` when expired or used; `forbidden` on email mismatch;
    ///   `limit_reached`.
    func acceptInvitation(token: String, user: User, actor: Actor) async throws -> (Organization, Member)
}

import Foundation
import HeraldCore
import Testing

@testable import HeraldStorage

@Suite struct MembershipTests {
    @Test func addListAndRefuse() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let (organization, owner, actor) = try await fixture.organization()
        fixture.clock.advance(by: 1)
        let (member, event) = try await fixture.expectOneEvent(.memberAdded) {
            try await store.addMember(orgId: organization.id, email: "New@Example.com", role: .admin, actor: actor)
        }
        #expect(member.email == "new@example.com" && member.role == .admin)
        #expect(event.orgId == organization.id && event.targetType == "user" && event.targetId == member.userId)
        #expect(event.data["email"] == "new@example.com" && event.data["role"] == "admin")
        #expect(try await store.user(email: "new@example.com") != nil)
        // The direct addition is kept as an accepted invitation.
        let invitation = try #require(try await store.invitations(orgId: organization.id).first)
        #expect(invitation.status == .accepted && invitation.acceptedBy == member.userId)

        fixture.clock.advance(by: 1)
        let existing = try await store.ensureUser(email: "existing@example.com", actor: .system)
        let second = try await store.addMember(
            orgId: organization.id, email: "existing@example.com", role: .member, actor: actor)
        #expect(second.userId == existing.id)

        let page = try await store.members(orgId: organization.id, page: 1, limit: 10)
        #expect(page.total == 3)
        #expect(page.items.map(\.userId) == [owner.id, member.userId, existing.id])
        #expect(try await store.members(orgId: organization.id, page: 2, limit: 2).items.map(\.userId) == [existing.id])

        try await fixture.expectRefusal(.alreadyExists, field: "email") {
            _ = try await store.addMember(orgId: organization.id, email: "NEW@example.com", role: .member, actor: actor)
        }
        try await fixture.expectRefusal(.invalidField, field: "role") {
            _ = try await store.addMember(orgId: organization.id, email: "x@example.com", role: .owner, actor: actor)
        }
        try await fixture.expectRefusal(.notFound) {
            _ = try await store.addMember(orgId: "nope", email: "x@example.com", role: .member, actor: actor)
        }
        try await fixture.expectRefusal(.notFound) { _ = try await store.members(orgId: "nope", page: 1, limit: 10) }
    }

    @Test func addMemberRespectsTheUserLimit() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let (organization, _, actor) = try await fixture.organization(maxUsers: 2)
        _ = try await store.addMember(orgId: organization.id, email: "a@example.com", role: .member, actor: actor)
        do {
            _ = try await store.addMember(orgId: organization.id, email: "b@example.com", role: .member, actor: actor)
            Issue.record("limit not enforced")
        } catch let error as HeraldError {
            #expect(error.code == .limitReached && error.field == "max_users")
            #expect(error.message == "Organization has reached its max_users limit of 2")
        }
        // The organization's override wins over the tier's limit.
        _ = try await store.updateOrganizationTier(
            id: organization.id, tierId: organization.tierId!, maxServices: nil, maxUsers: 3, actor: actor)
        _ = try await store.addMember(orgId: organization.id, email: "b@example.com", role: .member, actor: actor)
        try await fixture.expectRefusal(.limitReached, field: "max_users") {
            _ = try await store.addMember(orgId: organization.id, email: "c@example.com", role: .member, actor: actor)
        }
    }

    @Test func updateRemoveAndTransfer() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let (organization, owner, actor) = try await fixture.organization()
        let member = try await store.addMember(
            orgId: organization.id, email: "m@example.com", role: .member, actor: actor)

        let (updated, event) = try await fixture.expectOneEvent(.memberRoleUpdated) {
            try await store.updateMemberRole(orgId: organization.id, userId: member.userId, role: .admin, actor: actor)
        }
        #expect(updated.role == .admin)
        #expect(event.data["previous_role"] == "member" && event.data["role"] == "admin")
        try await fixture.expectRefusal(.invalidField, field: "role") {
            _ = try await store.updateMemberRole(
                orgId: organization.id, userId: member.userId, role: .owner, actor: actor)
        }
        try await fixture.expectRefusal(.invalidField, field: "role") {
            _ = try await store.updateMemberRole(orgId: organization.id, userId: owner.id, role: .admin, actor: actor)
        }
        try await fixture.expectRefusal(.notFound) {
            _ = try await store.updateMemberRole(orgId: organization.id, userId: "nobody", role: .admin, actor: actor)
        }
        try await fixture.expectRefusal(.invalidState, field: "user_id") {
            try await store.removeMember(orgId: organization.id, userId: owner.id, actor: actor)
        }
        try await fixture.expectRefusal(.notFound) {
            try await store.removeMember(orgId: organization.id, userId: "nobody", actor: actor)
        }

        try await fixture.expectRefusal(.notFound) {
            try await store.transferOwnership(orgId: organization.id, newOwnerId: "nobody", actor: actor)
        }
        try await fixture.expectRefusal(.invalidField) {
            try await store.transferOwnership(orgId: organization.id, newOwnerId: owner.id, actor: actor)
        }
        let (_, transfer) = try await fixture.expectOneEvent(.organizationOwnershipTransferred) {
            try await store.transferOwnership(orgId: organization.id, newOwnerId: member.userId, actor: actor)
        }
        #expect(transfer.data["previous_owner_id"] == .string(owner.id))
        #expect(transfer.data["new_owner_id"] == .string(member.userId))
        #expect(try await store.role(userId: member.userId, orgId: organization.id) == .owner)
        #expect(try await store.role(userId: owner.id, orgId: organization.id) == .admin)
        #expect(try await store.organization(id: organization.id)?.ownerUserId == member.userId)
        #expect(try await store.members(orgId: organization.id, page: 1, limit: 10).items.first?.userId == member.userId)

        let (_, removal) = try await fixture.expectOneEvent(.memberRemoved) {
            try await store.removeMember(orgId: organization.id, userId: owner.id, actor: actor)
        }
        #expect(removal.targetId == owner.id && removal.data["role"] == "admin")
        #expect(try await store.role(userId: owner.id, orgId: organization.id) == nil)
    }

    @Test func invitationLifecycle() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let (organization, _, actor) = try await fixture.organization()
        let (created, event) = try await fixture.expectOneEvent(.invitationCreated) {
            try await store.createInvitation(
                orgId: organization.id, email: "Guest@Example.com", role: .admin, message: "Welcome", actor: actor)
        }
        #expect(created.token.hasPrefix("hinv_"))
        #expect(created.invitation.email == "guest@example.com" && created.invitation.status == .pending)
        #expect(created.invitation.expiresAt == fixture.clock.now.addingTimeInterval(7 * 86400).truncatedToMilliseconds)
        #expect(event.targetType == "invitation" && event.targetId == created.invitation.id)
        #expect(!event.data.values.contains(.string(created.token)))
        #expect(try await fixture.count("SELECT COUNT(*) FROM invitations WHERE token_hash = ?", [created.token]) == 0)

        try await fixture.expectRefusal(.alreadyExists, field: "email") {
            _ = try await store.createInvitation(
                orgId: organization.id, email: "guest@example.com", role: .member, message: nil, actor: actor)
        }
        try await fixture.expectRefusal(.alreadyExists, field: "email") {
            _ = try await store.createInvitation(
                orgId: organization.id, email: "owner@example.com", role: .member, message: nil, actor: actor)
        }
        try await fixture.expectRefusal(.invalidField, field: "role") {
            _ = try await store.createInvitation(
                orgId: organization.id, email: "x@example.com", role: .owner, message: nil, actor: actor)
        }
        try await fixture.expectRefusal(.invalidField, field: "email") {
            _ = try await store.createInvitation(
                orgId: organization.id, email: "nope", role: .member, message: nil, actor: actor)
        }

        // Wrong user, then the right one.
        let stranger = try await store.ensureUser(email: "stranger@example.com", actor: .system)
        try await fixture.expectRefusal(.forbidden) {
            _ = try await store.acceptInvitation(token: created.token, user: stranger, actor: Fixture.actor(stranger))
        }
        try await fixture.expectRefusal(.notFound) {
            _ = try await store.acceptInvitation(token: "hinv_unknown", user: stranger, actor: Fixture.actor(stranger))
        }
        let guest = try await store.jwtUser(issuer: "sso", subject: "guest", email: "guest@example.com")
        let ((joined, member), accepted) = try await fixture.expectOneEvent(.invitationAccepted) {
            try await store.acceptInvitation(token: created.token, user: guest, actor: Fixture.actor(guest))
        }
        #expect(joined.id == organization.id && member.role == .admin && member.userId == guest.id)
        #expect(accepted.orgId == organization.id && accepted.data["user_id"] == .string(guest.id))
        #expect(try await store.role(userId: guest.id, orgId: organization.id) == .admin)
        try await fixture.expectRefusal(.gone) {
            _ = try await store.acceptInvitation(token: created.token, user: guest, actor: Fixture.actor(guest))
        }
        let listed = try await store.invitations(orgId: organization.id)
        #expect(listed.first?.status == .accepted && listed.first?.acceptedBy == guest.id)
        try await fixture.expectRefusal(.invalidState) {
            try await store.revokeInvitation(orgId: organization.id, id: created.invitation.id, actor: actor)
        }
    }

    @Test func revokeAndExpiry() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let (organization, _, actor) = try await fixture.organization()
        let (other, _, _) = try await fixture.organization(slug: "other", ownerEmail: "other@example.com")
        let revoked = try await store.createInvitation(
            orgId: organization.id, email: "r@example.com", role: .member, message: nil, actor: actor)
        try await fixture.expectRefusal(.notFound) {
            try await store.revokeInvitation(orgId: other.id, id: revoked.invitation.id, actor: actor)
        }
        try await fixture.expectRefusal(.notFound) {
            try await store.revokeInvitation(orgId: organization.id, id: "nope", actor: actor)
        }
        try await fixture.expectOneEvent(.invitationRevoked) {
            try await store.revokeInvitation(orgId: organization.id, id: revoked.invitation.id, actor: actor)
        }
        try await fixture.expectRefusal(.invalidState) {
            try await store.revokeInvitation(orgId: organization.id, id: revoked.invitation.id, actor: actor)
        }
        let user = try await store.ensureUser(email: "r@example.com", actor: .system)
        try await fixture.expectRefusal(.gone) {
            _ = try await store.acceptInvitation(token: revoked.token, user: user, actor: Fixture.actor(user))
        }
        // A revoked invitation no longer blocks a new one.
        fixture.clock.advance(by: 1)
        let expiring = try await store.createInvitation(
            orgId: organization.id, email: "r@example.com", role: .member, message: nil, actor: actor)
        fixture.clock.advance(by: 7 * 86400 + 1)
        #expect(try await store.invitations(orgId: organization.id).map(\.status) == [.expired, .revoked])
        try await fixture.expectRefusal(.gone) {
            _ = try await store.acceptInvitation(token: expiring.token, user: user, actor: Fixture.actor(user))
        }
        try await fixture.expectRefusal(.invalidState) {
            try await store.revokeInvitation(orgId: organization.id, id: expiring.invitation.id, actor: actor)
        }
        // An expired invitation no longer blocks a new one either.
        _ = try await store.createInvitation(
            orgId: organization.id, email: "r@example.com", role: .member, message: nil, actor: actor)
    }

    @Test func acceptRespectsTheLimitAndExistingMembership() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let (organization, _, actor) = try await fixture.organization(maxUsers: 2)
        let first = try await store.createInvitation(
            orgId: organization.id, email: "a@example.com", role: .member, message: nil, actor: actor)
        let second = try await store.createInvitation(
            orgId: organization.id, email: "b@example.com", role: .member, message: nil, actor: actor)
        let a = try await store.ensureUser(email: "a@example.com", actor: .system)
        let b = try await store.ensureUser(email: "b@example.com", actor: .system)
        _ = try await store.acceptInvitation(token: first.token, user: a, actor: Fixture.actor(a))
        try await fixture.expectRefusal(.limitReached, field: "max_users") {
            _ = try await store.acceptInvitation(token: second.token, user: b, actor: Fixture.actor(b))
        }
        // Still pending after the refusal: it can be accepted once there is room.
        _ = try await store.updateOrganizationTier(
            id: organization.id, tierId: organization.tierId!, maxServices: nil, maxUsers: 10, actor: actor)
        _ = try await store.acceptInvitation(token: second.token, user: b, actor: Fixture.actor(b))

        let third = try await store.createInvitation(
            orgId: organization.id, email: "c@example.com", role: .member, message: nil, actor: actor)
        let c = try await store.ensureUser(email: "c@example.com", actor: .system)
        _ = try await store.addMember(orgId: organization.id, email: "c@example.com", role: .member, actor: actor)
        try await fixture.expectRefusal(.alreadyExists) {
            _ = try await store.acceptInvitation(token: third.token, user: c, actor: Fixture.actor(c))
        }
    }
}

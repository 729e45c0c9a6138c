import Foundation
import HeraldCore
import Hummingbird

/// `/api/organizations/{slug}/members` and `/invitations`, and `/api/invitations/accept`.
struct MembersController {
    let store: any HeraldStore
    var access: Access { Access(store: store) }

    func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        group.get("organizations/{slug}/members") { request, context in
            let (organization, _, _) = try await access.organization(
                try request.parameter("slug", context), minimum: .member, context)
            let query = QueryReader(request)
            let page = try query.int("page", default: 1, in: 1...1_000_000)
            let limit = try query.int("limit", default: 20, in: 1...100)
            let members = try await store.members(orgId: organization.id, page: page, limit: limit)
            return MemberPageDTO(members: members.items.map(MemberDTO.init), total: members.total, page: page, limit: limit)
        }
        group.post("organizations/{slug}/members") { request, context in
            let (organization, _, principal) = try await access.organization(
                try request.parameter("slug", context), minimum: .admin, context)
            let body = try await request.decode(as: AddMemberBody.self, context: context)
            let email = try Validation.email(body.email)
            let member = try await store.addMember(
                orgId: organization.id, email: email, role: try Self.grantable(body.role),
                actor: Access.actor(principal, request, context))
            return Created(body: MemberDTO(member))
        }
        group.patch("organizations/{slug}/members/{user_id}") { request, context in
            let (organization, _, principal) = try await access.organization(
                try request.parameter("slug", context), minimum: .owner, context)
            let body = try await request.decode(as: UpdateRoleBody.self, context: context)
            let member = try await store.updateMemberRole(
                orgId: organization.id, userId: try request.parameter("user_id", context),
                role: try Self.grantable(body.role), actor: Access.actor(principal, request, context))
            return MemberDTO(member)
        }
        group.delete("organizations/{slug}/members/{user_id}") { request, context in
            let userId = try request.parameter("user_id", context)
            let (organization, role, principal) = try await access.organization(
                try request.parameter("slug", context), minimum: .member, context)
            guard role.allows(.admin) || userId == principal.user.id else {
                throw HeraldError.forbidden("Only owners and admins may remove other members")
            }
            try await store.removeMember(
                orgId: organization.id, userId: userId, actor: Access.actor(principal, request, context))
            return HTTPResponse.Status.noContent
        }
        group.post("organizations/{slug}/members/transfer-ownership") { request, context in
            let (organization, _, principal) = try await access.organization(
                try request.parameter("slug", context), minimum: .owner, context)
            let body = try await request.decode(as: TransferOwnershipBody.self, context: context)
            try await store.transferOwnership(
                orgId: organization.id, newOwnerId: body.newOwnerId, actor: Access.actor(principal, request, context))
            return SuccessDTO(message: "Ownership transferred")
        }
        group.get("organizations/{slug}/invitations") { request, context in
            let (organization, _, _) = try await access.organization(
                try request.parameter("slug", context), minimum: .admin, context)
            let now = Date()
            return try await store.invitations(orgId: organization.id).map { InvitationDTO($0, now: now) }
        }
        group.post("organizations/{slug}/invitations") { request, context in
            let (organization, _, principal) = try await access.organization(
                try request.parameter("slug", context), minimum: .admin, context)
            let body = try await request.decode(as: InviteBody.self, context: context)
            let email = try Validation.email(body.email)
            if let message = body.message, message.count > 1000 {
                throw HeraldError.invalid("message", "message must be at most 1000 characters")
            }
            let created = try await store.createInvitation(
                orgId: organization.id, email: email, role: try Self.grantable(body.role), message: body.message,
                actor: Access.actor(principal, request, context))
            return Created(body: InvitationDTO(created.invitation, now: Date(), token: created.token))
        }
        group.delete("organizations/{slug}/invitations/{id}") { request, context in
            let (organization, _, principal) = try await access.organization(
                try request.parameter("slug", context), minimum: .admin, context)
            try await store.revokeInvitation(
                orgId: organization.id, id: try request.parameter("id", context),
                actor: Access.actor(principal, request, context))
            return HTTPResponse.Status.noContent
        }
        group.post("invitations/accept") { request, context in
            let principal = try context.requirePrincipal()
            let body = try await request.decode(as: AcceptInvitationBody.self, context: context)
            guard !body.token.isEmpty, body.token.count <= 200 else { throw HeraldError.notFound("Invitation") }
            let (organization, member) = try await store.acceptInvitation(
                token: body.token, user: principal.user, actor: Access.actor(principal, request, context))
            return AcceptedInvitationDTO(
                organization: OrganizationDTO(organization, role: member.role), member: MemberDTO(member))
        }
    }

    /// A role that may be granted by invitation or role update: ownership changes only by transfer.
    static func grantable(_ role: Role) throws -> Role {
        guard role != .owner else {
            throw HeraldError.invalid("role", "The owner role is granted only by transfer-ownership")
        }
        return role
    }
}

struct AddMemberBody: Decodable {
    var email: String
    var role: Role
}

struct UpdateRoleBody: Decodable {
    var role: Role
}

struct TransferOwnershipBody: Decodable {
    var newOwnerId: String
    enum CodingKeys: String, CodingKey { case newOwnerId = "new_owner_id" }
}

struct InviteBody: Decodable {
    var email: String
    var role: Role
    var message: String?
}

struct AcceptInvitationBody: Decodable {
    var token: String
}

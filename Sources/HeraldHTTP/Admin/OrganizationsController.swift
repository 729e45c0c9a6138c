import HeraldCore
import Hummingbird

/// `/api/organizations`: the caller's organizations (any authenticated user; roles as the seeds say).
struct OrganizationsController {
    let store: any HeraldStore
    let organizations: OrganizationsConfiguration
    var access: Access { Access(store: store) }

    func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        group.post("organizations") { request, context in
            let principal = try context.requirePrincipal()
            let body = try await request.decode(as: CreateOrganizationBody.self, context: context)
            try Validation.slug(body.slug)
            try Validation.name(body.name)
            let organization = try await store.createOrganization(
                slug: body.slug, name: body.name, owner: principal.user,
                autoApproveTierId: organizations.autoApprove ? organizations.defaultTierId : nil,
                actor: Access.actor(principal, request, context))
            return Created(body: OrganizationDTO(organization, role: .owner))
        }
        group.get("organizations") { request, context in
            let principal = try context.requirePrincipal()
            let query = QueryReader(request)
            let filter = OrganizationQuery(
                status: try query.enumeration("status", as: OrganizationStatus.self),
                page: try query.int("page", default: 1, in: 1...1_000_000),
                limit: try query.int("limit", default: 20, in: 1...100))
            let page = try await store.myOrganizations(userId: principal.user.id, query: filter)
            return page.items.map { OrganizationDTO($0.organization, role: $0.role) }
        }
        group.get("organizations/{slug}") { request, context in
            let (organization, role, _) = try await access.organization(
                try request.parameter("slug", context), minimum: .member, context)
            return OrganizationDTO(organization, role: role)
        }
        group.patch("organizations/{slug}") { request, context in
            let (organization, role, principal) = try await access.organization(
                try request.parameter("slug", context), minimum: .admin, context)
            let body = try await request.decode(as: UpdateOrganizationBody.self, context: context)
            guard let name = body.name else { return OrganizationDTO(organization, role: role) }
            try Validation.name(name)
            let updated = try await store.updateOrganization(
                id: organization.id, name: name, actor: Access.actor(principal, request, context))
            return OrganizationDTO(updated, role: role)
        }
        group.delete("organizations/{slug}") { request, context in
            let (organization, _, principal) = try await access.organization(
                try request.parameter("slug", context), minimum: .owner, context)
            try await store.deleteOrganization(id: organization.id, actor: Access.actor(principal, request, context))
            return HTTPResponse.Status.noContent
        }
        group.get("organizations/{slug}/audit-logs") { request, context in
            let (organization, _, _) = try await access.organization(
                try request.parameter("slug", context), minimum: .admin, context)
            return try await store.auditLog(try AuditQuery(request, orgId: organization.id)).map(AuditEntryDTO.init)
        }
    }
}

struct CreateOrganizationBody: Decodable {
    var slug: String
    var name: String
}

struct UpdateOrganizationBody: Decodable {
    var name: String?
}

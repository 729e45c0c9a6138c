import HeraldCore
import Hummingbird

/// `/api/platform/organizations`: every organization and its lifecycle (platform owners only).
struct PlatformOrganizationsController {
    let store: any HeraldStore
    var access: Access { Access(store: store) }

    func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        group.get("organizations") { request, context in
            _ = try access.platformOwner(context)
            let query = QueryReader(request)
            let filter = OrganizationQuery(
                status: try query.enumeration("status", as: OrganizationStatus.self),
                tierId: try query.string("tier_id"),
                search: try query.string("search"),
                page: try query.int("page", default: 1, in: 1...1_000_000),
                limit: try query.int("limit", default: 20, in: 1...100))
            let page = try await store.listOrganizations(filter)
            return OrganizationPageDTO(
                organizations: page.items.map(PlatformOrganizationDTO.init), total: page.total, page: filter.page,
                limit: filter.limit)
        }
        group.get("organizations/{org_id}") { request, context in
            _ = try access.platformOwner(context)
            let id = try request.parameter("org_id", context)
            return PlatformOrganizationDTO(try await store.organizationDetails(id: id))
        }
        group.post("organizations/{org_id}/approve") { request, context in
            _ = try access.platformOwner(context)
            let body = try await request.decode(as: ApproveBody.self, context: context)
            return try await transition(.approve, tierId: body.tierId, reason: nil, request, context)
        }
        group.post("organizations/{org_id}/reject") { request, context in
            _ = try access.platformOwner(context)
            let body = try await request.decode(as: RejectBody.self, context: context)
            let reason = body.reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...1000).contains(reason.count) else {
                throw HeraldError.invalid("reason", "reason must be 1 to 1000 characters")
            }
            return try await transition(.reject, tierId: nil, reason: reason, request, context)
        }
        group.post("organizations/{org_id}/suspend") { request, context in
            try await transition(.suspend, tierId: nil, reason: nil, request, context)
        }
        group.post("organizations/{org_id}/activate") { request, context in
            try await transition(.activate, tierId: nil, reason: nil, request, context)
        }
        group.patch("organizations/{org_id}/tier") { request, context in
            let principal = try access.platformOwner(context)
            let id = try request.parameter("org_id", context)
            let body = try await request.decode(as: UpdateOrganizationTierBody.self, context: context)
            try Validation.limit(body.maxServices, field: "max_services")
            try Validation.limit(body.maxUsers, field: "max_users")
            let organization = try await store.updateOrganizationTier(
                id: id, tierId: body.tierId, maxServices: body.maxServices, maxUsers: body.maxUsers,
                actor: Access.actor(principal, request, context))
            return OrganizationDTO(organization)
        }
        group.delete("organizations/{org_id}") { request, context in
            let principal = try access.platformOwner(context)
            let id = try request.parameter("org_id", context)
            try await store.deleteOrganization(id: id, actor: Access.actor(principal, request, context))
            return SuccessDTO(message: "Organization deleted successfully")
        }
    }

    private func transition(
        _ transition: OrganizationTransition, tierId: String?, reason: String?, _ request: Request,
        _ context: AdminRequestContext
    ) async throws -> OrganizationDTO {
        let principal = try access.platformOwner(context)
        let id = try request.parameter("org_id", context)
        let organization = try await store.transitionOrganization(
            id: id, transition, tierId: tierId, reason: reason, actor: Access.actor(principal, request, context))
        return OrganizationDTO(organization)
    }
}

struct ApproveBody: Decodable {
    var tierId: String
    enum CodingKeys: String, CodingKey { case tierId = "tier_id" }
}

struct RejectBody: Decodable {
    var reason: String
}

struct UpdateOrganizationTierBody: Decodable {
    var tierId: String
    var maxServices: Int?
    var maxUsers: Int?
    enum CodingKeys: String, CodingKey {
        case tierId = "tier_id", maxServices = "max_services", maxUsers = "max_users"
    }
}

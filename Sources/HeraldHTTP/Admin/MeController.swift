import HeraldCore
import Hummingbird

/// `/api/me`, `/api/me/api-keys` and `/api/event-types`: what any authenticated caller may read about itself.
struct MeController {
    let store: any HeraldStore

    func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        group.get("me") { _, context in
            let principal = try context.requirePrincipal()
            let page = try await store.myOrganizations(
                userId: principal.user.id, query: OrganizationQuery(page: 1, limit: 1000))
            return MeDTO(
                id: principal.user.id, email: principal.user.email, isPlatformOwner: principal.user.isPlatformOwner,
                organizations: page.items.map {
                    .init(id: $0.organization.id, slug: $0.organization.slug, name: $0.organization.name, role: $0.role)
                })
        }
        group.get("me/api-keys") { _, context in
            let principal = try context.requirePrincipal()
            return try await store.listAPIKeys(userId: principal.user.id).map { APIKeyDTO($0) }
        }
        group.post("me/api-keys") { request, context in
            let principal = try context.requirePrincipal()
            let body = try await request.decode(as: CreateAPIKeyBody.self, context: context)
            try Validation.name(body.name)
            let created = try await store.createAPIKey(
                userId: principal.user.id, name: body.name, actor: Access.actor(principal, request, context))
            return Created(body: APIKeyDTO(created.key, secret: created.secret))
        }
        group.delete("me/api-keys/{id}") { request, context in
            let principal = try context.requirePrincipal()
            let id = try request.parameter("id", context)
            try await store.revokeAPIKey(
                id: id, userId: principal.user.id, actor: Access.actor(principal, request, context))
            return HTTPResponse.Status.noContent
        }
        group.get("event-types") { _, context in
            _ = try context.requirePrincipal()
            return EventCatalogue.entries.map {
                EventTypeDTO(type: $0.type, description: $0.description, example: $0.example)
            }
        }
    }
}

struct CreateAPIKeyBody: Decodable {
    var name: String
}

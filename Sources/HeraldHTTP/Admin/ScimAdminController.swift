import Foundation
import HeraldCore
import Hummingbird

/// The organization's SCIM set-up in the admin API: tokens (`…/scim/tokens`), the request log (`…/scim/requests`)
/// and the end-user views of the directory (`…/end-users`). Admins and the owner; members get 403.
struct ScimAdminController {
    let store: any HeraldStore
    let log: ScimRequestLog
    var access: Access { Access(store: store) }

    func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        group.get("organizations/{slug}/scim/tokens") { request, context in
            let (organization, _, _) = try await manage(request, context)
            return try await store.scimTokens(orgId: organization.id).map { ScimTokenDTO(token: $0) }
        }
        group.post("organizations/{slug}/scim/tokens") { request, context in
            let (organization, _, principal) = try await manage(request, context)
            let body = try await request.decode(as: CreateScimTokenBody.self, context: context)
            let (token, secret) = try await store.createScimToken(
                orgId: organization.id, name: body.name, expiresAt: try body.expiry(),
                actor: Access.actor(principal, request, context))
            return Created(body: ScimTokenDTO(token: token, secret: secret))
        }
        group.post("organizations/{slug}/scim/tokens/{id}/revoke") { request, context in
            let (organization, _, principal) = try await manage(request, context)
            return ScimTokenDTO(
                token: try await store.revokeScimToken(
                    orgId: organization.id, id: try request.parameter("id", context),
                    actor: Access.actor(principal, request, context)))
        }
        group.delete("organizations/{slug}/scim/tokens/{id}") { request, context in
            let (organization, _, principal) = try await manage(request, context)
            try await store.deleteScimToken(
                orgId: organization.id, id: try request.parameter("id", context),
                actor: Access.actor(principal, request, context))
            return HTTPResponse.Status.noContent
        }
        group.get("organizations/{slug}/scim/requests") { request, context in
            let (organization, _, _) = try await manage(request, context)
            let query = QueryReader(request)
            let limit = try query.int("limit", default: 50, in: 1...500)
            let before = try query.int("before", default: Int.max, in: 1...Int.max)
            await log.flush()
            return try await store.scimRequests(
                orgId: organization.id, limit: limit, before: before == Int.max ? nil : Int64(before)
            ).map { ScimRequestDTO(entry: $0) }
        }
        group.get("organizations/{slug}/end-users") { request, context in
            let (organization, _, _) = try await manage(request, context)
            let query = QueryReader(request)
            let page = try query.int("page", default: 1, in: 1...1_000_000)
            let limit = try query.int("limit", default: 20, in: 1...100)
            let search = try query.string("search", maxLength: 200)
            let result = try await store.listScimResources(
                orgId: organization.id, type: .user,
                ScimListQuery(
                    filter: search.flatMap(Self.searchFilter), startIndex: (page - 1) * limit + 1, count: limit))
            return EndUserPageDTO(
                endUsers: result.resources.map { EndUserDTO(user: $0, detailed: false) }, total: result.totalResults,
                page: page, limit: limit)
        }
        group.get("organizations/{slug}/end-users/{user_id}") { request, context in
            let (organization, _, _) = try await manage(request, context)
            let id = try request.parameter("user_id", context)
            guard
                let user = try await store.scimResource(orgId: organization.id, type: .user, id: id, includeMembers: false)
            else { throw HeraldError.notFound("End user") }
            return EndUserDTO(user: user, detailed: true)
        }
    }

    /// `userName`, `displayName` or an email address containing the text (case-insensitively).
    static func searchFilter(_ text: String) -> ScimFilter? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        let value = ScimFilterValue.string(trimmed)
        return .or(
            .or(
                .compare(ScimAttributePath(attribute: "userName"), .co, value),
                .compare(ScimAttributePath(attribute: "displayName"), .co, value)),
            .compare(ScimAttributePath(attribute: "emails", subAttribute: "value"), .co, value))
    }

    private func manage(_ request: Request, _ context: AdminRequestContext) async throws
        -> (Organization, Role, Principal)
    {
        try await access.organization(try request.parameter("slug", context), minimum: .admin, context)
    }
}

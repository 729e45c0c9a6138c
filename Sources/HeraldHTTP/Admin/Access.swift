import HeraldCore
import Hummingbird

/// Authorization decisions shared by the controllers.
struct Access: Sendable {
    let store: any HeraldStore

    /// The caller, who must be a platform owner. - Throws: 403.
    func platformOwner(_ context: AdminRequestContext) throws -> Principal {
        let principal = try context.requirePrincipal()
        guard principal.user.isPlatformOwner else { throw HeraldError.forbidden("User is not a platform owner") }
        return principal
    }

    /// The organization named by `slug` and the caller's role in it, which must allow `minimum`.
    /// - Throws: 404 when the organization does not exist or the caller is not a member; 403 when the role is lower.
    func organization(_ slug: String, minimum: Role, _ context: AdminRequestContext) async throws
        -> (Organization, Role, Principal)
    {
        let principal = try context.requirePrincipal()
        guard let organization = try await store.organization(slug: slug),
            let role = try await store.role(userId: principal.user.id, orgId: organization.id)
        else {
            throw HeraldError.notFound("Organization")
        }
        guard role.allows(minimum) else {
            throw HeraldError.forbidden("This action requires the \(minimum.rawValue) role or higher")
        }
        return (organization, role, principal)
    }

    /// The actor of a mutation: the caller and where the request came from.
    static func actor(_ principal: Principal, _ request: Request, _ context: AdminRequestContext) -> Actor {
        Actor(
            userId: principal.user.id, email: principal.user.email, ipAddress: context.clientAddress,
            userAgent: request.headers[.userAgent].map { String($0.prefix(512)) })
    }
}

extension Request {
    /// A path parameter that the route guarantees.
    func parameter(_ name: String, _ context: AdminRequestContext) throws -> String {
        guard let value = context.parameters.get(name), !value.isEmpty, value.count <= 200 else {
            throw HeraldError.notFound("Resource")
        }
        return value
    }
}

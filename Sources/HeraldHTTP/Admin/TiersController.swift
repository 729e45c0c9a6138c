import HeraldCore
import Hummingbird

/// `/api/platform/tiers`: the plans organizations are assigned to (platform owners only).
struct TiersController {
    let store: any HeraldStore
    var access: Access { Access(store: store) }

    func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        group.get("tiers") { _, context in
            _ = try access.platformOwner(context)
            return try await store.tiers().map(TierDTO.init)
        }
        group.post("tiers") { request, context in
            let principal = try access.platformOwner(context)
            let body = try await request.decode(as: CreateTierBody.self, context: context)
            let tier = try await store.createTier(try body.validated(), actor: Access.actor(principal, request, context))
            return Created(body: TierDTO(tier))
        }
        group.get("tiers/{tier_id}") { request, context in
            _ = try access.platformOwner(context)
            let id = try request.parameter("tier_id", context)
            guard let tier = try await store.tier(id: id) else { throw HeraldError.notFound("Tier") }
            return TierDTO(tier)
        }
        group.patch("tiers/{tier_id}") { request, context in
            let principal = try access.platformOwner(context)
            let id = try request.parameter("tier_id", context)
            let patch = try await request.decode(as: UpdateTierBody.self, context: context).validated()
            let tier = try await store.updateTier(id: id, patch, actor: Access.actor(principal, request, context))
            return TierDTO(tier)
        }
        group.delete("tiers/{tier_id}") { request, context in
            let principal = try access.platformOwner(context)
            let id = try request.parameter("tier_id", context)
            try await store.deleteTier(id: id, actor: Access.actor(principal, request, context))
            return HTTPResponse.Status.noContent
        }
    }
}

struct CreateTierBody: Decodable {
    var id: String?
    var displayName: String
    var maxServices: Int?
    var maxUsers: Int?
    var priceCents: Int?

    enum CodingKeys: String, CodingKey {
        case id
        case displayName = "display_name", maxServices = "max_services", maxUsers = "max_users"
        case priceCents = "price_cents"
    }

    func validated() throws -> NewTier {
        if let id { try Validation.identifier(id, field: "id") }
        try Validation.name(displayName, field: "display_name")
        try Validation.limit(maxServices, field: "max_services")
        try Validation.limit(maxUsers, field: "max_users")
        try Validation.limit(priceCents, field: "price_cents")
        return NewTier(
            id: id, displayName: displayName, maxServices: maxServices, maxUsers: maxUsers, priceCents: priceCents ?? 0)
    }
}

struct UpdateTierBody: Decodable {
    var patch = TierPatch()

    enum CodingKeys: String, CodingKey {
        case displayName = "display_name", maxServices = "max_services", maxUsers = "max_users"
        case priceCents = "price_cents"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        patch.displayName = try c.decodeIfPresent(String.self, forKey: .displayName)
        patch.priceCents = try c.decodeIfPresent(Int.self, forKey: .priceCents)
        if c.contains(.maxServices) { patch.maxServices = .some(try c.decodeIfPresent(Int.self, forKey: .maxServices)) }
        if c.contains(.maxUsers) { patch.maxUsers = .some(try c.decodeIfPresent(Int.self, forKey: .maxUsers)) }
    }

    func validated() throws -> TierPatch {
        if let name = patch.displayName { try Validation.name(name, field: "display_name") }
        if let value = patch.maxServices { try Validation.limit(value, field: "max_services") }
        if let value = patch.maxUsers { try Validation.limit(value, field: "max_users") }
        try Validation.limit(patch.priceCents, field: "price_cents")
        return patch
    }
}

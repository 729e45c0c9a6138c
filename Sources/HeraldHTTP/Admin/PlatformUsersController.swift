import HeraldCore
import Hummingbird

/// `/api/platform/{owners,users,mfa,audit-log,api-keys}` (platform owners only).
struct PlatformUsersController {
    let store: any HeraldStore
    var access: Access { Access(store: store) }

    func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        group.post("owners") { request, context in
            let principal = try access.platformOwner(context)
            let body = try await request.decode(as: PromoteOwnerBody.self, context: context)
            let user = try await store.promotePlatformOwner(
                userId: body.userId, actor: Access.actor(principal, request, context))
            return UserDTO(user)
        }
        group.delete("owners/{user_id}") { request, context in
            let principal = try access.platformOwner(context)
            let id = try request.parameter("user_id", context)
            try await store.demotePlatformOwner(userId: id, actor: Access.actor(principal, request, context))
            return HTTPResponse.Status.noContent
        }
        group.get("users") { request, context in
            _ = try access.platformOwner(context)
            let query = QueryReader(request)
            let limit = try query.int("limit", default: 50, in: 1...100)
            let offset = try query.int("offset", default: 0, in: 0...Int.max)
            let page = try await store.listUsers(limit: limit, offset: offset)
            return UserPageDTO(users: page.items.map(UserDTO.init), total: page.total)
        }
        group.get("users/search") { request, context in
            _ = try access.platformOwner(context)
            let query = QueryReader(request)
            let text = try query.string("q", required: true) ?? ""
            let limit = try query.int("limit", default: 10, in: 1...50)
            return try await store.searchUsers(query: text, limit: limit).map(UserDTO.init)
        }
        group.get("users/{user_id}/mfa/status") { request, context in
            _ = try access.platformOwner(context)
            let status = try await store.mfaStatus(userId: try request.parameter("user_id", context))
            return MFAStatusDTO(enabled: status.enabled, hasBackupCodes: status.hasBackupCodes)
        }
        group.delete("users/{user_id}/mfa") { request, context in
            let principal = try access.platformOwner(context)
            let id = try request.parameter("user_id", context)
            try await store.forceDisableMFA(userId: id, actor: Access.actor(principal, request, context))
            return SuccessDTO(message: "MFA has been force-disabled for the user")
        }
        group.get("mfa/suspicious-activity") { request, context in
            _ = try access.platformOwner(context)
            let orgId = try QueryReader(request).string("org_id")
            return try await store.suspiciousActivity(orgId: orgId, limit: 500).map(SuspiciousActivityDTO.init)
        }
        group.get("audit-log") { request, context in
            _ = try access.platformOwner(context)
            let query = try AuditQuery(request, orgId: nil)
            return try await store.auditLog(query).map(AuditEntryDTO.init)
        }
        group.get("api-keys") { _, context in
            _ = try access.platformOwner(context)
            return try await store.listAPIKeys(userId: nil).map { APIKeyDTO($0) }
        }
        group.delete("api-keys/{id}") { request, context in
            let principal = try access.platformOwner(context)
            let id = try request.parameter("id", context)
            try await store.revokeAPIKey(id: id, userId: nil, actor: Access.actor(principal, request, context))
            return HTTPResponse.Status.noContent
        }
    }
}

struct PromoteOwnerBody: Decodable {
    var userId: String
    enum CodingKeys: String, CodingKey { case userId = "user_id" }
}

extension AuditQuery {
    /// The audit filters of a request (`action`, `actor_id`, `target_type`, `target_id`, `start_date`, `end_date`,
    /// `limit` ≤ 1000, `page`).
    init(_ request: Request, orgId: String?) throws {
        let query = QueryReader(request)
        self.init(
            orgId: orgId,
            action: try query.string("action"),
            actorId: try query.string("actor_id"),
            targetType: try query.string("target_type"),
            targetId: try query.string("target_id"),
            startDate: try query.date("start_date"),
            endDate: try query.date("end_date", endOfDay: true),
            page: try query.int("page", default: 1, in: 1...1_000_000),
            limit: try query.int("limit", default: 100, in: 1...1000))
        if let startDate, let endDate, startDate > endDate {
            throw HeraldError(.invalidQuery, "start_date must not be after end_date", field: "start_date")
        }
    }
}

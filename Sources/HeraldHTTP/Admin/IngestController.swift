import Foundation
import HeraldCore
import Hummingbird

/// `POST /api/events`: audit, login and risk events from the SSO core (service API keys only).
struct IngestController {
    let store: any HeraldStore
    static let maxBatch = 1000

    func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        group.post("events") { request, context in
            let principal = try context.requirePrincipal()
            guard principal.user.isService else {
                throw HeraldError.forbidden("Only service API keys may post events")
            }
            let key = request.headers[.idempotencyKey]
            if let key, key.isEmpty || key.count > 200 {
                throw HeraldError(.invalidRequest, "Idempotency-Key must be 1 to 200 characters", field: "Idempotency-Key")
            }
            let body = try await request.decode(as: IngestBody.self, context: context)
            guard (1...Self.maxBatch).contains(body.events.count) else {
                throw HeraldError.invalid("events", "events must hold 1 to \(Self.maxBatch) events")
            }
            let events = try body.events.enumerated().map { try $0.element.validated(index: $0.offset) }
            let ids = try await store.ingest(
                events, actor: Access.actor(principal, request, context), idempotencyKey: key)
            return Created(body: IngestResultDTO(ids: ids))
        }
    }
}

struct IngestBody: Decodable {
    var events: [IngestEventBody]
}

struct IngestEventBody: Decodable {
    var type: String
    var orgId: String?
    var userId: String?
    var email: String?
    var ip: String?
    var userAgent: String?
    var severity: Severity?
    var occurredAt: String?
    var data: [String: JSONValue]?

    enum CodingKeys: String, CodingKey {
        case type, email, ip, severity, data
        case orgId = "org_id", userId = "user_id", userAgent = "user_agent", occurredAt = "occurred_at"
    }

    func validated(index: Int) throws -> IngestedEvent {
        let prefix = "events[\(index)]."
        let eventType = EventType(type)
        guard eventType.isIngestible else {
            throw HeraldError(
                .unknownEventType,
                "\(prefix)type must be one of the SSO core's types (auth.*, risk.*, service.*, audit.*)",
                field: prefix + "type")
        }
        for (name, value) in [("org_id", orgId), ("user_id", userId), ("ip", ip)] {
            if let value, value.isEmpty || value.count > 200 {
                throw HeraldError.invalid(prefix + name, "\(prefix)\(name) must be 1 to 200 characters")
            }
        }
        if let userAgent, userAgent.count > 1000 {
            throw HeraldError.invalid(prefix + "user_agent", "\(prefix)user_agent must be at most 1000 characters")
        }
        let address = try email.map { try Validation.email($0, field: prefix + "email") }
        var occurred: Date?
        if let occurredAt {
            guard let date = Timestamp.parse(occurredAt) else {
                throw HeraldError.invalid(prefix + "occurred_at", "\(prefix)occurred_at must be an RFC 3339 date-time")
            }
            occurred = date
        }
        return IngestedEvent(
            type: type, orgId: orgId, userId: userId, email: address, ipAddress: ip, userAgent: userAgent,
            severity: severity ?? .info, occurredAt: occurred, data: data ?? [:])
    }
}

import Foundation
import HeraldCore
import Hummingbird

/// `/api/organizations/{slug}/siem…` (admins and the owner) and `/api/platform/siem…` (platform owners:
/// integrations that receive every organization's events), and the organization's risk-event view.
/// Another scope's integration answers 404.
struct SiemController {
    let store: any HeraldStore
    let configuration: HeraldConfiguration
    let catalogue: SiemConnectorCatalogue
    let tester: (any SiemTesting)?
    /// Tells the dispatcher that jobs were enqueued (a replay or a switch-on schedules a flush).
    let wakeDeliveries: @Sendable () -> Void
    var access: Access { Access(store: store) }

    func addRoutes(to api: RouterGroup<AdminRequestContext>) {
        addIntegrationRoutes(to: api, prefix: "organizations/{slug}/siem") { request, context in
            let (organization, _, principal) = try await access.organization(
                try request.parameter("slug", context), minimum: .admin, context)
            return (organization.id, principal)
        }
        addIntegrationRoutes(to: api, prefix: "platform/siem") { _, context in
            (nil, try access.platformOwner(context))
        }
        api.get("organizations/{slug}/security/risk-events") { request, context in
            let (organization, _, _) = try await access.organization(
                try request.parameter("slug", context), minimum: .admin, context)
            let query = QueryReader(request)
            let severity = try query.enumeration("severity", as: Severity.self)
            let type = try query.string("type")
            if let type, !type.hasPrefix("risk.") || type.count > 100 {
                throw HeraldError(.invalidQuery, "type must be a risk.* event type", field: "type")
            }
            let since = try query.date("since")
            let limit = try query.int("limit", default: 100, in: 1...1000)
            return try await store.riskEvents(
                orgId: organization.id, severity: severity, type: type, since: since, limit: limit
            ).map(RiskEventDTO.init)
        }
    }

    /// The routes of one scope; `scope` authorizes the caller and answers the organization id (nil: platform).
    private func addIntegrationRoutes(
        to api: RouterGroup<AdminRequestContext>, prefix: String,
        scope: @escaping @Sendable (Request, AdminRequestContext) async throws -> (String?, Principal)
    ) {
        let allowlist = configuration.outboundAllowlist
        api.get(RouterPath(prefix)) { request, context in
            let (orgId, _) = try await scope(request, context)
            return try await store.siemIntegrationsWithLag(orgId: orgId).map(SiemIntegrationDTO.init)
        }
        api.post(RouterPath(prefix)) { request, context in
            let (orgId, principal) = try await scope(request, context)
            let body = try await request.decode(as: CreateSiemBody.self, context: context)
            let new = try SiemInput.validated(body, catalogue: catalogue, allowlist: allowlist)
            let integration = try await store.createSiemIntegration(
                orgId: orgId, new, actor: Access.actor(principal, request, context))
            return Created(body: try await dto(integration))
        }
        api.get(RouterPath(prefix + "/{id}")) { request, context in
            let (orgId, _) = try await scope(request, context)
            return try await dto(try await store.siemIntegration(orgId: orgId, id: try request.parameter("id", context)))
        }
        api.patch(RouterPath(prefix + "/{id}")) { request, context in
            let (orgId, principal) = try await scope(request, context)
            let id = try request.parameter("id", context)
            let current = try await store.siemIntegration(orgId: orgId, id: id)
            let body = try await request.decode(as: UpdateSiemBody.self, context: context)
            let stored = body.patch.credentials == nil ? try await store.siemCredentials(integrationId: id) : [:]
            let patch = try SiemInput.validated(
                body.patch, current: current, storedCredentials: stored, catalogue: catalogue, allowlist: allowlist)
            let updated = try await store.updateSiemIntegration(
                orgId: orgId, id: id, patch, actor: Access.actor(principal, request, context))
            return try await dto(updated)
        }
        api.delete(RouterPath(prefix + "/{id}")) { request, context in
            let (orgId, principal) = try await scope(request, context)
            try await store.deleteSiemIntegration(
                orgId: orgId, id: try request.parameter("id", context), actor: Access.actor(principal, request, context))
            return HTTPResponse.Status.noContent
        }
        api.post(RouterPath(prefix + "/{id}/test")) { request, context in
            let (orgId, _) = try await scope(request, context)
            let integration = try await store.siemIntegration(orgId: orgId, id: try request.parameter("id", context))
            guard let tester else { throw HeraldError(.unavailable, "SIEM forwarding is not running in this process") }
            let credentials = try await store.siemCredentials(integrationId: integration.id)
            return SiemTestResultDTO(result: await tester.test(integration, credentials: credentials))
        }
        api.post(RouterPath(prefix + "/{id}/replay")) { request, context in
            let (orgId, principal) = try await scope(request, context)
            let since = try await request.decode(as: ReplayWebhookBody.self, context: context).validated()
            let events = try await store.replaySiemIntegration(
                orgId: orgId, id: try request.parameter("id", context), since: since,
                actor: Access.actor(principal, request, context))
            wakeDeliveries()
            return Created(body: SiemReplayResultDTO(events: events), status: .accepted)
        }
        api.get(RouterPath(prefix + "/{id}/dead-letters")) { request, context in
            let (orgId, _) = try await scope(request, context)
            let limit = try QueryReader(request).int("limit", default: 100, in: 1...1000)
            return try await store.siemDeadLetters(
                orgId: orgId, integrationId: try request.parameter("id", context), limit: limit
            ).map(SiemDeadLetterDTO.init)
        }
    }

    private func dto(_ integration: SiemIntegration) async throws -> SiemIntegrationDTO {
        SiemIntegrationDTO(integration: integration, lag: try await store.siemLag(integrationId: integration.id))
    }
}

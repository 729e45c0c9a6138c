import Foundation
import HeraldCore
import Hummingbird

/// `/api/organizations/{slug}/webhooks…`: endpoints, their secrets, deliveries, test pings and replays.
/// Admins and the owner only; a member gets 403, a non-member (or another organization's endpoint) 404.
struct WebhooksController {
    let store: any HeraldStore
    let configuration: HeraldConfiguration
    /// Tells the dispatcher that jobs were enqueued.
    let wakeDeliveries: @Sendable () -> Void
    var access: Access { Access(store: store) }

    /// How long a test ping waits for its first attempt: the request timeout and 5 s for queueing and connecting.
    var testPingWait: Duration { .seconds(max(0, configuration.webhooks.requestTimeoutSeconds) + 5) }

    func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        let allowlist = configuration.outboundAllowlist
        group.get("organizations/{slug}/webhooks") { request, context in
            let (organization, _, _) = try await manage(request, context)
            return try await store.endpoints(orgId: organization.id).map { WebhookEndpointDTO($0) }
        }
        group.post("organizations/{slug}/webhooks") { request, context in
            let (organization, _, principal) = try await manage(request, context)
            let body = try await request.decode(as: CreateWebhookBody.self, context: context)
            let new = try body.validated(allowlist: allowlist)
            let (endpoint, secret) = try await store.createEndpoint(
                orgId: organization.id, new, actor: Access.actor(principal, request, context))
            return Created(body: WebhookEndpointDTO(endpoint, secret: secret))
        }
        group.get("organizations/{slug}/webhooks/{id}") { request, context in
            let (organization, _, _) = try await manage(request, context)
            return WebhookEndpointDTO(
                try await store.endpoint(orgId: organization.id, id: try request.parameter("id", context)))
        }
        group.patch("organizations/{slug}/webhooks/{id}") { request, context in
            let (organization, _, principal) = try await manage(request, context)
            let id = try request.parameter("id", context)
            let patch = try await request.decode(as: UpdateWebhookBody.self, context: context)
                .validated(allowlist: allowlist)
            let endpoint = try await store.updateEndpoint(
                orgId: organization.id, id: id, patch, actor: Access.actor(principal, request, context))
            if patch.enabled == true { wakeDeliveries() }
            return WebhookEndpointDTO(endpoint)
        }
        group.delete("organizations/{slug}/webhooks/{id}") { request, context in
            let (organization, _, principal) = try await manage(request, context)
            try await store.deleteEndpoint(
                orgId: organization.id, id: try request.parameter("id", context),
                actor: Access.actor(principal, request, context))
            return HTTPResponse.Status.noContent
        }
        group.post("organizations/{slug}/webhooks/{id}/test") { request, context in
            let (organization, _, _) = try await manage(request, context)
            let endpointId = try request.parameter("id", context)
            let delivery = try await store.enqueueTestPing(orgId: organization.id, endpointId: endpointId)
            wakeDeliveries()
            let attempted = try await firstAttempt(of: delivery, orgId: organization.id)
            let success = attempted.map { (200..<300).contains($0.statusCode ?? 0) } ?? false
            let id = String(delivery.id)
            return WebhookTestResultDTO(success: success, jobId: id, deliveryId: id)
        }
        group.get("organizations/{slug}/webhooks/{id}/deliveries") { request, context in
            let (organization, _, _) = try await manage(request, context)
            let endpointId = try request.parameter("id", context)
            let query = QueryReader(request)
            let status = try query.enumeration("status", as: WebhookDeliveryStatus.self)
            let page = try query.int("page", default: 1, in: 1...1_000_000)
            let limit = try query.int("limit", default: 20, in: 1...100)
            let deliveries = try await store.deliveries(
                orgId: organization.id, endpointId: endpointId, status: status, page: page, limit: limit)
            return WebhookDeliveryPageDTO(
                deliveries: deliveries.items.map(WebhookDeliveryDTO.init), total: deliveries.total, page: page,
                limit: limit)
        }
        group.post("organizations/{slug}/webhooks/{id}/deliveries/{delivery_id}/resend") { request, context in
            let (organization, _, principal) = try await manage(request, context)
            let endpointId = try request.parameter("id", context)
            guard let deliveryId = Int64(try request.parameter("delivery_id", context)), deliveryId > 0 else {
                throw HeraldError.notFound("Delivery")
            }
            let delivery = try await store.resend(
                orgId: organization.id, endpointId: endpointId, deliveryId: deliveryId,
                actor: Access.actor(principal, request, context))
            wakeDeliveries()
            return Created(body: WebhookDeliveryDTO(delivery), status: .accepted)
        }
        group.post("organizations/{slug}/webhooks/{id}/replay") { request, context in
            let (organization, _, principal) = try await manage(request, context)
            let endpointId = try request.parameter("id", context)
            let since = try await request.decode(as: ReplayWebhookBody.self, context: context).validated()
            let count = try await store.replay(
                orgId: organization.id, endpointId: endpointId, since: since,
                actor: Access.actor(principal, request, context))
            if count > 0 { wakeDeliveries() }
            return Created(body: ReplayResultDTO(enqueued: count), status: .accepted)
        }
        group.post("organizations/{slug}/webhooks/{id}/rotate-secret") { request, context in
            let (organization, _, principal) = try await manage(request, context)
            let id = try request.parameter("id", context)
            let secret = try await store.rotateSecret(
                orgId: organization.id, id: id,
                gracePeriod: .seconds(max(0, configuration.webhooks.rotationGraceSeconds)),
                actor: Access.actor(principal, request, context))
            let endpoint = try await store.endpoint(orgId: organization.id, id: id)
            return WebhookEndpointDTO(endpoint, secret: secret)
        }
        group.get("organizations/{slug}/webhooks/{id}/secret") { request, context in
            let (organization, _, _) = try await manage(request, context)
            return WebhookSecretDTO(
                secret: try await store.revealSecret(orgId: organization.id, id: try request.parameter("id", context)))
        }
        group.get("organizations/{slug}/webhooks/{id}/public-key") { request, context in
            let (organization, _, _) = try await manage(request, context)
            let id = try request.parameter("id", context)
            let endpoint = try await store.endpoint(orgId: organization.id, id: id)
            guard endpoint.signing == .v1a else {
                throw HeraldError(.notFound, "This endpoint signs with v1 (HMAC) and has no public key")
            }
            let privateKey: WebhookSigningKey
            do {
                privateKey = try WebhookSigningKey(parsing: try await store.revealSecret(orgId: organization.id, id: id))
            } catch let error as HeraldError where error.code == .invalidField {
                throw HeraldError(.internalError, "The stored signing key of the endpoint is unreadable", cause: error)
            }
            return WebhookPublicKeyDTO(privateKey.publicKey)
        }
    }

    /// The organization of the path, for a caller who may manage its webhooks (admin or owner).
    private func manage(_ request: Request, _ context: AdminRequestContext) async throws
        -> (Organization, Role, Principal)
    {
        try await access.organization(try request.parameter("slug", context), minimum: .admin, context)
    }

    /// Polls the delivery every 50 ms until its first attempt is recorded, it stops being pending, or
    /// ``testPingWait`` passes. - Returns: the first attempt, nil when none was made in time.
    private func firstAttempt(of delivery: WebhookDelivery, orgId: String) async throws -> JobAttempt? {
        let clock = ContinuousClock()
        let deadline = clock.now + testPingWait
        var current = delivery
        while current.attempts.isEmpty, current.status == .pending, clock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            current = try await store.delivery(orgId: orgId, endpointId: delivery.endpointId, id: delivery.id)
        }
        return current.attempts.min { $0.attempt < $1.attempt }
    }
}

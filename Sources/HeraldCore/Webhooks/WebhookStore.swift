import Foundation

/// Webhook endpoints, their sealed signing material, deliveries, and the fan-out of events into delivery jobs.
///
/// Mutations record their event (`webhook.endpoint.*`) in the same transaction, like every store.
public protocol WebhookStore: Sendable {
    /// Creates an endpoint with a new signing secret (v1) or key pair (v1a), sealed at rest.
    /// - Returns: the endpoint and its secret (`whsec_…`) or private key (`whsk_…`), shown once.
    func createEndpoint(orgId: String, _ endpoint: NewWebhookEndpoint, actor: Actor) async throws
        -> (WebhookEndpoint, String)
    /// The organization's endpoints, newest first.
    func endpoints(orgId: String) async throws -> [WebhookEndpoint]
    /// One endpoint of the organization. - Throws: `not_found` (also for another organization's endpoint).
    func endpoint(orgId: String, id: String) async throws -> WebhookEndpoint
    /// Applies a patch; enabling records `webhook.endpoint.enabled`, disabling `webhook.endpoint.disabled`,
    /// anything else `webhook.endpoint.updated` — one event per call.
    func updateEndpoint(orgId: String, id: String, _ patch: WebhookEndpointPatch, actor: Actor) async throws
        -> WebhookEndpoint
    /// Deletes the endpoint and cancels its pending deliveries.
    func deleteEndpoint(orgId: String, id: String, actor: Actor) async throws
    /// Replaces the signing secret; the previous one keeps signing alongside for `gracePeriod`.
    /// - Returns: the new secret (or private key), shown once.
    func rotateSecret(orgId: String, id: String, gracePeriod: Duration, actor: Actor) async throws -> String
    /// The current secret (`whsec_…`) or, for v1a, the private key (`whsk_…`): the explicit reveal.
    func revealSecret(orgId: String, id: String) async throws -> String
    /// The keys that sign an attempt now (current, and previous during its grace period).
    func signingKeys(endpointId: String) async throws -> SigningKeys

    /// Deliveries of an endpoint, newest first, optionally by status.
    func deliveries(orgId: String, endpointId: String, status: WebhookDeliveryStatus?, page: Int, limit: Int)
        async throws -> Page<WebhookDelivery>
    /// One delivery. - Throws: `not_found`.
    func delivery(orgId: String, endpointId: String, id: Int64) async throws -> WebhookDelivery
    /// Enqueues the delivery's body again as a new delivery (same event id, fresh attempts).
    func resend(orgId: String, endpointId: String, deliveryId: Int64, actor: Actor) async throws -> WebhookDelivery
    /// Enqueues a delivery of every matching event of the organization since `since` to this endpoint.
    /// - Returns: how many deliveries were enqueued.
    func replay(orgId: String, endpointId: String, since: Date, actor: Actor) async throws -> Int
    /// Enqueues a `webhook.test` ping to this endpoint only (not an event).
    func enqueueTestPing(orgId: String, endpointId: String) async throws -> WebhookDelivery

    /// Turns up to `batchSize` events after the fan-out cursor into delivery jobs (one per matching enabled
    /// endpoint), in one transaction with the cursor's move.
    /// - Returns: how many events were read (0: nothing new after the cursor) and how many jobs were enqueued.
    func fanOut(batchSize: Int) async throws -> FanOutResult
    /// Records an attempt's outcome for auto-disable: a success clears `failing_since`; a failure sets it when
    /// unset, and disables the endpoint (recording `webhook.endpoint.disabled`) once it is older than `window`.
    /// - Returns: true when this call disabled the endpoint.
    func recordOutcome(endpointId: String, success: Bool, disableAfter window: Duration, reason: String?)
        async throws -> Bool
    /// Disables an endpoint for a reason decided by delivery (410 Gone), recording `webhook.endpoint.disabled`.
    func disableEndpoint(endpointId: String, reason: String) async throws
    /// The endpoint by id alone, for the deliverer (nil when deleted).
    func endpointForDelivery(id: String) async throws -> WebhookEndpoint?
    /// The status of an organization, for holding a suspended organization's deliveries.
    func organizationStatus(orgId: String) async throws -> OrganizationStatus?
}

/// What one fan-out step did.
public struct FanOutResult: Sendable, Hashable {
    /// Events read after the cursor (the cursor moved past all of them); 0 when there was nothing new.
    public var eventsRead: Int
    /// Delivery jobs enqueued for them.
    public var jobsEnqueued: Int

    public init(eventsRead: Int, jobsEnqueued: Int) {
        self.eventsRead = eventsRead
        self.jobsEnqueued = jobsEnqueued
    }
}

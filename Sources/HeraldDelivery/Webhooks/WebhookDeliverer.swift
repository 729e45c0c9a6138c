import Foundation
import HeraldCore
import Logging

/// Delivers jobs of kind `webhook.delivery`: one signed POST of the job's exact body bytes to its endpoint.
///
/// The job's destination is the endpoint id and its payload the body (`{"id","type",…}`); `id` is the
/// `webhook-id`. On every attempt the deliverer
/// 1. loads the endpoint, its signing keys and its organization's status (through ``WebhookEndpointCache``; deleted
///    or disabled: the job is dead, so a replay after re-enabling sends again),
/// 2. holds a suspended organization's deliveries (`postpone`, not counted, not dropped),
/// 3. vets the URL with ``OutboundAddressGuard`` (a refusal is a failed attempt, retried per schedule),
/// 4. signs the bytes with the endpoint's active keys and this attempt's own timestamp,
/// 5. POSTs them through ``OutboundHTTPClients`` (pinned to the vetted address, no redirects, connect and
///    total timeouts) and reads up to 4 KiB of the answer as the attempt's excerpt.
///
/// 2xx is success; 410 Gone disables the endpoint and ends the job; 429/503 with `Retry-After` retry no
/// earlier than asked (the retry policy bounds it); anything else retries per schedule, and feeds the
/// endpoint's auto-disable window (a failure that disables it ends the job).
public struct WebhookDeliverer: JobHandler {
    /// How long a suspended organization's delivery waits before it is looked at again.
    public static let suspendedHold: Duration = .seconds(60)
    /// How long a delivery waits after the store could not be read.
    public static let storeErrorHold: Duration = .seconds(10)
    /// The most bytes of a response kept as the attempt's excerpt.
    public static let excerptLimit = 4096

    let store: any WebhookStore
    let configuration: WebhooksConfiguration
    let addressGuard: OutboundAddressGuard
    let clients: OutboundHTTPClients
    let cache: WebhookEndpointCache
    let logger: Logger
    let now: @Sendable () -> Date
    let metrics = WebhookMetrics()
    /// `Herald-Webhooks/<version>`.
    let userAgent: String

    /// - Parameters:
    ///   - store: endpoints, signing keys, organization status and auto-disable bookkeeping.
    ///   - configuration: timeouts and the auto-disable window (`webhooks.*`).
    ///   - addressGuard: the SSRF guard, with the `outbound.allowlist`.
    ///   - clients: the process's outbound HTTP clients (their connect timeout should be the configuration's).
    ///   - cache: endpoints between attempts; the store's commit hook must invalidate it (see its documentation).
    public init(
        store: any WebhookStore, configuration: WebhooksConfiguration, addressGuard: OutboundAddressGuard,
        clients: OutboundHTTPClients, cache: WebhookEndpointCache = WebhookEndpointCache(),
        logger: Logger = Logger(label: "herald.webhooks"), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.configuration = configuration
        self.addressGuard = addressGuard
        self.clients = clients
        self.cache = cache
        self.logger = logger
        self.now = now
        self.userAgent = "Herald-Webhooks/\(HeraldVersion.string)"
    }

    public func handle(_ lease: JobLease) async -> JobOutcome {
        let startedAt = now()
        let job = lease.job
        var logger = self.logger
        logger[metadataKey: "job.id"] = "\(job.id)"
        logger[metadataKey: "delivery.endpoint"] = "\(job.destination)"

        guard let identity = WebhookBodyIdentity(body: job.payload) else {
            return .dead(
                reason: "the delivery's body is not a webhook payload",
                JobAttempt(lease, startedAt: startedAt, now: now(), outcome: .dead,
                           error: "the delivery's body is not a JSON object with an id and a type"))
        }
        let target: WebhookEndpointCache.Target
        do {
            guard let found = try await loadTarget(job.destination) else {
                return notAttempted(lease, startedAt: startedAt, reason: "endpoint deleted")
            }
            target = found
        } catch {
            logger.error("cannot load the delivery's endpoint", metadata: ["error": "\(error)"])
            return .postpone(until: now().addingTimeInterval(Self.storeErrorHold.inSeconds))
        }
        let endpoint = target.endpoint
        guard endpoint.enabled else { return notAttempted(lease, startedAt: startedAt, reason: "endpoint disabled") }
        switch target.organizationStatus {
        case nil: return notAttempted(lease, startedAt: startedAt, reason: "organization deleted")
        case .suspended?: return .postpone(until: now().addingTimeInterval(Self.suspendedHold.inSeconds))
        default: break
        }

        let result = await send(job.payload, id: identity.id, to: endpoint, keys: target.keys, logger: logger)
        metrics.attempt(outcome: result.metricLabel, duration: .seconds(max(0, now().timeIntervalSince(startedAt))))
        let isLast = lease.attempt >= job.maxAttempts

        switch result.verdict {
        case .success:
            if endpoint.failingSince != nil {
                await recordOutcome(endpoint, success: true, reason: nil, logger: logger)
            }
            return .success(result.attempt(lease, startedAt: startedAt, now: now(), outcome: .success))
        case .gone:
            do {
                defer { cache.invalidate(endpoint.id) }
                try await store.disableEndpoint(endpointId: endpoint.id, reason: "410 Gone")
                metrics.endpointDisabled(reason: "gone")
                logger.notice("endpoint answered 410 Gone; disabled it")
            } catch {
                logger.error("cannot disable the endpoint after 410 Gone", metadata: ["error": "\(error)"])
            }
            return .dead(reason: "410 Gone", result.attempt(lease, startedAt: startedAt, now: now(), outcome: .dead))
        case .failure(let retryAfter, let timedOut):
            let reason = "every attempt failed for \(Self.describe(seconds: configuration.autoDisableAfterSeconds))"
                + " (last: \(result.error ?? "failure"))"
            if await recordOutcome(endpoint, success: false, reason: reason, logger: logger) {
                metrics.endpointDisabled(reason: "auto")
                logger.notice("endpoint disabled after failing for the auto-disable window")
                return .dead(
                    reason: "endpoint disabled: \(reason)",
                    result.attempt(lease, startedAt: startedAt, now: now(), outcome: .dead))
            }
            let outcome: JobAttempt.Outcome = isLast ? .dead : (timedOut ? .timeout : .failure)
            logger.debug("delivery attempt failed", metadata: ["error": "\(result.error ?? "")"])
            return .retry(after: retryAfter, result.attempt(lease, startedAt: startedAt, now: now(), outcome: outcome))
        }
    }

    /// The endpoint's `rate_limit_per_second` (its deliveries' destination is the endpoint id).
    public func limits(forDestination destination: String) async -> DestinationLimits {
        do {
            return DestinationLimits(ratePerSecond: try await loadTarget(destination)?.endpoint.rateLimitPerSecond)
        } catch {
            logger.error("cannot read the endpoint's rate limit", metadata: ["delivery.endpoint": "\(destination)", "error": "\(error)"])
            return DestinationLimits()
        }
    }

    /// The endpoint with its keys and organization status: cached, or read from the store (nil: it was deleted).
    func loadTarget(_ endpointId: String) async throws -> WebhookEndpointCache.Target? {
        if let cached = cache.target(endpointId) { return cached }
        let ticket = cache.ticket()
        guard let endpoint = try await store.endpointForDelivery(id: endpointId) else { return nil }
        let target = WebhookEndpointCache.Target(
            endpoint: endpoint, keys: try await store.signingKeys(endpointId: endpointId),
            organizationStatus: try await store.organizationStatus(orgId: endpoint.orgId))
        cache.keep(endpointId, target, ticket: ticket)
        return target
    }

    /// A job that ends without a request (its endpoint is gone or disabled): dead, with a record saying why.
    private func notAttempted(_ lease: JobLease, startedAt: Date, reason: String) -> JobOutcome {
        .dead(reason: reason, JobAttempt(lease, startedAt: startedAt, now: now(), outcome: .dead, error: reason))
    }

    /// Feeds auto-disable; answers whether this call disabled the endpoint.
    @discardableResult
    private func recordOutcome(_ endpoint: WebhookEndpoint, success: Bool, reason: String?, logger: Logger) async -> Bool {
        // The endpoint's failure bookkeeping changes without an event: read it afresh next time.
        defer { cache.invalidate(endpoint.id) }
        do {
            return try await store.recordOutcome(
                endpointId: endpoint.id, success: success, disableAfter: .seconds(configuration.autoDisableAfterSeconds),
                reason: reason)
        } catch {
            logger.error("cannot record the delivery outcome for auto-disable", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// `5 days`, `2 hours`, `90 seconds`.
    static func describe(seconds: Double) -> String {
        if seconds >= 86_400, seconds.truncatingRemainder(dividingBy: 86_400) == 0 {
            let days = Int(seconds / 86_400)
            return days == 1 ? "1 day" : "\(days) days"
        }
        if seconds >= 3600, seconds.truncatingRemainder(dividingBy: 3600) == 0 {
            let hours = Int(seconds / 3600)
            return hours == 1 ? "1 hour" : "\(hours) hours"
        }
        return "\(Int(seconds)) seconds"
    }
}

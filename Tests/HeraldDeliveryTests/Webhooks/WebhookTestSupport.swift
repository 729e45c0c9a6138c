import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStorage
import Logging
import Synchronization
import Testing

/// Real time moved by an offset that tests can advance (so that attempts get later timestamps).
final class OffsetClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)

    var now: Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    func advance(by seconds: TimeInterval) {
        offset.withLock { $0 += seconds }
    }
}

/// The real SQLite store (in memory, secrets sealed), its job store, the outbound clients and a clock.
struct DeliveryFixture {
    let database: SQLiteDatabase
    let store: SQLiteStore
    let jobs: SQLiteJobStore
    let clock: OffsetClock
    let clients: OutboundHTTPClients
    /// The deliverers' endpoint cache, invalidated by the store's commit hook as in the daemon.
    let cache = WebhookEndpointCache()

    init(
        maxAttempts: Int = 8, onEventsCommitted: (@Sendable () -> Void)? = nil,
        onJobsEnqueued: (@Sendable () -> Void)? = nil
    ) throws {
        let database = try SQLiteDatabase.inMemory()
        try database.migrate()
        let clock = OffsetClock()
        let sealer = SecretSealer(masterKey: try MasterKey(bytes: (0..<32).map { UInt8($0 &* 7) }))
        self.database = database
        self.clock = clock
        let cache = self.cache
        self.store = database.store(
            now: { clock.now }, sealer: sealer, webhookMaxAttempts: maxAttempts,
            onEventsCommitted: {
                cache.invalidateAll()
                onEventsCommitted?()
            }, onJobsEnqueued: onJobsEnqueued)
        self.jobs = SQLiteJobStore(database: database, now: { clock.now })
        self.clients = OutboundHTTPClients(connectTimeout: .seconds(2))
    }

    static func configuration(requestTimeout: Double = 5, autoDisableAfter: Double = 5 * 86_400) -> WebhooksConfiguration {
        var configuration = WebhooksConfiguration()
        configuration.requestTimeoutSeconds = requestTimeout
        configuration.connectTimeoutSeconds = min(2, requestTimeout)
        configuration.autoDisableAfterSeconds = autoDisableAfter
        return configuration
    }

    /// A deliverer over this fixture; loopback is allowed unless `allowList` says otherwise.
    func deliverer(
        allowList: [String] = ["127.0.0.0/8"], configuration: WebhooksConfiguration = configuration(),
        resolver: OutboundResolver = .system
    ) -> WebhookDeliverer {
        var logger = Logger(label: "test.webhooks")
        logger.logLevel = .critical
        let clock = self.clock
        return WebhookDeliverer(
            store: store, configuration: configuration,
            addressGuard: OutboundAddressGuard(allowList: CIDR.parseList(allowList).ranges, resolver: resolver),
            clients: clients, cache: cache, logger: logger, now: { clock.now })
    }

    /// An active organization and its owner's actor.
    func organization(_ slug: String = "acme") async throws -> (Organization, Actor) {
        let owner = try await store.ensureUser(email: "owner@\(slug).example", actor: .system)
        let actor = Actor(userId: owner.id, email: owner.email, ipAddress: "192.0.2.1", userAgent: "tests")
        let tierId = "tier-\(slug)"
        _ = try await store.createTier(
            NewTier(id: tierId, displayName: "Tier", maxServices: nil, maxUsers: nil, priceCents: 0), actor: .system)
        let organization = try await store.createOrganization(
            slug: slug, name: "Org \(slug)", owner: owner, autoApproveTierId: tierId, actor: actor)
        return (organization, actor)
    }

    /// An endpoint and its secret.
    func endpoint(
        _ orgId: String, _ actor: Actor, url: String, eventTypes: [String] = ["auth.*"],
        headers: [String: String] = [:]
    ) async throws -> (WebhookEndpoint, String) {
        try await store.createEndpoint(
            orgId: orgId, NewWebhookEndpoint(url: url, eventTypes: eventTypes, headers: headers), actor: actor)
    }

    /// Ingests `count` `auth.login.succeeded` events and fans them out; returns the event ids.
    @discardableResult
    func events(_ orgId: String, count: Int = 1) async throws -> [String] {
        let ids = try await store.ingest(
            (0..<count).map { n in
                IngestedEvent(
                    type: "auth.login.succeeded", orgId: orgId, userId: nil, email: nil, ipAddress: nil,
                    userAgent: nil, severity: .info, occurredAt: nil, data: ["n": .number(Double(n))])
            }, actor: .system, idempotencyKey: nil)
        while try await store.fanOut(batchSize: 500).eventsRead > 0 {}
        return ids
    }

    /// Claims the one due delivery job (at the clock's time, or later by `ahead` seconds).
    func claim(ahead: TimeInterval = 0) async throws -> JobLease {
        let leases = try await jobs.claim(
            limit: 1, owner: "test", leaseDuration: .seconds(60), now: clock.now.addingTimeInterval(ahead))
        return try #require(leases.first)
    }
}

extension JobOutcome {
    /// The attempt recorded by this outcome (nil for a postponement).
    var attempt: JobAttempt? {
        switch self {
        case .success(let attempt), .retry(_, let attempt), .dead(_, let attempt): attempt
        case .postpone: nil
        }
    }

    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }

    var retryAfter: Duration?? {
        if case .retry(let after, _) = self { return .some(after) }
        return nil
    }

    var deadReason: String? {
        if case .dead(let reason, _) = self { return reason }
        return nil
    }

    var postponedUntil: Date? {
        if case .postpone(let until) = self { return until }
        return nil
    }
}

/// Verifies a received request with HeraldCore's verifier (what a Standard Webhooks receiver does).
func verify(_ request: TestReceiver.Request, secret: String, now: Date) throws {
    let verifier = WebhookVerifier(keys: [.secret(try WebhookSecret(parsing: secret))])
    try verifier.verify(headers: request.headers, body: request.body, now: now)
}

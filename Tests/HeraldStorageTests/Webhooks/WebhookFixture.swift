import Foundation
import GRDB
import HeraldCore
import Testing

@testable import HeraldStorage

/// A migrated in-memory database with a store that seals secrets, a job store on the same database, and a test clock.
struct WebhookFixture {
    let base: Fixture
    let store: SQLiteStore
    let jobs: SQLiteJobStore
    let sealer: SecretSealer

    var database: SQLiteDatabase { base.database }
    var clock: TestClock { base.clock }

    init(
        maxAttempts: Int = 8, onEventsCommitted: (@Sendable () -> Void)? = nil,
        onJobsEnqueued: (@Sendable () -> Void)? = nil
    )
        throws
    {
        let base = try Fixture()
        let clock = base.clock
        let sealer = SecretSealer(masterKey: try MasterKey(bytes: (0..<32).map { UInt8($0) }))
        self.base = base
        self.sealer = sealer
        self.store = SQLiteStore(
            database: base.database, now: { clock.now }, sealer: sealer, webhookMaxAttempts: maxAttempts,
            onEventsCommitted: onEventsCommitted, onJobsEnqueued: onJobsEnqueued)
        self.jobs = SQLiteJobStore(database: base.database, now: { clock.now })
    }

    /// An active organization and its owner's actor.
    func organization(_ slug: String) async throws -> (Organization, Actor) {
        let (organization, _, actor) = try await base.organization(slug: slug, ownerEmail: "owner@\(slug).example")
        return (organization, actor)
    }

    func endpoint(
        _ orgId: String, _ actor: Actor, eventTypes: [String] = [], signing: WebhookSigningScheme = .v1,
        url: String = "https://hooks.example/\(Identifier.make())"
    ) async throws -> (WebhookEndpoint, String) {
        try await store.createEndpoint(
            orgId: orgId, NewWebhookEndpoint(url: url, eventTypes: eventTypes, signing: signing), actor: actor)
    }

    /// Ingests events of `types` into `orgId` (nil: platform-level), `occurredAt` each when given.
    @discardableResult
    func ingest(_ types: [String], orgId: String?, occurredAt: Date? = nil) async throws -> [String] {
        try await store.ingest(
            types.map {
                IngestedEvent(
                    type: $0, orgId: orgId, userId: nil, email: nil, ipAddress: nil, userAgent: nil, severity: .info,
                    occurredAt: occurredAt, data: ["n": 1])
            },
            actor: .system, idempotencyKey: nil)
    }

    /// Fans out until nothing is left; returns the jobs enqueued.
    @discardableResult
    func drain(batchSize: Int = 1_000) async throws -> Int {
        var total = 0
        while true {
            let step = try await store.fanOut(batchSize: batchSize)
            total += step.jobsEnqueued
            if step.eventsRead == 0 { return total }
        }
    }

    func cursor() async throws -> Int64 {
        try await database.writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT position FROM cursors WHERE name = 'webhooks'") ?? -1
        }
    }

    /// Webhook jobs as (destination, event id) pairs.
    func deliveryPairs() async throws -> [(endpoint: String, event: String)] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT endpoint_id, event_id FROM webhook_deliveries ORDER BY job_id").map {
                ($0["endpoint_id"], $0["event_id"])
            }
        }
    }

    func payload(jobId: Int64) async throws -> Data? {
        try await jobs.job(id: jobId)?.payload
    }
}

extension WebhookKey {
    /// The secret's text form, for comparisons.
    var text: String {
        switch self {
        case .symmetric(let secret): secret.encoded
        case .asymmetric(let key): key.encoded
        }
    }
}

import Foundation
import GRDB
import HeraldCore
import Synchronization
import Testing

@testable import HeraldStorage

@Suite struct WebhookFanOutTests {
    @Test func eventsGoToEveryMatchingEnabledEndpointOfTheirOrganization() async throws {
        let fixture = try WebhookFixture()
        let (acme, acmeActor) = try await fixture.organization("acme")
        let (globex, globexActor) = try await fixture.organization("globex")
        let (exact, _) = try await fixture.endpoint(acme.id, acmeActor, eventTypes: ["auth.login.succeeded"])
        let (prefix, _) = try await fixture.endpoint(acme.id, acmeActor, eventTypes: ["auth.*"])
        let (all, _) = try await fixture.endpoint(acme.id, acmeActor)
        let (disabled, _) = try await fixture.endpoint(acme.id, acmeActor)
        _ = try await fixture.store.updateEndpoint(
            orgId: acme.id, id: disabled.id, WebhookEndpointPatch(enabled: false), actor: acmeActor)
        let (other, _) = try await fixture.endpoint(globex.id, globexActor, eventTypes: ["auth.*"])
        try await fixture.drain()
        let before = try await fixture.base.count("SELECT COUNT(*) FROM jobs")

        let acmeIds = try await fixture.ingest(
            ["auth.login.succeeded", "auth.mfa.failed", "service.created"], orgId: acme.id)
        let globexIds = try await fixture.ingest(["auth.logout"], orgId: globex.id)
        try await fixture.ingest(["auth.logout"], orgId: nil)

        #expect(try await fixture.store.fanOut(batchSize: 100).jobsEnqueued == 7)
        let pairs = try await fixture.deliveryPairs().suffix(7)
        let got = Set(pairs.map { "\($0.endpoint) \($0.event)" })
        let expected: Set<String> = [
            "\(exact.id) \(acmeIds[0])", "\(prefix.id) \(acmeIds[0])", "\(all.id) \(acmeIds[0])",
            "\(prefix.id) \(acmeIds[1])", "\(all.id) \(acmeIds[1])", "\(all.id) \(acmeIds[2])",
            "\(other.id) \(globexIds[0])",
        ]
        #expect(got == expected)
        #expect(try await fixture.base.count("SELECT COUNT(*) FROM jobs") == before + 7)
        #expect(try await fixture.base.count("SELECT COUNT(*) FROM jobs WHERE destination = ?", [disabled.id]) == 0)

        // Job rows: webhook.delivery, org, destination, body bytes, max attempts, fan-out unique key.
        let job = try #require(
            try await fixture.jobs.list(JobFilter(destination: exact.id), page: 1, limit: 10).jobs.first)
        #expect(job.kind == .webhookDelivery && job.orgId == acme.id && job.state == .available)
        #expect(job.maxAttempts == 8 && job.attempts == 0)
        #expect(job.uniqueKey == "webhook:\(exact.id):\(acmeIds[0])")
        let event = try #require(try await fixture.store.events(after: 0, limit: 10_000).first { $0.id == acmeIds[0] })
        #expect(job.payload == (try WebhookPayload.body(for: event)))
        let body = try JSONDecoder().decode([String: JSONValue].self, from: job.payload)
        #expect(body["id"] == .string(acmeIds[0]) && body["type"] == .string("auth.login.succeeded"))
        #expect(body["org_id"] == .string(acme.id) && body["data"] == .object(["n": 1]))

        // The cursor is at the last event, and another run finds nothing new.
        #expect(try await fixture.cursor() == Int64(try await fixture.base.count("SELECT MAX(seq) FROM events")))
        #expect(try await fixture.store.fanOut(batchSize: 100) == FanOutResult(eventsRead: 0, jobsEnqueued: 0))
        // Even from an older cursor (a crash between commit and acknowledgement), pending pairs are not enqueued twice.
        try await fixture.database.writer.write { db in
            try db.execute(sql: "UPDATE cursors SET position = 0 WHERE name = 'webhooks'")
        }
        try await fixture.drain()
        #expect(try await fixture.base.count("SELECT COUNT(*) FROM jobs") == before + 7)
    }

    @Test func cursorMovesPastEventsNoEndpointWants() async throws {
        let fixture = try WebhookFixture()
        let (acme, _) = try await fixture.organization("acme")
        try await fixture.drain()
        try await fixture.ingest(Array(repeating: "auth.logout", count: 5), orgId: acme.id)
        let last = Int64(try await fixture.base.count("SELECT MAX(seq) FROM events"))
        #expect(try await fixture.store.fanOut(batchSize: 3) == FanOutResult(eventsRead: 3, jobsEnqueued: 0))
        #expect(try await fixture.cursor() == last - 2)
        #expect(try await fixture.store.fanOut(batchSize: 3) == FanOutResult(eventsRead: 2, jobsEnqueued: 0))
        #expect(try await fixture.cursor() == last)
        #expect(try await fixture.store.fanOut(batchSize: 3) == FanOutResult(eventsRead: 0, jobsEnqueued: 0))
        #expect(try await fixture.cursor() == last)
    }

    @Test func fiveThousandEventsToTwoEndpoints() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        _ = try await fixture.endpoint(acme.id, actor, eventTypes: ["auth.*"])
        _ = try await fixture.endpoint(acme.id, actor, eventTypes: ["auth.login.succeeded"])
        try await fixture.drain()
        try await fixture.ingest(Array(repeating: "auth.login.succeeded", count: 5_000), orgId: acme.id)
        let clock = ContinuousClock()
        var enqueued = 0
        let elapsed = try await clock.measure {
            enqueued = try await fixture.store.fanOut(batchSize: 5_000).jobsEnqueued
        }
        print("fan-out of 5,000 events × 2 endpoints: \(elapsed)")
        #expect(enqueued == 10_000)
        #expect(try await fixture.base.count("SELECT COUNT(*) FROM webhook_deliveries") == 10_000)
        #expect(try await fixture.base.count("SELECT COUNT(DISTINCT event_id) FROM webhook_deliveries") == 5_000)
        #expect(elapsed < .seconds(20), "debug builds are slow; release is far below a second")
    }

    @Test func deliveryStatusIsDerivedFromTheJob() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        let (endpoint, _) = try await fixture.endpoint(acme.id, actor, eventTypes: ["auth.*"])
        try await fixture.drain()
        try await fixture.ingest(Array(repeating: "auth.logout", count: 5), orgId: acme.id)
        #expect(try await fixture.store.fanOut(batchSize: 100).jobsEnqueued == 5)
        func list(_ status: WebhookDeliveryStatus? = nil) async throws -> Page<WebhookDelivery> {
            try await fixture.store.deliveries(
                orgId: acme.id, endpointId: endpoint.id, status: status, page: 1, limit: 50)
        }
        let initial = try await list()
        #expect(initial.total == 5 && initial.items.allSatisfy { $0.status == .pending && $0.attempts.isEmpty })
        #expect(initial.items.map(\.id) == initial.items.map(\.id).sorted(by: >))

        let leases = try await fixture.jobs.claim(
            limit: 4, owner: "w", leaseDuration: .seconds(60), now: fixture.clock.now)
        #expect(leases.count == 4)
        let now = fixture.clock.now
        func attempt(_ lease: JobLease, _ outcome: JobAttempt.Outcome, _ status: Int) -> JobAttempt {
            JobAttempt(
                lease, startedAt: now, now: now.addingTimeInterval(0.25), outcome: outcome, statusCode: status,
                error: outcome == .success ? nil : "HTTP \(status)", responseExcerpt: "body")
        }
        #expect(try await fixture.jobs.ack(leases[0], attempt: attempt(leases[0], .success, 200)))
        #expect(
            try await fixture.jobs.retry(
                leases[1], at: now.addingTimeInterval(300), attempt: attempt(leases[1], .failure, 503)))
        #expect(try await fixture.jobs.dead(leases[2], attempt: attempt(leases[2], .dead, 410), reason: "gone"))
        // leases[3] stays leased; the fifth job was never claimed.

        func one(_ id: Int64) async throws -> WebhookDelivery {
            try await fixture.store.delivery(orgId: acme.id, endpointId: endpoint.id, id: id)
        }
        let succeeded = try await one(leases[0].job.id)
        #expect(succeeded.status == .succeeded && succeeded.nextAttemptAt == nil)
        #expect(succeeded.attempts.map(\.statusCode) == [200] && succeeded.attempts[0].responseExcerpt == "body")
        #expect(succeeded.attempts[0].duration == .milliseconds(250))
        let failed = try await one(leases[1].job.id)
        #expect(failed.status == .failed && failed.nextAttemptAt == now.addingTimeInterval(300))
        #expect(failed.attempts.map(\.error) == ["HTTP 503"])
        #expect(try await one(leases[2].job.id).status == .dead)
        #expect(try await one(leases[3].job.id).status == .pending)
        #expect(try await list(.pending).total == 2)
        #expect(try await list(.succeeded).items.map(\.id) == [leases[0].job.id])
        #expect(try await list(.failed).items.map(\.id) == [leases[1].job.id])
        #expect(try await list(.dead).items.map(\.id) == [leases[2].job.id])

        // A failed delivery retried and leased again is pending; an expired lease after a failure is failed.
        fixture.clock.advance(by: 301)
        let again = try await fixture.jobs.claim(
            limit: 10, owner: "w", leaseDuration: .seconds(1), now: fixture.clock.now)
        #expect(again.map(\.job.id).contains(leases[1].job.id))
        #expect(try await one(leases[1].job.id).status == .pending)
        _ = try await fixture.jobs.rescueExpiredLeases(now: fixture.clock.now.addingTimeInterval(3600))
        #expect(try await one(leases[1].job.id).status == .failed)
        // Cancelled counts as dead.
        #expect(try await fixture.jobs.cancel(id: leases[3].job.id))
        #expect(try await one(leases[3].job.id).status == .dead)
        // Pages.
        let page2 = try await fixture.store.deliveries(
            orgId: acme.id, endpointId: endpoint.id, status: nil, page: 2, limit: 2)
        #expect(page2.total == 5 && page2.items.map(\.id) == Array(initial.items.map(\.id)[2..<4]))
    }

    @Test func resendEnqueuesTheSameBytesAsANewDelivery() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        let (endpoint, _) = try await fixture.endpoint(acme.id, actor, eventTypes: ["auth.*"])
        try await fixture.drain()
        try await fixture.ingest(["auth.logout"], orgId: acme.id)
        try await fixture.drain()
        let original = try #require(
            try await fixture.store.deliveries(orgId: acme.id, endpointId: endpoint.id, status: nil, page: 1, limit: 1)
                .items.first)
        let lease = try #require(
            try await fixture.jobs.claim(limit: 1, owner: "w", leaseDuration: .seconds(60), now: fixture.clock.now)
                .first)
        _ = try await fixture.jobs.dead(
            lease, attempt: JobAttempt(lease, startedAt: fixture.clock.now, outcome: .dead), reason: "x")

        let resent = try await fixture.store.resend(
            orgId: acme.id, endpointId: endpoint.id, deliveryId: original.id, actor: actor)
        #expect(
            resent.id != original.id && resent.eventId == original.eventId && resent.eventType == original.eventType)
        #expect(resent.status == .pending && resent.attempts.isEmpty)
        #expect(try await fixture.payload(jobId: resent.id) == (try await fixture.payload(jobId: original.id)))
        #expect(try await fixture.jobs.job(id: resent.id)?.uniqueKey == nil)
        // Twice in a row: two deliveries.
        let again = try await fixture.store.resend(
            orgId: acme.id, endpointId: endpoint.id, deliveryId: original.id, actor: actor)
        #expect(again.id != resent.id)
        #expect(
            try await fixture.store.deliveries(orgId: acme.id, endpointId: endpoint.id, status: nil, page: 1, limit: 10)
                .total == 3)
    }

    @Test func replayEnqueuesTheWantedEventsSinceADate() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        let (globex, _) = try await fixture.organization("globex")
        let (endpoint, _) = try await fixture.endpoint(acme.id, actor, eventTypes: ["auth.*"])
        try await fixture.drain()
        let start = fixture.clock.now
        try await fixture.ingest(["auth.logout"], orgId: acme.id, occurredAt: start.addingTimeInterval(-3600))
        let recent = try await fixture.ingest(
            ["auth.logout", "auth.login.failed", "service.created"], orgId: acme.id,
            occurredAt: start.addingTimeInterval(10))
        try await fixture.ingest(["auth.logout"], orgId: globex.id, occurredAt: start.addingTimeInterval(10))
        try await fixture.drain()
        let fannedOut = try await fixture.base.count("SELECT COUNT(*) FROM webhook_deliveries")
        #expect(fannedOut == 3)

        let count = try await fixture.store.replay(orgId: acme.id, endpointId: endpoint.id, since: start, actor: actor)
        #expect(count == 2)
        let events = try await fixture.database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT event_id FROM webhook_deliveries ORDER BY job_id DESC LIMIT 2")
        }
        #expect(Set(events) == Set(recent.prefix(2)))
        #expect(
            try await fixture.store.replay(orgId: acme.id, endpointId: endpoint.id, since: .distantPast, actor: actor)
                == 3)
    }

    @Test func testPingIsADeliveryButNotAnEvent() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        let (endpoint, _) = try await fixture.endpoint(acme.id, actor, eventTypes: ["member.added"])
        let events = try await fixture.base.eventCount()
        let ping = try await fixture.store.enqueueTestPing(orgId: acme.id, endpointId: endpoint.id)
        #expect(try await fixture.base.eventCount() == events)
        #expect(ping.eventType == "webhook.test" && ping.eventId.hasPrefix("test_") && ping.status == .pending)
        let job = try #require(try await fixture.jobs.job(id: ping.id))
        #expect(
            job.kind == .webhookDelivery && job.destination == endpoint.id && job.orgId == acme.id
                && job.uniqueKey == nil)
        let body = try JSONDecoder().decode([String: JSONValue].self, from: job.payload)
        #expect(
            body["id"] == .string(ping.eventId) && body["type"] == "webhook.test" && body["org_id"] == .string(acme.id))
        #expect(body["data"] == .object(["message": "This is a test ping from Herald"]))
        #expect(try await fixture.store.delivery(orgId: acme.id, endpointId: endpoint.id, id: ping.id) == ping)
        #expect(try await fixture.store.fanOut(batchSize: 100).jobsEnqueued == 0)
    }

    @Test func autoDisableAfterTheWindowOfFailures() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        let (endpoint, _) = try await fixture.endpoint(acme.id, actor)
        let store = fixture.store
        let window = Duration.seconds(5 * 86_400)
        #expect(
            try await !store.recordOutcome(endpointId: endpoint.id, success: false, disableAfter: window, reason: nil))
        let marked = try await store.endpoint(orgId: acme.id, id: endpoint.id)
        #expect(marked.failingSince == fixture.clock.now && marked.enabled)
        // A success clears failing_since; the next failure starts the window again.
        fixture.clock.advance(by: 86_400)
        #expect(
            try await !store.recordOutcome(endpointId: endpoint.id, success: true, disableAfter: window, reason: nil))
        #expect(try await store.endpoint(orgId: acme.id, id: endpoint.id).failingSince == nil)
        #expect(
            try await !store.recordOutcome(endpointId: endpoint.id, success: false, disableAfter: window, reason: nil))
        let start = fixture.clock.now
        fixture.clock.advance(by: 5 * 86_400 - 1)
        let events = try await fixture.base.eventCount()
        #expect(
            try await !store.recordOutcome(endpointId: endpoint.id, success: false, disableAfter: window, reason: nil))
        #expect(try await fixture.base.eventCount() == events)
        fixture.clock.advance(by: 1)
        let (disabledNow, event) = try await fixture.base.expectOneEvent(.webhookEndpointDisabled) {
            try await store.recordOutcome(endpointId: endpoint.id, success: false, disableAfter: window, reason: nil)
        }
        #expect(disabledNow)
        #expect(event.actorEmail == "system" && event.actorId == nil && event.orgId == acme.id)
        let disabled = try await store.endpoint(orgId: acme.id, id: endpoint.id)
        #expect(!disabled.enabled && disabled.failingSince == start)
        #expect(disabled.disabledReason?.contains("failed") == true)
        // Already disabled: nothing more.
        #expect(
            try await !store.recordOutcome(endpointId: endpoint.id, success: false, disableAfter: window, reason: nil))
        #expect(try await fixture.base.eventCount() == events + 1)
        // Enabling clears the reason and failing_since.
        let enabled = try await store.updateEndpoint(
            orgId: acme.id, id: endpoint.id, WebhookEndpointPatch(enabled: true), actor: actor)
        #expect(enabled.enabled && enabled.disabledReason == nil && enabled.failingSince == nil)
        // Unknown endpoint: nothing.
        #expect(try await !store.recordOutcome(endpointId: "gone", success: false, disableAfter: window, reason: nil))
    }

    @Test func goneDisablesOnceWithItsReason() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        let (endpoint, _) = try await fixture.endpoint(acme.id, actor)
        try await fixture.base.expectOneEvent(.webhookEndpointDisabled) {
            try await fixture.store.disableEndpoint(endpointId: endpoint.id, reason: "the endpoint answered 410 Gone")
        }
        let disabled = try await fixture.store.endpoint(orgId: acme.id, id: endpoint.id)
        #expect(!disabled.enabled && disabled.disabledReason == "the endpoint answered 410 Gone")
        let events = try await fixture.base.eventCount()
        try await fixture.store.disableEndpoint(endpointId: endpoint.id, reason: "again")
        try await fixture.store.disableEndpoint(endpointId: "unknown", reason: "again")
        #expect(try await fixture.base.eventCount() == events)
        // Disabled endpoints get no new deliveries.
        try await fixture.ingest(["auth.logout"], orgId: acme.id)
        #expect(try await fixture.drain() == 0)
    }

    @Test func deletingAnEndpointCancelsItsPendingJobs() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        let (endpoint, _) = try await fixture.endpoint(acme.id, actor, eventTypes: ["auth.*"])
        let (kept, _) = try await fixture.endpoint(acme.id, actor, eventTypes: ["auth.*"])
        try await fixture.ingest(["auth.logout", "auth.logout"], orgId: acme.id)
        #expect(try await fixture.drain() == 4)
        try await fixture.store.deleteEndpoint(orgId: acme.id, id: endpoint.id, actor: actor)
        #expect(
            try await fixture.base.count(
                "SELECT COUNT(*) FROM jobs WHERE destination = ? AND state = 'cancelled'", [endpoint.id]) == 2)
        #expect(
            try await fixture.base.count("SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = ?", [endpoint.id])
                == 0)
        #expect(
            try await fixture.base.count(
                "SELECT COUNT(*) FROM jobs WHERE destination = ? AND state = 'available'", [kept.id]) == 2)
    }

    @Test func deletingAnOrganizationRemovesItsEndpointsDeliveriesAndJobs() async throws {
        let fixture = try WebhookFixture()
        let (acme, actor) = try await fixture.organization("acme")
        let (globex, globexActor) = try await fixture.organization("globex")
        _ = try await fixture.endpoint(acme.id, actor)
        _ = try await fixture.endpoint(globex.id, globexActor)
        try await fixture.ingest(["auth.logout"], orgId: acme.id)
        try await fixture.ingest(["auth.logout"], orgId: globex.id)
        try await fixture.drain()
        _ = try await fixture.jobs.enqueue(NewJob(kind: .mailSend, orgId: acme.id, destination: "smtp", maxAttempts: 3))
        let lease = try #require(
            try await fixture.jobs.claim(limit: 100, owner: "w", leaseDuration: .seconds(60), now: fixture.clock.now)
                .first { $0.job.orgId == acme.id })
        _ = try await fixture.jobs.retry(
            lease, at: fixture.clock.now, attempt: JobAttempt(lease, startedAt: fixture.clock.now, outcome: .failure))
        let globexJobs = try await fixture.base.count("SELECT COUNT(*) FROM jobs WHERE org_id = ?", [globex.id])
        #expect(globexJobs > 0)

        let (owner, _) = try await fixture.base.platformOwner()
        try await fixture.base.store.deleteOrganization(id: acme.id, actor: Fixture.actor(owner))
        #expect(try await fixture.base.count("SELECT COUNT(*) FROM webhook_endpoints WHERE org_id = ?", [acme.id]) == 0)
        #expect(
            try await fixture.base.count("SELECT COUNT(*) FROM webhook_deliveries WHERE org_id = ?", [acme.id]) == 0)
        #expect(try await fixture.base.count("SELECT COUNT(*) FROM jobs WHERE org_id = ?", [acme.id]) == 0)
        #expect(
            try await fixture.base.count("SELECT COUNT(*) FROM job_attempts WHERE job_id NOT IN (SELECT id FROM jobs)")
                == 0)
        #expect(try await fixture.base.count("SELECT COUNT(*) FROM jobs WHERE org_id = ?", [globex.id]) == globexJobs)
        #expect(
            try await fixture.base.count("SELECT COUNT(*) FROM webhook_endpoints WHERE org_id = ?", [globex.id]) == 1)
    }

    @Test func hooksFireAfterCommitsThatInsertedEventsOrJobs() async throws {
        let eventCommits = Mutex(0)
        let jobCommits = Mutex(0)
        let fixture = try WebhookFixture(
            onEventsCommitted: { eventCommits.withLock { $0 += 1 } },
            onJobsEnqueued: { jobCommits.withLock { $0 += 1 } })
        let (acme, actor) = try await fixture.organization("acme")
        let afterSetup = eventCommits.withLock { $0 }
        #expect(afterSetup > 0)
        _ = try await fixture.endpoint(acme.id, actor)
        #expect(eventCommits.withLock { $0 } == afterSetup + 1)
        #expect(jobCommits.withLock { $0 } == 0)
        // Fan-out inserts jobs, not events: it does not wake itself.
        #expect(try await fixture.store.fanOut(batchSize: 100).jobsEnqueued > 0)
        #expect(eventCommits.withLock { $0 } == afterSetup + 1)
        #expect(jobCommits.withLock { $0 } == 1)
        #expect(try await fixture.store.fanOut(batchSize: 100).jobsEnqueued == 0)
        #expect(jobCommits.withLock { $0 } == 1)
        // A refused mutation (rolled back) wakes nothing.
        _ = try? await fixture.endpoint("no-such-org", actor)
        #expect(eventCommits.withLock { $0 } == afterSetup + 1)
    }

    @Test func eventsHookAloneFiresOncePerCommit() async throws {
        let commits = Mutex(0)
        let fixture = try WebhookFixture(onEventsCommitted: { commits.withLock { $0 += 1 } })
        let (acme, _) = try await fixture.organization("acme")
        let before = commits.withLock { $0 }
        try await fixture.ingest(["auth.logout", "auth.logout", "auth.logout"], orgId: acme.id)
        #expect(commits.withLock { $0 } == before + 1)
        _ = try await fixture.jobs.enqueue(NewJob(kind: .mailSend, orgId: acme.id, destination: "smtp", maxAttempts: 1))
        #expect(commits.withLock { $0 } == before + 1)
    }
}

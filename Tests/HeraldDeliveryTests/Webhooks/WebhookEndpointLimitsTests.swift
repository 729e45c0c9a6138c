import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStorage
import Testing

/// An endpoint's own `rate_limit_per_second` and `ordered`, through the real deliverer, job processor and receiver.
@Suite("webhook endpoint limits")
struct WebhookEndpointLimitsTests {
    /// Runs the processor with the fixture's deliverer (retries after 200 ms) while `body` runs.
    func withDeliveries(_ fixture: DeliveryFixture, _ body: () async throws -> Void) async throws {
        let policy = RetryPolicy(schedule: Array(repeating: .milliseconds(200), count: 5), jitter: 0)
        let processor = JobProcessor(
            store: fixture.jobs,
            kinds: [.webhookDelivery: JobKindConfiguration(handler: fixture.deliverer(), concurrency: 16, retryPolicy: policy)],
            configuration: JobDispatcherConfiguration(
                maxIdle: .milliseconds(100),
                destination: DestinationGate.Configuration(concurrencyCap: 16, failureThreshold: 100)))
        try await withProcessor(processor, body)
        await fixture.clients.shutdown()
    }

    @Test("an endpoint's rate limit spaces its deliveries; another endpoint is not held back")
    func rateLimit() async throws {
        let fixture = try DeliveryFixture()
        let receiver = try await TestReceiver.start(status: 200)
        defer { Task { await receiver.stop() } }
        let (organization, actor) = try await fixture.organization()
        let (limitedEndpoint, _) = try await fixture.store.createEndpoint(
            orgId: organization.id,
            NewWebhookEndpoint(url: receiver.url + "?limited", eventTypes: ["auth.*"], rateLimitPerSecond: 4), actor: actor)
        let (freeEndpoint, _) = try await fixture.endpoint(organization.id, actor, url: receiver.url + "?free")
        try await fixture.events(organization.id, count: 10)
        try await withDeliveries(fixture) {
            let done = await eventually(timeout: .seconds(15)) { receiver.count >= 20 }
            #expect(done, "\(receiver.count) of 20")
        }
        // When each attempt started, as the delivery log records it (arrival times at the receiver would add the
        // connections' own latency to the spacing).
        func starts(_ endpoint: WebhookEndpoint) async throws -> [Date] {
            var starts: [Date] = []
            for job in try await fixture.jobs.list(JobFilter(destination: endpoint.id), page: 1, limit: 100).jobs {
                starts += try await fixture.jobs.attempts(jobId: job.id).map(\.startedAt)
            }
            return starts.sorted()
        }
        let limited = try await starts(limitedEndpoint)
        let free = try await starts(freeEndpoint)
        #expect(limited.count == 10 && free.count == 10)
        for index in limited.indices where index + 4 < limited.count {
            #expect(limited[index + 4].timeIntervalSince(limited[index]) >= 0.8, "5 attempts within a second at \(index)")
        }
        #expect(limited.last!.timeIntervalSince(limited.first!) >= 1.9, "10 attempts at 4/s span two seconds")
        // The limit is the endpoint's own: the other endpoint gets more than four in a second.
        #expect(free.indices.contains { $0 + 4 < free.count && free[$0 + 4].timeIntervalSince(free[$0]) < 1 })
    }

    @Test("an ordered endpoint gets its events in order, one at a time, a failed one retried before the next")
    func ordered() async throws {
        let fixture = try DeliveryFixture()
        // The first request (the first event's first attempt) fails; every later one succeeds.
        let receiver = try await TestReceiver.start { _, number in .respond(status: number == 1 ? 503 : 200) }
        defer { Task { await receiver.stop() } }
        let (organization, actor) = try await fixture.organization()
        _ = try await fixture.store.createEndpoint(
            orgId: organization.id, NewWebhookEndpoint(url: receiver.url, eventTypes: ["auth.*"], ordered: true),
            actor: actor)
        let ids = try await fixture.events(organization.id, count: 12)
        try await withDeliveries(fixture) {
            let done = await eventually(timeout: .seconds(15)) { receiver.count >= 13 }
            #expect(done, "\(receiver.count) of 13")
        }
        let received = receiver.received.compactMap { $0.headers["webhook-id"] }
        #expect(received == [ids[0]] + ids, "the first event twice (503, then 200), then the rest in order")
    }
}

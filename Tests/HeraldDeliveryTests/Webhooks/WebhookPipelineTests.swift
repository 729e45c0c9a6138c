import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStorage
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// Events → fan-out service → job processor → deliverer → receiver, in one process, woken by the store's hooks.
@Suite("webhook pipeline")
struct WebhookPipelineTests {
    @Test("events committed are fanned out and delivered at once, each verified, to every matching endpoint")
    func eventsReachEveryEndpoint() async throws {
        let signal = FanOutService.Signal()
        let dispatcher = Mutex<JobDispatcher?>(nil)
        let fixture = try DeliveryFixture(
            onEventsCommitted: { signal.notify() }, onJobsEnqueued: { dispatcher.withLock { $0 }?.wake() })
        let receiver = try await TestReceiver.start(status: 200)
        defer { Task { await receiver.stop() } }
        let (organization, actor) = try await fixture.organization()
        let (_, secretA) = try await fixture.endpoint(organization.id, actor, url: receiver.url + "?a")
        let (_, secretB) = try await fixture.endpoint(organization.id, actor, url: receiver.url + "?b")
        let (_, _) = try await fixture.endpoint(organization.id, actor, url: receiver.url + "?c", eventTypes: ["scim.*"])

        let processor = JobProcessor(
            store: fixture.jobs,
            kinds: [.webhookDelivery: JobKindConfiguration(handler: fixture.deliverer(), concurrency: 8, retryPolicy: .webhook)],
            configuration: JobDispatcherConfiguration(maxIdle: .seconds(60)))
        dispatcher.withLock { $0 = processor.dispatcher }
        // An interval of a minute: only the commit hook can make the fan-out run in time.
        let fanOut = FanOutService(
            store: fixture.store, signal: signal, wakeDeliveries: processor.dispatcher.wake, interval: .seconds(60))
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [.init(service: processor), .init(service: fanOut)], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(200))
            let ids = try await fixture.store.ingest(
                (0..<25).map { _ in
                    IngestedEvent(
                        type: "auth.logout", orgId: organization.id, userId: nil, email: nil, ipAddress: nil,
                        userAgent: nil, severity: .info, occurredAt: nil, data: [:])
                }, actor: .system, idempotencyKey: nil)
            let delivered = await eventually(timeout: .seconds(15)) { receiver.count >= 50 }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            #expect(delivered, "\(receiver.count) of 50")
            let requests = receiver.received
            #expect(requests.count == 50)
            for request in requests {
                let secret = request.path.hasSuffix("?a") ? secretA : secretB
                #expect(throws: Never.self) { try verify(request, secret: secret, now: Date()) }
            }
            for path in ["/hooks?a", "/hooks?b"] {
                #expect(Set(requests.filter { $0.path == path }.compactMap { $0.headers["webhook-id"] }) == Set(ids))
            }
        }
        #expect(try await fixture.jobs.list(JobFilter(state: .succeeded), page: 1, limit: 1).total == 50)
        await fixture.clients.shutdown()
    }
}

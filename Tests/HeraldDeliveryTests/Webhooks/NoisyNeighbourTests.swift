import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStorage
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// One organization's endpoint that never answers does not hold back another organization's deliveries.
@Suite("noisy neighbour")
struct NoisyNeighbourTests {
    @Test("B's 1,000 events are all delivered before A's first attempt (of 1,000 queued first) times out")
    func hangingEndpointDoesNotDelayOthers() async throws {
        let events = 1_000
        let signal = FanOutService.Signal()
        let dispatcher = Mutex<JobDispatcher?>(nil)
        let fixture = try DeliveryFixture(
            onEventsCommitted: { signal.notify() }, onJobsEnqueued: { dispatcher.withLock { $0 }?.wake() })
        let receiver = try await TestReceiver.start { request, _ in
            request.path.hasPrefix("/a") ? .hang : .respond(status: 204)
        }
        defer { Task { await receiver.stop() } }
        let (orgA, actorA) = try await fixture.organization("org-a")
        let (orgB, actorB) = try await fixture.organization("org-b")
        let (endpointA, _) = try await fixture.endpoint(orgA.id, actorA, url: "http://127.0.0.1:\(receiver.port)/a")
        _ = try await fixture.endpoint(orgB.id, actorB, url: "http://127.0.0.1:\(receiver.port)/b")
        // A's backlog is queued first.
        let aIds = try await fixture.events(orgA.id, count: events)
        #expect(aIds.count == events)

        let processor = JobProcessor(
            store: fixture.jobs,
            kinds: [
                .webhookDelivery: JobKindConfiguration(
                    handler: fixture.deliverer(configuration: DeliveryFixture.configuration(requestTimeout: 30)),
                    concurrency: 64, retryPolicy: .webhook)
            ],
            configuration: JobDispatcherConfiguration(
                maxIdle: .seconds(60), shutdownDeadline: .milliseconds(100),
                destination: DestinationGate.Configuration(concurrencyCap: 4)))
        dispatcher.withLock { $0 = processor.dispatcher }
        let fanOut = FanOutService(store: fixture.store, signal: signal, wakeDeliveries: processor.dispatcher.wake)
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: processor), .init(service: fanOut)], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // A's endpoint holds its cap of connections, never answering.
            let saturated = await eventually(timeout: .seconds(10)) { receiver.received.filter { $0.path == "/a" }.count == 4 }
            #expect(saturated)

            let start = ContinuousClock.now
            let ingestedAt = Date()
            _ = try await fixture.store.ingest(
                (0..<events).map { _ in
                    IngestedEvent(
                        type: "auth.logout", orgId: orgB.id, userId: nil, email: nil, ipAddress: nil, userAgent: nil,
                        severity: .info, occurredAt: nil, data: [:])
                }, actor: .system, idempotencyKey: nil)
            let delivered = await eventually(timeout: .seconds(25)) {
                receiver.received.filter { $0.path == "/b" }.count >= events
            }
            let elapsed = ContinuousClock.now - start
            // Causal: no attempt at A has ended yet (they all still hang), and A got no more than its cap.
            let jobsA = try await fixture.jobs.list(JobFilter(destination: endpointA.id), page: 1, limit: events).jobs
            #expect(delivered, "B: \(receiver.received.filter { $0.path == "/b" }.count) of \(events)")
            #expect(jobsA.count == events)
            #expect(jobsA.allSatisfy { $0.lastError == nil }, "an attempt at A ended (timed out) before B was done")
            #expect(jobsA.filter { $0.state == .leased }.count <= 8, "A holds its cap running and its cap waiting")
            #expect(receiver.received.filter { $0.path == "/a" }.count == 4)

            let latencies = receiver.received.filter { $0.path == "/b" }.map {
                $0.receivedAt.timeIntervalSince(ingestedAt)
            }.sorted()
            if !latencies.isEmpty {
                let p50 = latencies[latencies.count / 2]
                let p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
                print(String(format: "noisy neighbour: B %d deliveries in %.2f s; event-to-delivery p50 %.0f ms, p99 %.0f ms",
                             latencies.count, elapsed.inSeconds, p50 * 1000, p99 * 1000))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await fixture.clients.shutdown()
    }
}

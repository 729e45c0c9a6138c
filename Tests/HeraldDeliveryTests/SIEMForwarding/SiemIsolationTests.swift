import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStorage
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// One organization's SIEM that accepts connections and never answers does not delay another organization's.
@Suite("SIEM isolation")
struct SiemIsolationTests {
    @Test("B forwards 10,000 events to the end before A's first attempt (30 s timeout, backlog queued first) times out")
    func hangingDestinationDoesNotDelayAnotherIntegration() async throws {
        let signal = FanOutService.Signal()
        let dispatcher = Mutex<JobDispatcher?>(nil)
        let fixture = try DeliveryFixture(
            onEventsCommitted: { signal.notify() }, onJobsEnqueued: { dispatcher.withLock { $0 }?.wake() })
        defer { Task { await fixture.clients.shutdown() } }
        let hanging = try await TestReceiver.start { _, _ in .hang }
        defer { Task { await hanging.stop() } }
        let hec = try await SplunkHECReceiver.start()
        defer { Task { await hec.stop() } }
        let (orgA, _) = try await fixture.organization("org-a")
        let (orgB, _) = try await fixture.organization("org-b")
        let integrationA = try await fixture.integration(
            orgA.id, provider: "splunk-hec", endpoint: "http://\(hanging.host):\(hanging.port)",
            credentials: ["token": "hec-token"])
        let integrationB = try await fixture.integration(
            orgB.id, provider: "splunk-hec", endpoint: hec.url, credentials: ["token": "hec-token"])
        // A's backlog first.
        try await fixture.ingest(orgA.id, count: 5_000)

        let forwarder = fixture.forwarder(catalogue: try ShippedConnectors.catalogue(), requestTimeout: .seconds(30))
        let processor = JobProcessor(
            store: fixture.jobs,
            kinds: [.siemFlush: JobKindConfiguration(handler: forwarder, concurrency: 16, retryPolicy: .standard)],
            configuration: JobDispatcherConfiguration(
                maxIdle: .seconds(60), shutdownDeadline: .milliseconds(100),
                destination: DestinationGate.Configuration(concurrencyCap: 1)))
        dispatcher.withLock { $0 = processor.dispatcher }
        let fanOut = FanOutService(
            store: fixture.store,
            siem: FanOutService.SiemScheduling(store: fixture.store, flushDelay: .milliseconds(50), maxAttempts: 100),
            signal: signal, wakeDeliveries: processor.dispatcher.wake)
        var logger = Logger(label: "test")
        logger.logLevel = .error
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: processor), .init(service: fanOut)], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // A's first request is in flight and will not be answered.
            #expect(await eventually(timeout: .seconds(10)) { hanging.count >= 1 })
            let start = ContinuousClock.now
            try await fixture.ingest(orgB.id, count: 10_000)
            var samples: [String] = []
            let caughtUp = await eventually(timeout: .seconds(28)) {
                guard let lag = try? await fixture.store.siemLag(integrationId: integrationB.id) else { return false }
                if samples.count < 20 { samples.append("\(lag.events)") }
                return lag.events == 0
            }
            let elapsed = ContinuousClock.now - start
            let lagB = try await fixture.store.siemLag(integrationId: integrationB.id)
            #expect(caughtUp, "B's lag: \(lagB.events) events, \(lagB.seconds) s")
            // Causal: A's first attempt has not ended (no failure recorded, its cursor where it was).
            let stateA = try await fixture.current(integrationA)
            #expect(stateA.lastErrorAt == nil, "A's attempt ended before B was done")
            #expect(stateA.cursor == integrationA.cursor)
            #expect(elapsed < .seconds(30))
            #expect(hec.accepted.count >= 10_000)
            print(String(format: "SIEM isolation: B forwarded 10,000 events in %.2f s while A hung; B's lag samples (events): %@; B's lag at the end: %lld events, %.3f s",
                         elapsed.inSeconds, samples.joined(separator: " "), lagB.events, lagB.seconds))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}

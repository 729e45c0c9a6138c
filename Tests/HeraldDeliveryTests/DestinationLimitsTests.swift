import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStorage
import Synchronization
import Testing

/// A handler that records when each job started, with a rate limit for the destinations it names.
final class StartRecordingHandler: JobHandler {
    let rates: [String: Int]
    let duration: Duration
    private let starts = Mutex<[(destination: String, id: Int64, at: ContinuousClock.Instant)]>([])

    init(rates: [String: Int] = [:], duration: Duration = .zero) {
        self.rates = rates
        self.duration = duration
    }

    func handle(_ lease: JobLease) async -> JobOutcome {
        starts.withLock { $0.append((lease.job.destination, lease.job.id, ContinuousClock.now)) }
        if duration > .zero { try? await Task.sleep(for: duration) }
        return RecordingHandler.success(lease)
    }

    func limits(forDestination destination: String) async -> DestinationLimits {
        DestinationLimits(ratePerSecond: rates[destination])
    }

    func starts(of destination: String) -> [ContinuousClock.Instant] {
        starts.withLock { $0.filter { $0.destination == destination }.map(\.at) }
    }

    func startedIds(of destination: String) -> [Int64] {
        starts.withLock { $0.filter { $0.destination == destination }.map(\.id) }
    }
}

@Suite struct DestinationLimitsTests {
    @Test func aRateLimitedDestinationStartsAtMostItsRateInAnyOneSecond() async throws {
        let store = try makeJobStore()
        let handler = StartRecordingHandler(rates: ["limited": 5])
        // maxIdle of a minute: only the throttle's own wake-up can admit the waiting jobs in time.
        let processor = JobProcessor(
            store: store, kinds: [.webhookDelivery: JobKindConfiguration(handler: handler, concurrency: 32)],
            configuration: JobDispatcherConfiguration(maxIdle: .seconds(60)))
        let clock = ContinuousClock()
        let started = clock.now
        try await withProcessor(processor) {
            try await processor.queue.enqueue((0..<12).map { _ in job(destination: "limited") })
            try await processor.queue.enqueue((0..<12).map { _ in job(org: "org-b", destination: "free") })
            let done = try await eventually(timeout: .seconds(15)) { try await count(store, .succeeded) == 24 }
            #expect(done)
        }
        let limited = handler.starts(of: "limited").sorted()
        #expect(limited.count == 12)
        for (index, start) in limited.enumerated() where index + 5 < limited.count {
            #expect(limited[index + 5] - start >= .milliseconds(990), "six starts within a second at \(index)")
        }
        // 12 jobs at 5/s: the 11th start is two seconds after the first; a poll of a minute would show.
        #expect(limited.last! - started < .seconds(6))
        // The limit is the destination's own: the other one is not slowed down.
        let free = handler.starts(of: "free").sorted()
        #expect(free.count == 12 && free.last! - started < .seconds(2))
    }

    @Test func anOrderedDestinationRunsOneJobAtATimeInEnqueueOrder() async throws {
        let store = try makeJobStore()
        let handler = StartRecordingHandler(duration: .milliseconds(5))
        let processor = JobProcessor(
            store: store, kinds: [.webhookDelivery: JobKindConfiguration(handler: handler, concurrency: 32)],
            configuration: JobDispatcherConfiguration(maxIdle: .seconds(60)))
        try await withProcessor(processor) {
            let jobs = try await processor.queue.enqueue(
                (0..<30).map { _ in
                    NewJob(
                        kind: .webhookDelivery, orgId: "org-a", destination: "fifo", payload: Data("{}".utf8),
                        maxAttempts: 8, ordered: true)
                })
            let done = try await eventually(timeout: .seconds(15)) { try await count(store, .succeeded) == 30 }
            #expect(done)
            #expect(handler.startedIds(of: "fifo") == jobs.map(\.id))
        }
    }

    @Test func aSaturatedDestinationDoesNotKeepTheDispatcherBusy() async throws {
        let store = try makeJobStore()
        let handler = StartRecordingHandler(duration: .seconds(3))
        let processor = JobProcessor(
            store: store, kinds: [.webhookDelivery: JobKindConfiguration(handler: handler, concurrency: 32)],
            configuration: JobDispatcherConfiguration(
                maintenanceInterval: .seconds(60), maxIdle: .seconds(60),
                destination: DestinationGate.Configuration(concurrencyCap: 2)))
        try await withProcessor(processor) {
            try await processor.queue.enqueue((0..<50).map { _ in job(destination: "slow") })
            let running = await eventually { handler.starts(of: "slow").count == 2 }
            #expect(running)
            // The destination is at its cap with 48 due jobs left: the dispatcher waits for a slot, it does not poll.
            try await Task.sleep(for: .milliseconds(200))
            let before = store.writeTransactionCount
            try await Task.sleep(for: .seconds(1))
            let writes = store.writeTransactionCount - before
            #expect(writes <= 3, "\(writes) write transactions in a second while nothing could run")
        }
    }
}

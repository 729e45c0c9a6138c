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
        // maxIdle of a minute: only the throttle's own wake-up can admit the waiting jobs in time. A cap above the
        // job count: whatever the limit lets through starts in the same dispatch.
        let processor = JobProcessor(
            store: store, kinds: [.webhookDelivery: JobKindConfiguration(handler: handler, concurrency: 32)],
            configuration: JobDispatcherConfiguration(
                maxIdle: .seconds(60), destination: DestinationGate.Configuration(concurrencyCap: 16)))
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
        // Starts are recorded when the handler runs, a little after admission: allow 100 ms of scheduling.
        for (index, start) in limited.enumerated() where index + 5 < limited.count {
            #expect(limited[index + 5] - start >= .milliseconds(900), "six starts within a second at \(index)")
        }
        #expect(limited.last! - limited.first! >= .milliseconds(1_900), "12 starts at 5/s span two seconds")
        // 12 jobs at 5/s: the 11th start is two seconds after the first; waiting for the minute's poll would show.
        #expect(limited.last! - started < .seconds(30))
        // The limit is the destination's own: the other one starts more than five in a second.
        let free = handler.starts(of: "free").sorted()
        #expect(free.count == 12)
        #expect(free.indices.contains { $0 + 5 < free.count && free[$0 + 5] - free[$0] < .seconds(1) })
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
            // Two run (at most two more wait in memory); the rest are in the store, due.
            let settled = try await eventually {
                let leased = try await count(store, .leased)
                let due = try await count(store, .available) + count(store, .retrying)
                return leased <= 4 && leased + due == 50
            }
            #expect(settled)
            // The destination is at its cap with due jobs left: the dispatcher waits for a slot, it does not poll.
            try await Task.sleep(for: .milliseconds(200))
            let before = store.writeTransactionCount
            try await Task.sleep(for: .seconds(1))
            let writes = store.writeTransactionCount - before
            #expect(writes <= 3, "\(writes) write transactions in a second while nothing could run")
        }
    }
}

import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStorage
import Testing

@Suite struct JobProcessorTests {
    @Test func enqueuedJobsRunAtOnce() async throws {
        let store = try makeJobStore()
        let handler = RecordingHandler { RecordingHandler.success($0) }
        // maxIdle of a minute: only the enqueue's wake-up can start the jobs in time.
        let processor = JobProcessor(
            store: store, kinds: [.webhookDelivery: JobKindConfiguration(handler: handler)],
            configuration: JobDispatcherConfiguration(maxIdle: .seconds(60)))
        try await withProcessor(processor) {
            try await Task.sleep(for: .milliseconds(200))
            try await processor.queue.enqueue((0..<20).map { job(destination: "d-\($0 % 5)") })
            let done1 = try await eventually(timeout: .seconds(5)) { try await count(store, .succeeded) == 20 }
            #expect(done1)
        }
        #expect(handler.calls == 20)
        #expect(try await store.attempts(jobId: 1).count == 1)
    }

    @Test func aDestinationNeverRunsMoreThanItsCap() async throws {
        let store = try makeJobStore()
        let handler = RecordingHandler { lease in
            try? await Task.sleep(for: .milliseconds(20))
            return RecordingHandler.success(lease)
        }
        let processor = JobProcessor(
            store: store, kinds: [.webhookDelivery: JobKindConfiguration(handler: handler, concurrency: 32)],
            configuration: JobDispatcherConfiguration(
                batchSize: 50, destination: DestinationGate.Configuration(concurrencyCap: 4)))
        try await withProcessor(processor) {
            try await processor.queue.enqueue((0..<60).map { _ in job(destination: "hot") })
            try await processor.queue.enqueue((0..<12).map { _ in job(org: "org-b", destination: "cold") })
            let done2 = try await eventually(timeout: .seconds(20)) { try await count(store, .succeeded) == 72 }
            #expect(done2)
        }
        #expect(handler.peak("hot") <= 4 && handler.peak("hot") >= 2, "peak \(handler.peak("hot"))")
        #expect(handler.peak("cold") <= 4)
    }

    @Test func aKindWithItsOwnDestinationLimitsUsesThemAndTheOthersKeepTheDefault() async throws {
        let store = try makeJobStore()
        let handler = RecordingHandler { lease in
            try? await Task.sleep(for: .milliseconds(40))
            return RecordingHandler.success(lease)
        }
        // Mail to one server may run 12 at once; webhooks keep the dispatcher's cap of 2.
        let processor = JobProcessor(
            store: store,
            kinds: [
                .webhookDelivery: JobKindConfiguration(handler: handler, concurrency: 32),
                .mailSend: JobKindConfiguration(
                    handler: handler, concurrency: 32, destination: DestinationGate.Configuration(concurrencyCap: 12)),
            ],
            configuration: JobDispatcherConfiguration(
                batchSize: 50, destination: DestinationGate.Configuration(concurrencyCap: 2)))
        try await withProcessor(processor) {
            try await processor.queue.enqueue((0..<60).map { _ in job(kind: .mailSend, destination: "smtp:relay") })
            try await processor.queue.enqueue((0..<20).map { _ in job(destination: "endpoint") })
            let done = try await eventually(timeout: .seconds(20)) { try await count(store, .succeeded) == 80 }
            #expect(done)
        }
        #expect(handler.peak("smtp:relay") <= 12 && handler.peak("smtp:relay") >= 6, "peak \(handler.peak("smtp:relay"))")
        #expect(handler.peak("endpoint") <= 2, "peak \(handler.peak("endpoint"))")
    }

    @Test func failingJobsRetryThenDieAndCanBeRetried() async throws {
        let store = try makeJobStore()
        let handler = RecordingHandler { RecordingHandler.failure($0) }
        let policy = RetryPolicy(schedule: [.milliseconds(10), .milliseconds(10)], jitter: 0)
        let processor = JobProcessor(
            store: store,
            kinds: [.webhookDelivery: JobKindConfiguration(handler: handler, retryPolicy: policy)],
            configuration: JobDispatcherConfiguration(
                maxIdle: .milliseconds(50), destination: DestinationGate.Configuration(failureThreshold: 100)))
        try await withProcessor(processor) {
            let stored = try await processor.queue.enqueue(job(maxAttempts: policy.maxAttempts))
            let done3 = try await eventually { try await store.job(id: stored.id)?.state == .dead }
            #expect(done3)
            let attempts = try await store.attempts(jobId: stored.id)
            #expect(attempts.map(\.attempt) == [1, 2, 3])
            #expect(try await store.job(id: stored.id)?.lastError == "503")
        }
        #expect(handler.calls == 3)
    }

    @Test func openBreakerHoldsJobsAndProbesOncePerInterval() async throws {
        let store = try makeJobStore()
        let handler = RecordingHandler { RecordingHandler.failure($0) }
        let policy = RetryPolicy(schedule: Array(repeating: .milliseconds(1), count: 50), jitter: 0)
        let processor = JobProcessor(
            store: store,
            kinds: [.webhookDelivery: JobKindConfiguration(handler: handler, concurrency: 1, retryPolicy: policy)],
            configuration: JobDispatcherConfiguration(
                maxIdle: .milliseconds(20),
                destination: DestinationGate.Configuration(
                    concurrencyCap: 1, failureThreshold: 3, probeInterval: .milliseconds(500))))
        try await withProcessor(processor) {
            try await processor.queue.enqueue((0..<10).map { _ in job(destination: "down", maxAttempts: 51) })
            // Causal, not clocked: wait for the 3 failures that open the breaker, then watch a window.
            #expect(try await eventually { handler.calls >= 3 })
            let opened = handler.calls
            try await Task.sleep(for: .milliseconds(1_200))
            let inWindow = handler.calls - opened
            // At most one probe per 500 ms (≈2 in 1.2 s, slack for scheduling), not 10 jobs × retries.
            #expect(inWindow <= 4, "attempts while open: \(inWindow)")
            // And the probes do come.
            #expect(try await eventually { handler.calls > opened })
        }
        #expect(try await count(store, .dead) == 0, "held jobs keep their attempts")
    }

    @Test func shutdownLeavesUnfinishedJobsLeasedAndANewProcessorRescuesThem() async throws {
        let store = try makeJobStore()
        let stuck = RecordingHandler { lease in
            try? await Task.sleep(for: .seconds(60))
            return RecordingHandler.success(lease)
        }
        let first = JobProcessor(
            store: store, kinds: [.webhookDelivery: JobKindConfiguration(handler: stuck)],
            configuration: JobDispatcherConfiguration(
                owner: "first", leaseDuration: .seconds(1), maintenanceInterval: .seconds(30),
                shutdownDeadline: .milliseconds(200)))
        try await withProcessor(first) {
            try await first.queue.enqueue((0..<3).map { job(destination: "d-\($0)") })
            let done4 = await eventually { stuck.calls == 3 }
            #expect(done4)
        }
        #expect(try await count(store, .leased) == 3, "abandoned jobs stay leased")

        let handler = RecordingHandler { RecordingHandler.success($0) }
        let second = JobProcessor(
            store: store, kinds: [.webhookDelivery: JobKindConfiguration(handler: handler)],
            configuration: JobDispatcherConfiguration(
                owner: "second", leaseDuration: .seconds(1), maintenanceInterval: .milliseconds(100),
                maxIdle: .milliseconds(100)))
        try await withProcessor(second) {
            let done5 = try await eventually { try await count(store, .succeeded) == 3 }
            #expect(done5)
        }
        let attempts = try await store.list(JobFilter(state: .succeeded), page: 1, limit: 10).jobs.map(\.attempts)
        #expect(attempts == [2, 2, 2], "the abandoned attempt is counted")
    }
}

import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStorage
import Logging
import ServiceLifecycle
import Synchronization

/// A handler driven by a closure, counting attempts and the peak concurrency per destination.
final class RecordingHandler: JobHandler {
    private let state = Mutex<(running: [String: Int], peak: [String: Int], calls: Int)>(([:], [:], 0))
    let body: @Sendable (JobLease) async -> JobOutcome

    init(_ body: @escaping @Sendable (JobLease) async -> JobOutcome) {
        self.body = body
    }

    var calls: Int { state.withLock { $0.calls } }
    func peak(_ destination: String) -> Int { state.withLock { $0.peak[destination] ?? 0 } }

    func handle(_ lease: JobLease) async -> JobOutcome {
        let destination = lease.job.destination
        state.withLock { state in
            state.calls += 1
            state.running[destination, default: 0] += 1
            state.peak[destination] = max(state.peak[destination] ?? 0, state.running[destination]!)
        }
        let outcome = await body(lease)
        state.withLock { $0.running[destination, default: 1] -= 1 }
        return outcome
    }

    static func success(_ lease: JobLease) -> JobOutcome {
        .success(JobAttempt(lease, startedAt: Date(), outcome: .success, statusCode: 200))
    }

    static func failure(_ lease: JobLease) -> JobOutcome {
        .retry(after: nil, JobAttempt(lease, startedAt: Date(), outcome: .failure, statusCode: 503, error: "503"))
    }
}

/// A migrated temp-file database and its job store.
func makeJobStore() throws -> SQLiteJobStore {
    let database = try SQLiteDatabase.temporaryFile(synchronous: "NORMAL")
    try database.migrate()
    return SQLiteJobStore(database: database)
}

func job(
    kind: JobKind = .webhookDelivery, org: String = "org-a", destination: String = "endpoint-1", maxAttempts: Int = 8
) -> NewJob {
    NewJob(kind: kind, orgId: org, destination: destination, payload: Data("{}".utf8), maxAttempts: maxAttempts)
}

/// Runs `processor` in a service group while `body` runs, then shuts it down gracefully and waits.
func withProcessor(_ processor: JobProcessor, _ body: () async throws -> Void) async throws {
    var logger = Logger(label: "test")
    logger.logLevel = .error
    let group = ServiceGroup(
        configuration: ServiceGroupConfiguration(services: [.init(service: processor)], logger: logger))
    try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        do {
            try await body()
        } catch {
            await group.triggerGracefulShutdown()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
    }
}

/// Polls `condition` every 20 ms until it holds or `timeout` passes; answers whether it held.
func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}

func count(_ store: SQLiteJobStore, _ state: JobState) async throws -> Int {
    try await store.list(JobFilter(state: state), page: 1, limit: 1).total
}

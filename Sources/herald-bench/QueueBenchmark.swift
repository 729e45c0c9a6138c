import Foundation
import Synchronization
import HeraldCore
import HeraldStorage

/// `herald-bench [jobs] [workers]`: enqueue + claim + ack of N no-op jobs through the real SQLite job store, with
/// `synchronous=FULL` and then `NORMAL` (a fresh temporary database file each), printing jobs/s and the ratio.
///
/// Usage: herald-bench [jobs] [workers] [claim size]
enum QueueBenchmark {
    static func main(_ arguments: [String]) async throws {
        let arguments = arguments.compactMap { Int($0) }
        let jobs = arguments.first ?? 100_000
        let workers = arguments.dropFirst().first ?? 8
        let claimSize = arguments.dropFirst(2).first ?? 1_000
        print("queue benchmark: \(jobs) no-op jobs, enqueue in batches of 500, \(workers) workers claiming \(claimSize) and acking each")
        let full = try await run(synchronous: "FULL", jobs: jobs, workers: workers, claimSize: claimSize)
        let normal = try await run(synchronous: "NORMAL", jobs: jobs, workers: workers, claimSize: claimSize)
        print(String(format: "ratio NORMAL/FULL: %.2f", normal / full))
        print(full >= 20_000 ? "target (>= 20,000 jobs/s with FULL): met" : "target (>= 20,000 jobs/s with FULL): NOT met")
    }

    /// Runs the producer and the workers concurrently on a fresh file database; returns jobs/s.
    static func run(synchronous: String, jobs: Int, workers: Int, claimSize: Int) async throws -> Double {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-bench-\(UUID().uuidString).sqlite")
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: url.path + suffix) }
        }
        let database = try SQLiteDatabase(path: url.path, synchronous: synchronous)
        try database.migrate()
        let store = SQLiteJobStore(database: database)
        let payload = Data(#"{"event":"noop"}"#.utf8)
        let clock = ContinuousClock()
        let start = clock.now
        let acked = try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask {
                var enqueued = 0
                while enqueued < jobs {
                    let count = min(500, jobs - enqueued)
                    _ = try await store.enqueue(
                        (0..<count).map { index in
                            NewJob(
                                kind: .webhookDelivery, orgId: "org-\((enqueued + index) % 10)",
                                destination: "endpoint-\((enqueued + index) % 40)", payload: payload, maxAttempts: 8)
                        })
                    enqueued += count
                }
                return 0
            }
            let remaining = Counter(jobs)
            for worker in 0..<workers {
                group.addTask {
                    var done = 0
                    while remaining.value > 0 {
                        let leases = try await store.claim(
                            limit: claimSize, owner: "bench-\(worker)", leaseDuration: .seconds(60), now: Date())
                        if leases.isEmpty {
                            try await Task.sleep(for: .milliseconds(1))
                            continue
                        }
                        try await withThrowingTaskGroup(of: Void.self) { acks in
                            for lease in leases {
                                acks.addTask {
                                    let now = Date()
                                    _ = try await store.ack(
                                        lease, attempt: JobAttempt(lease, startedAt: now, now: now, outcome: .success))
                                }
                            }
                            try await acks.waitForAll()
                        }
                        done += leases.count
                        remaining.subtract(leases.count)
                    }
                    return done
                }
            }
            var total = 0
            for try await done in group { total += done }
            return total
        }
        let seconds = (clock.now - start).inSeconds
        let rate = Double(acked) / seconds
        let transactions = store.writeTransactionCount
        print(
            String(
                format: "synchronous=%@: %d jobs in %.2f s = %.0f jobs/s (%d write transactions for %d operations)",
                synchronous, acked, seconds, rate, transactions, store.writeOperationCount))
        return rate
    }
}

/// Jobs still to finish, shared by the workers.
final class Counter: Sendable {
    private let remaining: Mutex<Int>
    init(_ value: Int) { remaining = Mutex(value) }
    var value: Int { remaining.withLock { $0 } }
    func subtract(_ count: Int) { remaining.withLock { $0 -= count } }
}

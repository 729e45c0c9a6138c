import GRDB
import Synchronization

/// A writer that runs its callers' operations many to a transaction (group commit): the job queue's one writer,
/// and the SCIM directory's (identity providers send many small writes at once).
///
/// A caller's operation is queued. When no transaction is under way, the caller leads: it takes its own
/// operation and everything queued behind it, runs them in one `write` transaction, each inside its own
/// savepoint (a failing operation is rolled back alone and throws to its caller only), commits once,
/// then resumes every caller of the batch with its own result. If more operations queued up during the
/// commit, the first of their callers is promoted to lead the next batch, so nobody drains forever for
/// others and no task is spawned. With `synchronous=FULL` the cost of one fsync is shared by the batch.
actor GroupCommitWriter {
    private let writer: any DatabaseWriter
    private let maxBatch: Int
    private var queue: [Entry] = []
    private var leading = false
    private let transactions = Atomic<Int>(0)
    private let operations = Atomic<Int>(0)

    /// - Parameter maxBatch: the most operations one transaction takes.
    init(writer: any DatabaseWriter, maxBatch: Int = 2_000) {
        self.writer = writer
        self.maxBatch = max(1, maxBatch)
    }

    /// Write transactions committed (or attempted) so far.
    nonisolated var transactionCount: Int { transactions.load(ordering: .relaxed) }
    /// Operations run so far.
    nonisolated var operationCount: Int { operations.load(ordering: .relaxed) }

    /// Runs `body` in a savepoint of the next group transaction and returns its result after the commit.
    /// - Throws: what `body` throws (its changes are rolled back), or the commit's error.
    func perform<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let slot = ResultSlot<T>()
        let run: @Sendable (Database) -> Void = { db in slot.run(body, in: db) }
        if leading {
            let turn: Turn = await withCheckedContinuation { continuation in
                queue.append(
                    Entry(
                        run: run,
                        finish: { error in continuation.resume(returning: .finished(error)) },
                        promote: { continuation.resume(returning: .lead) }))
            }
            if case .finished(let commitError) = turn {
                if let commitError { throw commitError }
                return try slot.result()
            }
            // Promoted: `leading` stays true, handed over by the previous leader.
        } else {
            leading = true
        }
        let followers = Array(queue.prefix(maxBatch - 1))
        queue.removeFirst(followers.count)
        let commitError = await commit([run] + followers.map(\.run))
        for follower in followers { follower.finish(commitError) }
        if queue.isEmpty {
            leading = false
        } else {
            queue.removeFirst().promote()
        }
        if let commitError { throw commitError }
        return try slot.result()
    }

    private func commit(_ runs: [@Sendable (Database) -> Void]) async -> (any Error)? {
        transactions.add(1, ordering: .relaxed)
        operations.add(runs.count, ordering: .relaxed)
        do {
            try await writer.write { db in
                for run in runs { run(db) }
            }
            return nil
        } catch {
            return error
        }
    }

    private enum Turn: Sendable {
        case finished((any Error)?)
        case lead
    }

    private struct Entry: Sendable {
        let run: @Sendable (Database) -> Void
        let finish: @Sendable ((any Error)?) -> Void
        let promote: @Sendable () -> Void
    }
}

/// The result of one operation, written on the database's thread inside the transaction and read by
/// its caller after the commit; the mutex makes the hand-over safe.
private final class ResultSlot<T: Sendable>: Sendable {
    private let value = Mutex<Result<T, any Error>?>(nil)

    func run(_ body: @Sendable (Database) throws -> T, in db: Database) {
        let outcome: Result<T, any Error>
        do {
            try db.cachedStatement(sql: "SAVEPOINT group_operation").execute()
            do {
                let produced = try body(db)
                try db.cachedStatement(sql: "RELEASE SAVEPOINT group_operation").execute()
                outcome = .success(produced)
            } catch {
                try? db.cachedStatement(sql: "ROLLBACK TO SAVEPOINT group_operation").execute()
                try? db.cachedStatement(sql: "RELEASE SAVEPOINT group_operation").execute()
                throw error
            }
        } catch {
            outcome = .failure(error)
        }
        value.withLock { $0 = outcome }
    }

    func result() throws -> T {
        guard let outcome = value.withLock({ $0 }) else {
            throw CancellationError()
        }
        return try outcome.get()
    }
}

import Dispatch
import GRDB
import Synchronization

/// A writer that runs its callers' operations many to a transaction (group commit): the job queue's one writer,
/// and the SCIM directory's (identity providers send many small writes at once).
///
/// A caller's operation is queued under a lock. When no batch is under way, the caller starts one: a block on the
/// database's writer queue that takes everything queued, runs it in one transaction, each operation inside its
/// own savepoint (a failing operation is rolled back alone and throws to its caller only), commits once, and
/// resumes every caller of the batch with its own result, from the writer's thread. Operations that queued up
/// during the commit go in the next block, which the finished one enqueues behind the writes already waiting
/// on the writer queue, so those are never starved. With `synchronous=FULL` the cost of one fsync is shared by
/// the batch. There is no actor: a caller's only thread switches are to the writer and back.
final class GroupCommitWriter: Sendable {
    private struct Entry: Sendable {
        let run: @Sendable (Database) -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }

    private struct Queue {
        var entries: [Entry] = []
        /// A batch block is enqueued on the writer or running.
        var draining = false
    }

    /// Batches of at most this many operations resume their callers from the writer's thread.
    private static let resumedOnTheWriter = 16

    private let writer: any DatabaseWriter
    private let maxBatch: Int
    private let queue = Mutex(Queue())
    private let transactions = Atomic<Int>(0)
    private let operations = Atomic<Int>(0)

    /// - Parameter maxBatch: the most operations one transaction takes.
    init(writer: any DatabaseWriter, maxBatch: Int = 2_000) {
        self.writer = writer
        self.maxBatch = max(1, maxBatch)
    }

    /// Write transactions committed (or attempted) so far.
    var transactionCount: Int { transactions.load(ordering: .relaxed) }
    /// Operations run so far.
    var operationCount: Int { operations.load(ordering: .relaxed) }

    /// Runs `body` in a savepoint of the next group transaction and returns its result after the commit.
    /// - Throws: what `body` throws (its changes are rolled back), or the commit's error.
    func perform<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let slot = ResultSlot<T>()
        let commitError: (any Error)? = await withCheckedContinuation { continuation in
            let entry = Entry(
                run: { db in slot.run(body, in: db) }, finish: { error in continuation.resume(returning: error) })
            let starts = queue.withLock { queue -> Bool in
                queue.entries.append(entry)
                guard !queue.draining else { return false }
                queue.draining = true
                return true
            }
            if starts { scheduleBatch() }
        }
        if let commitError { throw commitError }
        return try slot.result()
    }

    /// Enqueues one batch block on the writer queue.
    private func scheduleBatch() {
        writer.asyncWriteWithoutTransaction { [self] db in
            let batch = queue.withLock { queue -> [Entry] in
                let taken = Array(queue.entries.prefix(maxBatch))
                queue.entries.removeFirst(taken.count)
                return taken
            }
            let commitError = commit(batch, in: db)
            if batch.count <= Self.resumedOnTheWriter {
                for entry in batch { entry.finish(commitError) }
            } else {
                // Resuming a caller costs the resuming thread a wake-up: many are resumed from another thread,
                // so that the writer starts the next batch at once.
                DispatchQueue.global().async { for entry in batch { entry.finish(commitError) } }
            }
            let more = queue.withLock { queue -> Bool in
                if queue.entries.isEmpty { queue.draining = false }
                return queue.draining
            }
            if more { scheduleBatch() }
        }
    }

    private func commit(_ batch: [Entry], in db: Database) -> (any Error)? {
        guard !batch.isEmpty else { return nil }
        transactions.add(1, ordering: .relaxed)
        operations.add(batch.count, ordering: .relaxed)
        do {
            try db.inTransaction {
                for entry in batch { entry.run(db) }
                return .commit
            }
            return nil
        } catch {
            return error
        }
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

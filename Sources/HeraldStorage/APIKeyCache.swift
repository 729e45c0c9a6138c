import GRDB
import Synchronization

/// The API keys that authenticated recently, with their users, so that an admin request does not read its key and
/// caller from the database each time.
///
/// A commit of this process that changed `users` or `api_keys` (a revoked key, a demotion, a deleted user, an MFA
/// reset) empties it before the write returns, so the next request reads the store again. A change made through
/// another connection to the same file (the CLI on the service's state directory) is seen within ``lifetime``.
/// Keys are kept by their SHA-256 hash, never in clear; at most ``capacity`` of them.
final class APIKeyCache: TransactionObserver, Sendable {
    struct Entry: Sendable {
        var key: APIKeyRecord
        var user: UserRecord
    }

    /// How long an entry answers without a read (bounds the delay of changes made by other processes).
    static let lifetime: Duration = .seconds(1)
    static let capacity = 10_000
    private static let tables: Set<String> = [APIKeyRecord.databaseTableName, UserRecord.databaseTableName]

    private struct Kept {
        var entry: Entry
        var until: ContinuousClock.Instant
    }

    private struct State {
        /// Moves on every commit that changed a cached table; an entry read before the move is not kept.
        var generation: UInt64 = 0
        var changedInTransaction = false
        var entries: [String: Kept] = [:]
    }

    private let state = Mutex(State())

    /// The current generation: read it before the database, and pass it to ``keep(_:hash:generation:)``.
    var generation: UInt64 { state.withLock { $0.generation } }

    /// The fresh entry of the key with SHA-256 hex `hash`, if any.
    func entry(hash: String) -> Entry? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let kept = state.entries[hash], kept.until > now else { return nil }
            return kept.entry
        }
    }

    /// Keeps `entry`, read from the database after `generation` was taken, unless a commit changed a cached table
    /// since then (the read may predate it).
    func keep(_ entry: Entry, hash: String, generation: UInt64) {
        let until = ContinuousClock.now + Self.lifetime
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.entries.count >= Self.capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[hash] = Kept(entry: entry, until: until)
        }
    }

    /// Forgets the key with this hash (it did not authenticate).
    func forget(hash: String) {
        state.withLock { _ = $0.entries.removeValue(forKey: hash) }
    }

    // MARK: TransactionObserver (called on the writer's queue)

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        Self.tables.contains(eventKind.tableName)
    }

    func databaseDidChange(with event: DatabaseEvent) {
        state.withLock { $0.changedInTransaction = true }
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    func databaseDidCommit(_ db: Database) {
        state.withLock { state in
            guard state.changedInTransaction else { return }
            state.changedInTransaction = false
            state.generation &+= 1
            state.entries.removeAll(keepingCapacity: true)
        }
    }

    func databaseDidRollback(_ db: Database) {
        state.withLock { $0.changedInTransaction = false }
    }
}

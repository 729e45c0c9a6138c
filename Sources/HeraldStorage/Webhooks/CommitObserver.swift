import Foundation
import GRDB
import Synchronization

/// Calls the store's hooks after a commit that inserted rows into `events` (wakes the fan-out service) or
/// `jobs` (wakes the dispatcher). Rolled-back transactions call nothing.
///
/// GRDB calls it on the writer's queue; the hooks run there too, so they must only signal.
final class CommitObserver: TransactionObserver, Sendable {
    private struct Pending {
        var events = false
        var jobs = false
    }

    private let onEvents: (@Sendable () -> Void)?
    private let onJobs: (@Sendable () -> Void)?
    private let pending = Mutex(Pending())

    init(onEvents: (@Sendable () -> Void)?, onJobs: (@Sendable () -> Void)?) {
        self.onEvents = onEvents
        self.onJobs = onJobs
    }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        guard case .insert(let table) = eventKind else { return false }
        return (table == "events" && onEvents != nil) || (table == "jobs" && onJobs != nil)
    }

    func databaseDidChange(with event: DatabaseEvent) {
        let done = pending.withLock { pending -> Bool in
            if event.tableName == "events" {
                pending.events = true
            } else if event.tableName == "jobs" {
                pending.jobs = true
            }
            return (pending.events || onEvents == nil) && (pending.jobs || onJobs == nil)
        }
        // Both flags set: nothing more to learn from this transaction's rows.
        if done { stopObservingDatabaseChangesUntilNextTransaction() }
    }

    func databaseDidCommit(_ db: Database) {
        let fired = pending.withLock { pending -> Pending in
            defer { pending = Pending() }
            return pending
        }
        if fired.events { onEvents?() }
        if fired.jobs { onJobs?() }
    }

    func databaseDidRollback(_ db: Database) {
        pending.withLock { $0 = Pending() }
    }
}

import Foundation
import HeraldCore
import Logging
import ServiceLifecycle

/// The job queue's service: rescues expired leases, runs the ``JobDispatcher`` and its maintenance
/// (heartbeats, rescue, gauges) until graceful shutdown.
public struct JobProcessor: Service {
    public let dispatcher: JobDispatcher
    /// Enqueue through this to wake the dispatcher at once.
    public let queue: JobQueue

    /// - Parameters:
    ///   - kinds: the handler, pool size and retry policy of each kind; other kinds are not claimed.
    public init(
        store: any JobStore, kinds: [JobKind: JobKindConfiguration],
        configuration: JobDispatcherConfiguration = JobDispatcherConfiguration(),
        logger: Logger = Logger(label: "herald.jobs")
    ) {
        let dispatcher = JobDispatcher(store: store, kinds: kinds, configuration: configuration, logger: logger)
        self.dispatcher = dispatcher
        self.queue = JobQueue(store: store, dispatcher: dispatcher)
    }

    public func run() async throws {
        let dispatcher = self.dispatcher
        let interval = dispatcher.configuration.maintenanceInterval
        await dispatcher.rescueForeignLeasesIfSoleUser()
        await dispatcher.maintain()
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await dispatcher.forwardSignals() }
                group.addTask {
                    await cancelWhenGracefulShutdown {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: interval)
                            if Task.isCancelled { break }
                            await dispatcher.maintain()
                        }
                    }
                }
                await dispatcher.run()
                dispatcher.finishSignals()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            dispatcher.beginShutdown()
        }
    }
}

/// Enqueues jobs and wakes the dispatcher, so that a new job starts without waiting for a poll.
public struct JobQueue: Sendable {
    public let store: any JobStore
    let dispatcher: JobDispatcher

    public init(store: any JobStore, dispatcher: JobDispatcher) {
        self.store = store
        self.dispatcher = dispatcher
    }

    /// Enqueues one job (see ``JobStore/enqueue(_:)-(NewJob)``) and wakes the dispatcher.
    @discardableResult
    public func enqueue(_ job: NewJob) async throws -> Job {
        let stored = try await store.enqueue(job)
        dispatcher.wake()
        return stored
    }

    /// Enqueues jobs in one transaction and wakes the dispatcher.
    @discardableResult
    public func enqueue(_ jobs: [NewJob]) async throws -> [Job] {
        let stored = try await store.enqueue(jobs)
        dispatcher.wake()
        return stored
    }
}

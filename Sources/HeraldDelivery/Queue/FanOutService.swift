import Foundation
import HeraldCore
import Logging
import ServiceLifecycle

/// Turns new events into jobs until graceful shutdown: webhook deliveries, and a flush for every SIEM integration
/// with events after its cursor.
///
/// It runs ``WebhookStore/fanOut(batchSize:)`` until nothing is left, then ``SiemStore/scheduleSiemFlushes(runAt:maxAttempts:)``,
/// whenever it is signalled (the store's
/// commit hook calls ``Signal/notify()`` after a transaction that recorded events) and at least once a
/// second (events written by another process, a missed signal). After jobs were enqueued it wakes the
/// job dispatcher so they start at once.
public struct FanOutService: Service {
    /// Wakes the fan-out: cheap, never blocks, coalesces (many notifications before a pass make one pass).
    public struct Signal: Sendable {
        let stream: AsyncStream<Void>
        let continuation: AsyncStream<Void>.Continuation

        public init() {
            (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        }

        /// Asks for a fan-out pass.
        public func notify() {
            continuation.yield()
        }
    }

    /// When SIEM flushes are scheduled: how long a new flush waits (so that a burst goes in one batch) and its
    /// attempts before it is dead (a dead flush is replaced at the next pass; the cursor holds the events).
    public struct SiemScheduling: Sendable {
        public var store: any SiemStore
        public var flushDelay: Duration
        public var maxAttempts: Int

        public init(store: any SiemStore, flushDelay: Duration, maxAttempts: Int) {
            self.store = store
            self.flushDelay = flushDelay
            self.maxAttempts = maxAttempts
        }
    }

    let store: any WebhookStore
    let siem: SiemScheduling?
    let signal: Signal
    let wakeDeliveries: @Sendable () -> Void
    let batchSize: Int
    let interval: Duration
    let logger: Logger

    /// - Parameters:
    ///   - signal: the signal the store's commit hook notifies.
    ///   - wakeDeliveries: wakes the job dispatcher (`JobDispatcher.wake`).
    ///   - batchSize: events per fan-out transaction.
    ///   - interval: the longest wait between passes without a signal.
    ///   - siem: SIEM flush scheduling (nil: none).
    public init(
        store: any WebhookStore, siem: SiemScheduling? = nil, signal: Signal, wakeDeliveries: @escaping @Sendable () -> Void, batchSize: Int = 500,
        interval: Duration = .seconds(1), logger: Logger = Logger(label: "herald.fanout")
    ) {
        self.store = store
        self.siem = siem
        self.signal = signal
        self.wakeDeliveries = wakeDeliveries
        self.batchSize = max(1, batchSize)
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        let signal = self.signal
        let interval = self.interval
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        signal.notify()
                    }
                }
                await self.pass()
                for await _ in signal.stream {
                    if Task.isCancelled { break }
                    await self.pass()
                }
                group.cancelAll()
            }
        }
    }

    /// Fans out until nothing is left after the cursor; wakes the dispatcher when anything was enqueued.
    /// - Returns: the number of jobs enqueued.
    @discardableResult
    public func pass() async -> Int {
        var total = 0
        while !Task.isCancelled {
            do {
                let step = try await store.fanOut(batchSize: batchSize)
                if step.jobsEnqueued > 0 {
                    total += step.jobsEnqueued
                    wakeDeliveries()
                }
                // A batch that matched no endpoint still moved the cursor: go on until a batch comes back short.
                // Events committed after that read notify the signal again, so a short batch ends the pass
                // without one more transaction to find nothing.
                if step.eventsRead < batchSize { break }
            } catch {
                logger.error("fan-out failed; retrying at the next pass", metadata: ["error": "\(error)"])
                break
            }
        }
        if let siem, !Task.isCancelled {
            do {
                let runAt = Date().addingTimeInterval(siem.flushDelay.inSeconds)
                let scheduled = try await siem.store.scheduleSiemFlushes(runAt: runAt, maxAttempts: siem.maxAttempts)
                if scheduled > 0 {
                    total += scheduled
                    wakeDeliveries()
                }
            } catch {
                logger.error("scheduling SIEM flushes failed; retrying at the next pass", metadata: ["error": "\(error)"])
            }
        }
        return total
    }
}

import Foundation
import HeraldCore
import Logging
import ServiceLifecycle

/// Deletes what the retention settings no longer keep, at start and then once per interval, until graceful
/// shutdown: succeeded and cancelled jobs (with their attempts and delivery records) and old events that every
/// delivery stage has passed.
///
/// Each deletion is a short transaction of at most `batchSize` rows, so a large backlog of old rows never holds
/// the store's writer for long.
public struct RetentionService: Service {
    /// What one pass deleted.
    public struct Pass: Sendable, Hashable {
        public var jobs = 0
        public var events = 0

        public init(jobs: Int = 0, events: Int = 0) {
            self.jobs = jobs
            self.events = events
        }
    }

    let jobs: any JobStore
    let events: any EventStore
    let configuration: RetentionConfiguration
    let batchSize: Int
    let logger: Logger
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - configuration: `retention.*`.
    ///   - batchSize: the most rows one deletion takes.
    public init(
        jobs: any JobStore, events: any EventStore, configuration: RetentionConfiguration, batchSize: Int = 1_000,
        logger: Logger = Logger(label: "herald.retention"), now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.jobs = jobs
        self.events = events
        self.configuration = configuration
        self.batchSize = max(1, batchSize)
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        let interval = Duration.milliseconds(Int64(configuration.intervalSeconds * 1000))
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.pass()
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Prunes finished jobs, then events, each in batches until nothing more is due; errors are logged and the
    /// next pass tries again.
    @discardableResult
    public func pass() async -> Pass {
        var pass = Pass()
        let now = self.now()
        let jobsBefore = now.addingTimeInterval(-configuration.finishedJobsSeconds)
        pass.jobs = await drain("finished jobs") { try await jobs.prune(finishedBefore: jobsBefore, limit: $0) }
        if configuration.eventsSeconds > 0 {
            let eventsBefore = now.addingTimeInterval(-configuration.eventsSeconds)
            pass.events = await drain("events") { try await events.pruneEvents(recordedBefore: eventsBefore, limit: $0) }
        }
        if pass.jobs > 0 || pass.events > 0 {
            logger.notice(
                "retention pruned old rows", metadata: ["retention.jobs": "\(pass.jobs)", "retention.events": "\(pass.events)"])
        }
        return pass
    }

    private func drain(_ what: String, _ delete: (Int) async throws -> Int) async -> Int {
        var total = 0
        while !Task.isCancelled {
            do {
                let deleted = try await delete(batchSize)
                total += deleted
                if deleted < batchSize { break }
                await Task.yield()
            } catch {
                logger.error("pruning \(what) failed; the next pass tries again", metadata: ["error": "\(error)"])
                break
            }
        }
        return total
    }
}

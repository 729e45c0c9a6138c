import Foundation
import HeraldCore
import Logging
import Metrics

/// Runs jobs of kind `siem.flush`: forwards an integration's events after its cursor, batch after batch, and
/// moves the cursor only past what the destination took (or what was set aside with a reason).
///
/// The job's destination is the integration id; one flush per integration is pending at a time (its unique key),
/// so batches go out in order. A flush works until the integration is caught up, then succeeds; after
/// ``timeBudget`` with more to send it gives its slot back (`postpone`, not an attempt) so that other
/// integrations get theirs. A failed request keeps the cursor where it is and retries per schedule (a
/// `Retry-After` is honoured); an answer that refuses the credentials or configuration stops the integration
/// with the reason (`siem.integration.error`) until it is updated. A refused batch is split in halves until the
/// event at fault is found and set aside; a 413 splits too.
public struct SiemForwarder: JobHandler {
    /// How long one flush sends before it lets other integrations have the slot.
    public static let timeBudget: Duration = .seconds(5)
    /// Rounds of re-sending the `_bulk` items that answered 429/5xx before the attempt counts as failed.
    static let itemRetryRounds = 3

    let store: any SiemStore
    let catalogue: SiemConnectorCatalogue
    let transports: SiemTransports
    let hostname: String
    let logger: Logger
    let now: @Sendable () -> Date

    public init(
        store: any SiemStore, catalogue: SiemConnectorCatalogue, transports: SiemTransports,
        hostname: String = SyslogMessage.defaultHostname, logger: Logger = Logger(label: "herald.siem"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.catalogue = catalogue
        self.transports = transports
        self.hostname = hostname
        self.logger = logger
        self.now = now
    }

    public func handle(_ lease: JobLease) async -> JobOutcome {
        let startedAt = now()
        var logger = self.logger
        logger[metadataKey: "job.id"] = "\(lease.job.id)"
        logger[metadataKey: "siem.integration"] = "\(lease.job.destination)"
        func attempt(_ outcome: JobAttempt.Outcome, _ result: SiemSendResult? = nil, error: String? = nil) -> JobAttempt {
            JobAttempt(
                lease, startedAt: startedAt, now: now(), outcome: outcome, statusCode: result?.statusCode,
                error: error ?? result.map(\.message), responseExcerpt: result?.excerpt)
        }
        let found: (SiemIntegration, generation: Int64)?
        do {
            found = try await store.siemIntegrationForDelivery(id: lease.job.destination)
        } catch {
            logger.error("cannot load the SIEM integration", metadata: ["error": "\(error)"])
            return .retry(after: nil, attempt(.failure, error: "cannot load the integration"))
        }
        // Deleted, paused or stopped: nothing to do; the cursor waits (a later update schedules a flush).
        guard let (integration, generation) = found, integration.isForwarding else {
            return .success(attempt(.success, error: "not forwarding"))
        }
        let connector: SiemConnector
        let transport: any SiemTransport
        do {
            connector = try catalogue.connector(integration.provider)
            let credentials = try await store.siemCredentials(integrationId: integration.id)
            transport = try await transports.transport(for: integration, connector: connector, credentials: credentials)
        } catch {
            let reason = (error as? HeraldError)?.message ?? "\(error)"
            try? await store.recordSiemFailure(integrationId: integration.id, error: reason, disable: true, at: now())
            return .dead(reason: reason, attempt(.dead, error: reason))
        }
        let encoder = SiemWireEncoder(connector: connector, integration: integration, hostname: hostname)
        var state = (cursor: integration.cursor, generation: generation)
        let clock = ContinuousClock()
        let deadline = clock.now + Self.timeBudget
        var last: SiemSendResult?
        let store = self.store
        let clockNow = self.now
        @Sendable func build(after cursor: Int64, readAhead: SiemBatch.ReadAhead? = nil) async throws -> SiemBatch {
            try await SiemBatch.next(
                after: cursor, integration: integration, connector: connector, encoder: encoder, store: store,
                now: clockNow(), readAhead: readAhead)
        }
        // The next batch is read and rendered while the current one is sent and its cursor committed; it is used
        // only when the cursor lands where it starts (a failure, a split or a replay drops it).
        var next: (after: Int64, batch: Task<SiemBatch, any Error>)?
        defer { next?.batch.cancel() }
        while !Task.isCancelled {
            let batch: SiemBatch
            do {
                if let prefetched = next, prefetched.after == state.cursor {
                    batch = try await prefetched.batch.value
                } else {
                    next?.batch.cancel()
                    batch = try await build(after: state.cursor)
                }
                next = nil
            } catch {
                logger.error("cannot read the integration's events", metadata: ["error": "\(error)"])
                return .retry(after: nil, attempt(.failure, last, error: "cannot read events"))
            }
            if batch.through == state.cursor || batch.reachedEnd { batch.readAhead?.page.cancel() }
            if batch.through == state.cursor { return .success(attempt(.success, last)) }
            if !batch.reachedEnd {
                // Built from the page already read after it, when the batch ended at a page's end.
                let after = batch.through
                let readAhead = batch.readAhead
                next = (after, Task { try await build(after: after, readAhead: readAhead) })
            }
            let report = await deliver(batch.items[...], encoder: encoder, transport: transport, logger: logger)
            last = report.last ?? last
            let through = report.failure == nil ? batch.through : report.handledThrough(in: batch, from: state.cursor)
            let letters = batch.deadLetters.filter { $0.eventSequence <= through } + report.deadLetters
            if through > state.cursor || !letters.isEmpty {
                do {
                    let moved = try await store.advanceSiemCursor(
                        integrationId: integration.id, generation: state.generation, to: through,
                        deadLetters: letters, at: now())
                    if !moved {
                        // A replay moved the cursor back meanwhile: start again from there.
                        guard let (fresh, freshGeneration) = try await store.siemIntegrationForDelivery(id: integration.id),
                            fresh.isForwarding
                        else { return .success(attempt(.success, last)) }
                        state = (fresh.cursor, freshGeneration)
                        continue
                    }
                } catch {
                    logger.error("cannot move the integration's cursor", metadata: ["error": "\(error)"])
                    return .retry(after: nil, attempt(.failure, last, error: "cannot record progress"))
                }
                SiemMetrics.forwarded(provider: integration.provider, delivered: report.delivered, deadLettered: letters.count)
                state.cursor = through
            }
            if let failure = report.failure {
                let disable = failure.verdict == .disable
                try? await store.recordSiemFailure(
                    integrationId: integration.id, error: failure.message, disable: disable, at: now())
                logger.warning(
                    "SIEM destination failed", metadata: ["error": "\(failure.message)", "stopped": "\(disable)"])
                if disable { return .dead(reason: failure.message, attempt(.dead, failure)) }
                if case .retry(let after) = failure.verdict { return .retry(after: after, attempt(.failure, failure)) }
                return .retry(after: nil, attempt(.failure, failure))
            }
            if batch.reachedEnd { return .success(attempt(.success, last)) }
            if clock.now >= deadline { return .postpone(until: now()) }
        }
        return .retry(after: nil, attempt(.failure, last, error: "cancelled"))
    }
}

import Foundation
import HeraldCore
import Logging

/// What sending a run of items came to.
struct SiemDeliveryReport: Sendable {
    /// Items at the front of the run that are done: taken, or set aside in ``deadLetters``.
    var handled: Int
    var delivered: Int
    var deadLetters: [SiemDeadLetter]
    /// Why the rest was not sent (nil when every item is done).
    var failure: SiemSendResult?
    /// The last answer.
    var last: SiemSendResult?

    /// Where the cursor may go after a failure: past the items done at the front (and the filtered-out events
    /// between them), never past the first item left.
    func handledThrough(in batch: SiemBatch, from cursor: Int64) -> Int64 {
        guard handled > 0 else {
            // Nothing sent: events skipped before the first item are done all the same.
            return batch.items.first.map { $0.sequence - 1 } ?? batch.through
        }
        if handled >= batch.items.count { return batch.through }
        return batch.items[handled].sequence - 1
    }

    mutating func append(_ other: SiemDeliveryReport) {
        handled += other.handled
        delivered += other.delivered
        deadLetters += other.deadLetters
        failure = other.failure
        last = other.last ?? last
    }
}

extension SiemForwarder {
    /// Sends a run of items: whole, then, if the destination refuses it or finds it too large, in halves,
    /// recursively, until the refused event is alone and set aside. Stops at the first failure that is not
    /// about the content (the rest waits for the retry).
    func deliver(
        _ items: ArraySlice<SiemBatch.Item>, encoder: SiemWireEncoder, transport: any SiemTransport, logger: Logger
    ) async -> SiemDeliveryReport {
        guard !items.isEmpty else { return SiemDeliveryReport(handled: 0, delivered: 0, deadLetters: [], failure: nil) }
        let result = await transport.send(encoder.body(items.lazy.map(\.bytes)), logger: logger)
        SiemMetrics.request(label: result.label)
        switch result.verdict {
        case .delivered:
            return SiemDeliveryReport(
                handled: items.count, delivered: items.count, deadLetters: [], failure: nil, last: result)
        case .retry, .disable:
            return SiemDeliveryReport(handled: 0, delivered: 0, deadLetters: [], failure: result, last: result)
        case .reject, .split:
            guard items.count > 1 else {
                let item = items[items.startIndex]
                let reason = "refused by the destination: \(result.message)"
                return SiemDeliveryReport(
                    handled: 1, delivered: 0, deadLetters: [deadLetter(item, reason: reason)], failure: nil,
                    last: result)
            }
            let middle = items.startIndex + items.count / 2
            var report = await deliver(items[..<middle], encoder: encoder, transport: transport, logger: logger)
            guard report.failure == nil else { return report }
            report.append(await deliver(items[middle...], encoder: encoder, transport: transport, logger: logger))
            return report
        case .partial(let retry, let rejected):
            return await resolvePartial(
                items, retry: retry, rejected: rejected, first: result, encoder: encoder, transport: transport,
                logger: logger)
        }
    }

    /// A `_bulk` answer with failed items: refused ones are set aside; those that may succeed later (429/5xx) go
    /// again alone, a few rounds; whatever still fails ends the attempt at the first such item.
    private func resolvePartial(
        _ items: ArraySlice<SiemBatch.Item>, retry: [Int], rejected: [Int: String], first: SiemSendResult,
        encoder: SiemWireEncoder, transport: any SiemTransport, logger: Logger
    ) async -> SiemDeliveryReport {
        let base = items.startIndex
        var letters: [Int: SiemDeadLetter] = [:]
        for (offset, reason) in rejected where offset < items.count {
            letters[offset] = deadLetter(items[base + offset], reason: "refused by the destination: \(reason)")
        }
        var pending = retry.filter { $0 < items.count }
        var last = first
        var round = 0
        while !pending.isEmpty && round < Self.itemRetryRounds && !Task.isCancelled {
            round += 1
            try? await Task.sleep(for: .milliseconds(200 * round))
            let subset = pending.map { items[base + $0] }
            let result = await transport.send(encoder.body(subset.lazy.map(\.bytes)), logger: logger)
            SiemMetrics.request(label: result.label)
            last = result
            switch result.verdict {
            case .delivered:
                pending = []
            case .partial(let again, let refused):
                for (offset, reason) in refused where offset < pending.count {
                    letters[pending[offset]] = deadLetter(
                        items[base + pending[offset]], reason: "refused by the destination: \(reason)")
                }
                pending = again.filter { $0 < pending.count }.map { pending[$0] }
            case .retry, .disable, .reject, .split:
                round = Self.itemRetryRounds
            }
        }
        let firstLeft = pending.min() ?? items.count
        let done = letters.filter { $0.key < firstLeft }
        var failure: SiemSendResult?
        if !pending.isEmpty {
            failure = last
            failure?.verdict = .retry(after: nil)
            failure?.message = "\(pending.count) item(s) still failing after \(Self.itemRetryRounds) rounds: \(last.message)"
        }
        return SiemDeliveryReport(
            handled: firstLeft, delivered: firstLeft - done.count,
            deadLetters: done.sorted { $0.key < $1.key }.map(\.value), failure: failure, last: last)
    }

    func deadLetter(_ item: SiemBatch.Item, reason: String) -> SiemDeadLetter {
        SiemDeadLetter(
            eventSequence: item.sequence, eventId: item.eventId, eventType: item.eventType,
            reason: String(reason.prefix(1000)), createdAt: now())
    }
}

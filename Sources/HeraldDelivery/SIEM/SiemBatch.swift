import Foundation
import HeraldCore

/// The next run of an integration's events after its cursor, rendered and encoded for its wire, within the
/// connector's batch limits.
struct SiemBatch: Sendable {
    struct Item: Sendable {
        var sequence: Int64
        var eventId: String
        var eventType: String
        var bytes: [UInt8]
    }

    var items: [Item]
    /// Events set aside while building (over the per-event limit).
    var deadLetters: [SiemDeadLetter]
    /// The last event the batch accounts for (sent, skipped by the filter, or set aside): the cursor's next
    /// position once the items are delivered.
    var through: Int64
    /// Whether the scope had nothing more after ``through`` when the batch was read.
    var reachedEnd: Bool

    /// The page of events after ``after``, already being read when the batch was built: the next batch's first page
    /// when the batch ended at the end of a page (a batch that ends inside a page leaves it unused).
    var readAhead: ReadAhead?

    struct ReadAhead: Sendable {
        var after: Int64
        var page: Task<[StoredEvent], any Error>
    }

    /// Builds the batch after `cursor`: reads events in scope in pages, keeps those the filter passes, encodes
    /// them, and stops at the first event that would break a limit (it starts the next batch) or once
    /// `scanLimit` events were read.
    ///
    /// While a page is rendered the next one is read (also past the batch's end, for the next batch:
    /// ``readAhead``); `readAhead` is the previous batch's, used when it starts at `cursor`.
    static func next(
        after cursor: Int64, integration: SiemIntegration, connector: SiemConnector, encoder: SiemWireEncoder,
        store: any SiemStore, scanLimit: Int = 20_000, now: Date, readAhead: ReadAhead? = nil
    ) async throws -> SiemBatch {
        let limits = connector.batch
        var batch = SiemBatch(items: [], deadLetters: [], through: cursor, reachedEnd: false)
        var bytes = encoder.framingOverhead(items: 0)
        var scanned = 0
        let page = min(max(limits.maxEvents, 100), 2000)
        let orgId = integration.orgId
        var pending = readAhead
        defer { pending?.page.cancel() }
        /// The batch, with the page being read after it handed over.
        func finished() -> SiemBatch {
            var result = batch
            result.readAhead = pending
            pending = nil
            return result
        }
        while scanned < scanLimit {
            let events: [StoredEvent]
            if let ahead = pending, ahead.after == batch.through {
                pending = nil
                events = try await ahead.page.value
            } else {
                pending?.page.cancel()
                pending = nil
                events = try await store.siemEvents(orgId: orgId, after: batch.through, limit: page)
            }
            scanned += events.count
            if events.count == page, let last = events.last?.columns.sequence {
                pending = ReadAhead(
                    after: last, page: Task { try await store.siemEvents(orgId: orgId, after: last, limit: page) })
            }
            let encoded = await encode(events, integration: integration, encoder: encoder, now: now)
            for (stored, encodedItem) in zip(events, encoded) {
                if batch.items.count >= limits.maxEvents { return finished() }
                let event = stored.columns
                guard var item = encodedItem else {
                    batch.through = event.sequence
                    continue
                }
                if item.count > limits.maxEventBytes {
                    switch connector.oversizeEvent {
                    case .truncate:
                        item = truncated(item, to: limits.maxEventBytes)
                    case .deadLetter:
                        batch.deadLetters.append(
                            SiemDeadLetter(
                                eventSequence: event.sequence, eventId: event.id, eventType: event.type,
                                reason: "the event is \(item.count) bytes on the \(connector.wire.rawValue) wire; "
                                    + "\(connector.name) takes at most \(limits.maxEventBytes)",
                                createdAt: now))
                        batch.through = event.sequence
                        continue
                    }
                }
                let added = item.count + (batch.items.isEmpty ? 0 : encoder.framingOverhead(items: 2) - encoder.framingOverhead(items: 1))
                if !batch.items.isEmpty && bytes + added > limits.maxBytes { return finished() }
                bytes += added
                batch.items.append(Item(sequence: event.sequence, eventId: event.id, eventType: event.type, bytes: item))
                batch.through = event.sequence
            }
            if events.count < page {
                batch.reachedEnd = true
                return finished()
            }
            // Full: the page read ahead is the next batch's (reading it now would only wait for it).
            if batch.items.count >= limits.maxEvents { return finished() }
        }
        return finished()
    }

    /// The wire items of the events the filter passes (nil for the others), in order. A large page is rendered
    /// in two halves at once, so that rendering (most of a forward's work) uses two cores.
    static func encode(
        _ events: [StoredEvent], integration: SiemIntegration, encoder: SiemWireEncoder, now: Date
    ) async -> [[UInt8]?] {
        @Sendable func encode(_ part: ArraySlice<StoredEvent>) -> [[UInt8]?] {
            // The filter reads the type and severity only, which are columns.
            part.map { integration.matches($0.columns) ? encoder.item(for: $0, now: now) : nil }
        }
        guard events.count >= parallelThreshold, ProcessInfo.processInfo.activeProcessorCount > 1 else {
            return encode(events[...])
        }
        let middle = events.count / 2
        async let first = encode(events[..<middle])
        let second = encode(events[middle...])
        return await first + second
    }

    /// Pages smaller than this are rendered on one core (a child task costs more than it saves).
    static let parallelThreshold = 128

    /// The first `limit` bytes, cut back to a UTF-8 character boundary.
    static func truncated(_ bytes: [UInt8], to limit: Int) -> [UInt8] {
        guard bytes.count > limit else { return bytes }
        var end = limit
        // Continuation bytes are 10xxxxxx: step back to the start of the character that would be cut.
        while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return Array(bytes[..<end])
    }
}

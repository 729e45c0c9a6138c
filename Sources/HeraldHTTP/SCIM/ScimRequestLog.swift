import Foundation
import HeraldCore
import Logging
import Synchronization

/// Buffers SCIM request-log lines and writes them in batches, so that logging is not one write per request.
///
/// A batch is written 200 ms after its first line (or at once when 256 lines wait); ``flush()`` writes what waits
/// (the admin route calls it before reading the log). Lines still buffered when the process is killed are lost:
/// at most 200 ms of log, never directory data. Appending takes a lock, not an actor hop: every SCIM request
/// appends one line on its way out.
public final class ScimRequestLog: Sendable {
    private struct Buffer {
        var pending: [ScimRequestLogEntry] = []
        var scheduled = false
    }

    private enum Next {
        case nothing, flushNow, flushLater
    }

    private let store: any ScimStore
    private let logger: Logger
    private let buffer = Mutex(Buffer())

    public init(store: any ScimStore, logger: Logger = Logger(label: "herald.scim")) {
        self.store = store
        self.logger = logger
    }

    func append(_ entry: ScimRequestLogEntry) {
        let next = buffer.withLock { buffer -> Next in
            buffer.pending.append(entry)
            if buffer.pending.count % 256 == 0 { return .flushNow }
            guard !buffer.scheduled else { return .nothing }
            buffer.scheduled = true
            return .flushLater
        }
        switch next {
        case .nothing:
            break
        case .flushNow:
            Task { await self.flush() }
        case .flushLater:
            Task {
                try? await Task.sleep(for: .milliseconds(200))
                await self.flush()
            }
        }
    }

    /// Writes every buffered line.
    public func flush() async {
        let batch = buffer.withLock { buffer -> [ScimRequestLogEntry] in
            buffer.scheduled = false
            defer { buffer.pending = [] }
            return buffer.pending
        }
        guard !batch.isEmpty else { return }
        do {
            try await store.appendScimRequests(batch)
        } catch {
            logger.warning("could not write the SCIM request log", metadata: ["error": "\(error)", "lines": "\(batch.count)"])
        }
    }
}

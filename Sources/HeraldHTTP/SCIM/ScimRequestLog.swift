import Foundation
import HeraldCore
import Logging

/// Buffers SCIM request-log lines and writes them in batches, so that logging is not one write per request.
///
/// A batch is written 200 ms after its first line (or at once when 256 lines wait); ``flush()`` writes what waits
/// (the admin route calls it before reading the log). Lines still buffered when the process is killed are lost:
/// at most 200 ms of log, never directory data.
public actor ScimRequestLog {
    private let store: any ScimStore
    private let logger: Logger
    private var pending: [ScimRequestLogEntry] = []
    private var scheduled = false

    public init(store: any ScimStore, logger: Logger = Logger(label: "herald.scim")) {
        self.store = store
        self.logger = logger
    }

    func append(_ entry: ScimRequestLogEntry) {
        pending.append(entry)
        if pending.count >= 256 {
            Task { await self.flush() }
        } else if !scheduled {
            scheduled = true
            Task {
                try? await Task.sleep(for: .milliseconds(200))
                await self.flush()
            }
        }
    }

    /// Writes every buffered line.
    public func flush() async {
        scheduled = false
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = []
        do {
            try await store.appendScimRequests(batch)
        } catch {
            logger.warning("could not write the SCIM request log", metadata: ["error": "\(error)", "lines": "\(batch.count)"])
        }
    }
}

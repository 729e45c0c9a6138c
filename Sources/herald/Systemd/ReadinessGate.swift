import Synchronization

/// A one-shot signal that the daemon is ready to serve: the server wiring fulfils it once every listener is
/// bound, and ``SystemdService`` then sends `READY=1`.
///
/// It expects a number of parts (one per listener, say); it opens when the last one arrives, and its status
/// text is the parts' texts joined with `"; "`. Waiting honours task cancellation. ``fulfil(status:)`` is
/// synchronous so that it can be called from any callback (Hummingbird's `onServerRunning`).
final class ReadinessGate: Sendable {
    private struct State {
        var remaining: Int
        var statuses: [String] = []
        var isOpen: Bool { remaining <= 0 }
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<String, any Error>] = [:]
    }

    private let state: Mutex<State>

    /// A gate that opens after `parts` calls of ``fulfil(status:)`` (at least one).
    init(parts: Int = 1) {
        state = Mutex(State(remaining: max(parts, 1)))
    }

    /// Records one part as ready; the gate opens with the last part. Calls after that are ignored.
    func fulfil(status: String? = nil) {
        let (waiters, text): ([CheckedContinuation<String, any Error>], String?) = state.withLock { state in
            guard !state.isOpen else { return ([], nil) }
            if let status, !status.isEmpty { state.statuses.append(status) }
            state.remaining -= 1
            guard state.isOpen else { return ([], nil) }
            let waiters = Array(state.waiters.values)
            state.waiters = [:]
            return (waiters, state.statuses.joined(separator: "; "))
        }
        if let text {
            for waiter in waiters { waiter.resume(returning: text) }
        }
    }

    /// Whether every part has arrived.
    var isOpen: Bool { state.withLock { $0.isOpen } }

    /// Waits until the gate opens.
    /// - Returns: the status text of the parts.
    /// - Throws: `CancellationError` when the waiting task is cancelled first.
    func wait() async throws -> String {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, any Error>) in
                let outcome: Result<String, any Error>? = state.withLock { state in
                    if state.isOpen { return .success(state.statuses.joined(separator: "; ")) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }
}

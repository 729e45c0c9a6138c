import Foundation
import HeraldCore
import Synchronization

/// Counts failed authentications per client address in a fixed window and blocks an address that
/// exceeds the allowance until its window ends.
///
/// Every authenticated request asks it first; a lock, not an actor, so that the question costs no executor hop.
public final class FailedAuthenticationLimiter: Sendable {
    private struct Window {
        var start: ContinuousClock.Instant
        var failures: Int
    }

    private let allowance: Int
    private let window: Duration
    private let maxTrackedAddresses: Int
    private let windows = Mutex<[String: Window]>([:])

    /// - Parameters:
    ///   - allowance: failures allowed per address per window.
    ///   - window: the window's length.
    ///   - maxTrackedAddresses: bound on memory; expired windows are dropped first, then everything.
    public init(allowance: Int, window: Duration, maxTrackedAddresses: Int = 100_000) {
        self.allowance = allowance
        self.window = window
        self.maxTrackedAddresses = maxTrackedAddresses
    }

    /// Seconds until the address may try again, or nil when it is not blocked.
    public func retryAfter(address: String) -> Int? {
        let now = ContinuousClock.now
        return windows.withLock { windows in retryAfter(address: address, now: now, in: &windows) }
    }

    /// Records a failure; returns the seconds to wait when this failure used up the allowance.
    @discardableResult
    public func recordFailure(address: String) -> Int? {
        let now = ContinuousClock.now
        return windows.withLock { windows in
            if windows.count >= maxTrackedAddresses {
                windows = windows.filter { now < $0.value.start + window }
                if windows.count >= maxTrackedAddresses { windows.removeAll() }
            }
            var entry = windows[address] ?? Window(start: now, failures: 0)
            if now >= entry.start + window { entry = Window(start: now, failures: 0) }
            entry.failures += 1
            windows[address] = entry
            return entry.failures >= allowance ? retryAfter(address: address, now: now, in: &windows) : nil
        }
    }

    private func retryAfter(address: String, now: ContinuousClock.Instant, in windows: inout [String: Window]) -> Int? {
        guard let entry = windows[address] else { return nil }
        let end = entry.start + window
        if now >= end {
            windows[address] = nil
            return nil
        }
        guard entry.failures >= allowance else { return nil }
        return max(1, Int((end - now).components.seconds) + 1)
    }
}

extension FailedAuthenticationLimiter {
    /// Throws 429 (with `Retry-After`) while the address is blocked.
    func refuseIfBlocked(address: String) throws {
        if let wait = retryAfter(address: address) { throw Self.tooMany(wait) }
    }

    /// Records a failed authentication; throws 429 when it used up the allowance.
    func refuseAfterFailure(address: String) throws {
        if let wait = recordFailure(address: address) { throw Self.tooMany(wait) }
    }

    private static func tooMany(_ wait: Int) -> HeraldError {
        HeraldError(.tooManyRequests, "Too many failed authentications; retry later", retryAfter: wait)
    }
}

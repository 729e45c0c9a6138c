import Foundation
import HeraldCore

/// Counts failed authentications per client address in a fixed window and blocks an address that
/// exceeds the allowance until its window ends.
public actor FailedAuthenticationLimiter {
    private struct Window {
        var start: ContinuousClock.Instant
        var failures: Int
    }

    private let allowance: Int
    private let window: Duration
    private let maxTrackedAddresses: Int
    private var windows: [String: Window] = [:]

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
        guard let entry = windows[address] else { return nil }
        let now = ContinuousClock.now
        let end = entry.start + window
        if now >= end {
            windows[address] = nil
            return nil
        }
        guard entry.failures >= allowance else { return nil }
        return max(1, Int((end - now).components.seconds) + 1)
    }

    /// Records a failure; returns the seconds to wait when this failure used up the allowance.
    @discardableResult
    public func recordFailure(address: String) -> Int? {
        let now = ContinuousClock.now
        if windows.count >= maxTrackedAddresses {
            windows = windows.filter { now < $0.value.start + window }
            if windows.count >= maxTrackedAddresses { windows.removeAll() }
        }
        var entry = windows[address] ?? Window(start: now, failures: 0)
        if now >= entry.start + window { entry = Window(start: now, failures: 0) }
        entry.failures += 1
        windows[address] = entry
        return entry.failures >= allowance ? retryAfter(address: address) : nil
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

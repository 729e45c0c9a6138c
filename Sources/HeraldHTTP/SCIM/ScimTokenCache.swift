import Foundation
import HeraldCore
import Synchronization

/// Remembers recently checked SCIM tokens for one second, so that a burst of SCIM requests does not read the token
/// and its organization once per request. A revoked or deleted token, or a suspended organization, is refused at
/// most one second later. Tokens are kept by their SHA-256 hash, never in clear; the cache holds at most 10,000.
final class ScimTokenCache: Sendable {
    private struct Entry {
        var principal: ScimPrincipal
        var until: ContinuousClock.Instant
    }

    static let lifetime: Duration = .seconds(1)
    private static let capacity = 10_000
    private let entries = Mutex<[String: Entry]>([:])

    /// The principal of `token`: from the cache while it is fresh, else from `load` (nil results are not kept).
    func principal(for token: String, load: (String) async throws -> ScimPrincipal?) async throws -> ScimPrincipal? {
        let key = SecretToken.hash(token)
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[key] }), entry.until > now { return entry.principal }
        guard let principal = try await load(token) else {
            entries.withLock { _ = $0.removeValue(forKey: key) }
            return nil
        }
        entries.withLock { cache in
            if cache.count >= Self.capacity { cache.removeAll(keepingCapacity: true) }
            cache[key] = Entry(principal: principal, until: now + Self.lifetime)
        }
        return principal
    }
}

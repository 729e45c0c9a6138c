import Foundation
import HeraldCore
import Synchronization

/// What the deliverer needs of an endpoint for an attempt: the endpoint, its signing keys (unsealed) and its
/// organization's status, kept between attempts so that a burst of deliveries does not read and unseal them each time.
///
/// Every change to an endpoint or an organization's status records an event, and the store's commit hook calls
/// ``invalidateAll()`` after any transaction that recorded events, so an entry never outlives the state it was read
/// from by more than that commit. Writes that record no event (the deliverer's own auto-disable bookkeeping) call
/// ``invalidate(_:)``. Entries also expire after ``timeToLive``, a bound for anything that slips past both.
public final class WebhookEndpointCache: Sendable {
    /// An endpoint as one attempt uses it.
    public struct Target: Sendable {
        public var endpoint: WebhookEndpoint
        public var keys: SigningKeys
        /// nil when the organization no longer exists.
        public var organizationStatus: OrganizationStatus?

        public init(endpoint: WebhookEndpoint, keys: SigningKeys, organizationStatus: OrganizationStatus?) {
            self.endpoint = endpoint
            self.keys = keys
            self.organizationStatus = organizationStatus
        }
    }

    /// A read began at this generation; it may be kept only if nothing was invalidated since.
    public struct Ticket: Sendable {
        let generation: UInt64
    }

    private struct Entry {
        var target: Target
        var loadedAt: ContinuousClock.Instant
    }

    private struct State {
        var generation: UInt64 = 0
        var entries: [String: Entry] = [:]
    }

    public let timeToLive: Duration
    /// The most endpoints kept; beyond it the cache starts again empty (deliveries then read the store).
    public let capacity: Int
    private let state = Mutex(State())

    public init(timeToLive: Duration = .seconds(5), capacity: Int = 10_000) {
        self.timeToLive = timeToLive
        self.capacity = max(1, capacity)
    }

    /// The cached target of `endpointId`, when it is fresh.
    public func target(_ endpointId: String) -> Target? {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let entry = state.entries[endpointId], now - entry.loadedAt < timeToLive else { return nil }
            return entry.target
        }
    }

    /// Call before reading the store for an endpoint; pass the ticket to ``keep(_:_:ticket:)``.
    public func ticket() -> Ticket {
        state.withLock { Ticket(generation: $0.generation) }
    }

    /// Keeps what was read with `ticket`, unless the cache was invalidated while it was read.
    public func keep(_ endpointId: String, _ target: Target, ticket: Ticket) {
        let now = ContinuousClock.now
        state.withLock { state in
            guard state.generation == ticket.generation else { return }
            if state.entries.count >= capacity, state.entries[endpointId] == nil { state.entries.removeAll() }
            state.entries[endpointId] = Entry(target: target, loadedAt: now)
        }
    }

    /// Forgets one endpoint.
    public func invalidate(_ endpointId: String) {
        state.withLock { state in
            state.generation &+= 1
            state.entries[endpointId] = nil
        }
    }

    /// Forgets everything (after any commit that recorded events); cheap, callable from any thread.
    @Sendable public func invalidateAll() {
        state.withLock { state in
            state.generation &+= 1
            state.entries.removeAll(keepingCapacity: true)
        }
    }
}

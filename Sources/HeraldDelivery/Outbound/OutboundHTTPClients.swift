import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// The process's outbound HTTP clients, each connecting only to addresses that ``OutboundAddressGuard`` vetted.
///
/// - A URL whose host is an IP literal goes through the one shared client: AsyncHTTPClient connects to a
///   literal without resolving anything, so the vetted address is the connected one.
/// - A URL with a host name goes through a client pinned to that host's vetted address
///   (`HTTPClient.Configuration.dnsOverride`, see `OutboundDestination.pinnedClientConfiguration`): it
///   connects to the address without a second resolution, while SNI and certificate verification use the
///   host name. One client per host is cached; when a later vetting pins another address, the old client is
///   retired (shut down once its in-flight requests are done) and a new one replaces it.
///
/// Every client follows no redirects, shares one event loop group and has the configured connect timeout.
/// The cache is bounded (``capacity``; the least recently used idle client is retired first) and idle clients
/// are retired after ``idleLifetime``. ``shutdown()`` closes everything (after the job processor has stopped).
///
/// What remains of the rebinding window: nothing between vetting and connecting. A pinned client's pooled
/// keep-alive connection may outlive the DNS answer it was vetted from; it still goes to a vetted address.
public actor OutboundHTTPClients {
    /// A client handed out by ``acquire(for:)``; give it back with ``release(_:)`` once the response is read.
    public struct Lease: Sendable {
        public let client: HTTPClient
        let slot: ObjectIdentifier?
    }

    private struct Slot {
        let host: String
        let address: String
        let client: HTTPClient
        var inUse = 0
        var lastUsed: ContinuousClock.Instant
        var retired = false
    }

    /// The configuration every client starts from (timeouts; redirects are always disallowed).
    public nonisolated let baseConfiguration: HTTPClient.Configuration
    /// The client for IP-literal hosts.
    public nonisolated let shared: HTTPClient
    /// The most pinned clients kept (idle ones beyond it are retired).
    public nonisolated let capacity: Int
    /// How long an unused pinned client is kept.
    public nonisolated let idleLifetime: Duration
    private let eventLoopGroup: any EventLoopGroup
    private var slots: [ObjectIdentifier: Slot] = [:]
    private var currentByHost: [String: ObjectIdentifier] = [:]
    private var lastSweep = ContinuousClock.now
    private var isShutDown = false

    /// - Parameters:
    ///   - connectTimeout: the TCP (and TLS) connect timeout of every client.
    ///   - capacity: the most pinned clients kept at once.
    ///   - idleLifetime: how long an unused pinned client is kept.
    public init(
        connectTimeout: Duration = .seconds(5), capacity: Int = 256, idleLifetime: Duration = .seconds(300),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .nanoseconds(Int64(connectTimeout.inSeconds * 1e9))))
        configuration.connectionPool = .init(idleTimeout: .seconds(60))
        configuration.httpVersion = .automatic
        self.baseConfiguration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.capacity = max(1, capacity)
        self.idleLifetime = idleLifetime
        self.shared = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: configuration)
    }

    /// Pinned clients currently cached (for tests and gauges).
    public var pinnedCount: Int { currentByHost.count }

    /// The client to send a request to `destination` with: the shared one for an IP literal, else the
    /// host's pinned client for the first vetted address (created or replaced as needed).
    public func acquire(for destination: OutboundDestination) async -> Lease {
        let override = destination.dnsOverride
        guard let address = override[destination.host], !isShutDown else { return Lease(client: shared, slot: nil) }
        await sweepIfDue()
        let now = ContinuousClock.now
        if let id = currentByHost[destination.host], var slot = slots[id] {
            if slot.address == address {
                slot.inUse += 1
                slot.lastUsed = now
                slots[id] = slot
                return Lease(client: slot.client, slot: id)
            }
            await retire(id)
        }
        let client = HTTPClient(
            eventLoopGroup: eventLoopGroup, configuration: destination.pinnedClientConfiguration(base: baseConfiguration))
        let id = ObjectIdentifier(client)
        slots[id] = Slot(host: destination.host, address: address, client: client, inUse: 1, lastUsed: now)
        currentByHost[destination.host] = id
        await evictBeyondCapacity()
        return Lease(client: client, slot: id)
    }

    /// Gives back a client from ``acquire(for:)``; a retired client is shut down with its last request.
    public func release(_ lease: Lease) async {
        guard let id = lease.slot, var slot = slots[id] else { return }
        slot.inUse -= 1
        slot.lastUsed = ContinuousClock.now
        slots[id] = slot
        if slot.retired && slot.inUse <= 0 { await close(id) }
    }

    /// Shuts every client down; later requests fail with `alreadyShutdown`.
    public func shutdown() async {
        isShutDown = true
        for id in Array(slots.keys) { await close(id) }
        currentByHost = [:]
        try? await shared.shutdown()
    }

    // MARK: Retiring

    /// Takes a client out of the cache; it is closed now if idle, else when its last request is released.
    private func retire(_ id: ObjectIdentifier) async {
        guard var slot = slots[id] else { return }
        if currentByHost[slot.host] == id { currentByHost[slot.host] = nil }
        slot.retired = true
        slots[id] = slot
        if slot.inUse <= 0 { await close(id) }
    }

    private func close(_ id: ObjectIdentifier) async {
        guard let slot = slots.removeValue(forKey: id) else { return }
        if currentByHost[slot.host] == id { currentByHost[slot.host] = nil }
        try? await slot.client.shutdown()
    }

    private func evictBeyondCapacity() async {
        while currentByHost.count > capacity {
            let idle = currentByHost.values.compactMap { id in slots[id].map { (id, $0) } }.filter { $0.1.inUse == 0 }
            guard let oldest = idle.min(by: { $0.1.lastUsed < $1.1.lastUsed }) else { return }
            await retire(oldest.0)
        }
    }

    /// Retires clients unused for ``idleLifetime``, at most once every ten seconds.
    private func sweepIfDue() async {
        let now = ContinuousClock.now
        guard now - lastSweep >= .seconds(10) else { return }
        lastSweep = now
        for (id, slot) in slots where slot.inUse == 0 && now - slot.lastUsed >= idleLifetime {
            await retire(id)
        }
    }
}

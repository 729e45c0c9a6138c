import NIOCore

/// A connection to one syslog receiver kept across batches: opened on the first ``send(_:)``, reused while it
/// stays open, dropped on any error and reopened by the next send.
///
/// Plain TCP syslog has no application-level acknowledgement: a batch counts as sent once its bytes are in
/// the kernel's socket buffer. A connection the receiver closed while idle is noticed (the channel goes
/// inactive on EOF) and replaced before the next batch instead of losing that batch to it.
public actor SyslogConnection {
    /// Turns the endpoint into the address to connect to (resolve, then vet against the outbound policy);
    /// called before every connect, so a DNS change is vetted again.
    public typealias AddressResolver = @Sendable (_ endpoint: SyslogEndpoint) async throws -> SocketAddress

    public nonisolated let client: SyslogClient
    private let resolveAddress: AddressResolver?
    private var current: SyslogChannel?

    /// - Parameter resolveAddress: `nil` lets NIO resolve the host itself (no vetting).
    public init(client: SyslogClient, resolveAddress: AddressResolver? = nil) {
        self.client = client
        self.resolveAddress = resolveAddress
    }

    /// Whether an open connection is kept.
    public var isConnected: Bool { current?.isActive ?? false }

    /// Writes a batch of framed messages (``SyslogFraming/octetCounted(_:)``), connecting first if needed, and
    /// returns once all of it has been written and flushed.
    ///
    /// - Throws: ``SyslogError``, or what the address resolver throws; the connection is dropped on any error.
    public func send(_ frames: [[UInt8]]) async throws {
        guard !frames.isEmpty else { return }
        let connection = try await open()
        do {
            try await client.write(frames, on: connection)
        } catch {
            if current?.channel === connection.channel { current = nil }
            await client.close(connection)
            throw error
        }
    }

    /// Closes the kept connection, if any (TLS close_notify included).
    public func close() async {
        guard let connection = current else { return }
        current = nil
        await client.close(connection)
    }

    private func open() async throws -> SyslogChannel {
        if let current, current.isActive { return current }
        if let stale = current {
            current = nil
            await client.close(stale)
        }
        let address = try await resolveAddress?(client.configuration.endpoint)
        let connection = try await client.connect(to: address)
        if let other = current, other.isActive {  // a concurrent send connected first
            await client.close(connection)
            return other
        }
        current = connection
        return connection
    }
}

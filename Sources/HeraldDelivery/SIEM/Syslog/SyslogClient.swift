import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Connects to one syslog receiver over TCP or TLS and writes octet-counted batches to it, without blocking
/// the async executor (SwiftNIO event loops; every wait is an `EventLoopFuture.get()`).
///
/// A client is a value: its configuration and, for TLS, one NIOSSL context shared by all its connections.
/// Keep connections across batches with ``SyslogConnection``; ``send(_:to:)`` is the one-shot variant
/// (connect, write, close) for a destination test.
public struct SyslogClient: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var endpoint: SyslogEndpoint
        /// Used when the endpoint's transport is `.tls`.
        public var tls: SyslogTLSOptions
        /// Bounds the TCP connect and, over TLS, the handshake together.
        public var connectTimeout: Duration
        /// Bounds one batch from its first write until the last byte is flushed to the socket.
        public var writeTimeout: Duration

        public init(
            endpoint: SyslogEndpoint, tls: SyslogTLSOptions = SyslogTLSOptions(),
            connectTimeout: Duration = .seconds(10), writeTimeout: Duration = .seconds(30)
        ) {
            self.endpoint = endpoint
            self.tls = tls
            self.connectTimeout = connectTimeout
            self.writeTimeout = writeTimeout
        }
    }

    public let configuration: Configuration
    private let sslContext: NIOSSLContext?
    private let group: any EventLoopGroup

    /// - Throws: ``SyslogError`` `tlsConfiguration` when the TLS options cannot be used.
    public init(configuration: Configuration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        self.configuration = configuration
        self.group = group
        self.sslContext = configuration.endpoint.transport == .tls ? try configuration.tls.makeContext() : nil
    }

    /// Connects, writes `frames` and closes: the one-shot path of a destination test.
    ///
    /// - Parameter address: the vetted address to connect to; `nil` lets NIO resolve the endpoint's host.
    public func send(_ frames: [[UInt8]], to address: SocketAddress? = nil) async throws {
        let channel = try await connect(to: address)
        do {
            try await write(frames, on: channel)
        } catch {
            await close(channel)
            throw error
        }
        await close(channel)
    }

    /// Opens a connection, ready to write once this returns (TLS handshake done).
    ///
    /// - Parameter address: where to connect instead of resolving ``SyslogEndpoint/host`` (an SSRF guard's
    ///   vetted address); TLS still verifies the certificate against the host.
    /// - Throws: ``SyslogError`` (`unresolvable`, `connectionRefused`, `connectTimeout`, `connectFailed`,
    ///   `tlsHandshakeFailed`).
    func connect(to address: SocketAddress?) async throws -> SyslogChannel {
        let endpoint = configuration.endpoint
        let eventLoop = group.next()
        let state = SyslogChannelHandler.State(ready: eventLoop.makePromise(of: Void.self))
        let deadline = NIODeadline.now() + TimeAmount(configuration.connectTimeout)
        let sslContext = self.sslContext
        let serverName = Self.isIPAddress(endpoint.host) ? nil : endpoint.host
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    if let sslContext {
                        try operations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                    }
                    try operations.addHandler(SyslogChannelHandler(state: state, waitsForHandshake: sslContext != nil))
                }
            }
        let channel: any Channel
        do {
            if let address {
                channel = try await bootstrap.connect(to: address).get()
            } else {
                channel = try await bootstrap.connect(host: endpoint.host, port: endpoint.port).get()
            }
        } catch {
            state.ready.fail(error)
            throw Self.connectError(error, endpoint: endpoint, timeout: configuration.connectTimeout)
        }
        let timeout = eventLoop.scheduleTask(deadline: deadline) {
            state.record(ChannelError.connectTimeout(TimeAmount(configuration.connectTimeout)))  // before close's errors
            channel.close(promise: nil)
        }
        defer { timeout.cancel() }
        do {
            try await state.ready.futureResult.get()
        } catch {
            channel.close(promise: nil)
            throw Self.connectError(state.firstError ?? error, endpoint: endpoint, timeout: configuration.connectTimeout)
        }
        return SyslogChannel(channel: channel, state: state)
    }

    /// Writes `frames` (already framed) as one flush and returns once every byte was written to the socket.
    ///
    /// - Throws: ``SyslogError`` `writeTimeout` (the connection is closed), or `writeFailed` with the cause.
    func write(_ frames: [[UInt8]], on connection: SyslogChannel) async throws {
        guard !frames.isEmpty else { return }
        let channel = connection.channel
        var buffer = channel.allocator.buffer(capacity: frames.reduce(0) { $0 + $1.count })
        for frame in frames { buffer.writeBytes(frame) }
        let done = channel.eventLoop.makePromise(of: Void.self)
        let (endpoint, writeTimeout, size) = (configuration.endpoint, configuration.writeTimeout, buffer.readableBytes)
        let timeout = channel.eventLoop.scheduleTask(in: TimeAmount(writeTimeout)) {
            done.fail(SyslogError(.writeTimeout, "\(endpoint) did not take \(size) bytes within \(writeTimeout)"))
            channel.close(promise: nil)
        }
        channel.writeAndFlush(buffer).cascade(to: done)
        defer { timeout.cancel() }
        do {
            try await done.futureResult.get()
        } catch let error as SyslogError {
            throw error
        } catch {
            let cause = connection.state.firstError ?? error
            throw SyslogError(.writeFailed, "writing to \(configuration.endpoint) failed: \(Self.reason(cause))", cause: cause)
        }
    }

    /// Closes the connection; over TLS after exchanging close_notify (bounded by the TLS shutdown timeout).
    func close(_ connection: SyslogChannel) async {
        try? await connection.channel.close().get()
    }

    private static func connectError(_ error: any Error, endpoint: SyslogEndpoint, timeout: Duration) -> SyslogError {
        if let error = error as? SyslogError { return error }
        if let error = error as? NIOConnectionError {
            if let dns = error.dnsAError ?? error.dnsAAAAError, error.connectionErrors.isEmpty {
                return SyslogError(.unresolvable, "\(endpoint.host) does not resolve: \(dns)", cause: error)
            }
            if let first = error.connectionErrors.first?.error {
                let mapped = connectError(first, endpoint: endpoint, timeout: timeout)
                return SyslogError(mapped.code, mapped.message, cause: error)
            }
        }
        if case ChannelError.connectTimeout = error {
            return SyslogError(.connectTimeout, "no connection to \(endpoint) within \(timeout)", cause: error)
        }
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED {
            return SyslogError(.connectionRefused, "\(endpoint) refused the connection", cause: error)
        }
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return SyslogError(
                .tlsHandshakeFailed, "TLS handshake with \(endpoint) failed: the server certificate does not name \(endpoint.host)",
                cause: error)
        }
        if error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            return SyslogError(.tlsHandshakeFailed, "TLS handshake with \(endpoint) failed: \(reason(error))", cause: error)
        }
        return SyslogError(.connectFailed, "cannot connect to \(endpoint): \(reason(error))", cause: error)
    }

    /// A readable reason: NIOSSL's handshake errors carry BoringSSL's queue (`CERTIFICATE_VERIFY_FAILED`…).
    private static func reason(_ error: any Error) -> String {
        if let error = error as? IOError { return "\(error.description) (errno \(error.errnoCode))" }
        return String(describing: error)
    }

    private static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

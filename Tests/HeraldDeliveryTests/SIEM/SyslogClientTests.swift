import Foundation
import HeraldDelivery
import NIOCore
import Testing

/// The syslog client's endpoint parsing, TLS options and failure paths, against bare loopback listeners.
@Suite("syslog client", .serialized)
struct SyslogClientTests {
    static func frames(_ texts: [String]) -> [[UInt8]] {
        texts.map { SyslogFraming.octetCounted(Array($0.utf8)) }
    }

    static func client(
        _ transport: SyslogEndpoint.Transport = .tcp, port: Int, connectTimeout: Duration = .seconds(5),
        writeTimeout: Duration = .seconds(5)
    ) throws -> SyslogClient {
        try SyslogClient(
            configuration: .init(
                endpoint: SyslogEndpoint(transport: transport, host: "127.0.0.1", port: port),
                connectTimeout: connectTimeout, writeTimeout: writeTimeout))
    }

    @Test("endpoint URLs: tcp:// and tls://, default ports 514 and 6514, bracketed IPv6")
    func endpoints() throws {
        #expect(try SyslogEndpoint(url: "tcp://siem.example:1514") == .init(transport: .tcp, host: "siem.example", port: 1514))
        #expect(try SyslogEndpoint(url: "TLS://siem.example") == .init(transport: .tls, host: "siem.example", port: 6514))
        #expect(try SyslogEndpoint(url: "tcp://10.0.0.1/") == .init(transport: .tcp, host: "10.0.0.1", port: 514))
        #expect(try SyslogEndpoint(url: "tls://[2001:db8::1]:6514") == .init(transport: .tls, host: "2001:db8::1", port: 6514))
        #expect(SyslogEndpoint(transport: .tls, host: "2001:db8::1", port: 6514).description == "tls://[2001:db8::1]:6514")
        for bad in [
            "udp://h:514", "h:514", "tcp://", "tcp://h:0", "tcp://h:70000", "tcp://h:x", "tcp://u@h:514",
            "tcp://h:514/path", "tcp://[::1", "tcp://[::1]x", "tcp://h h:514",
        ] {
            #expect(throws: SyslogError.self, "\(bad)") { try SyslogEndpoint(url: bad) }
        }
    }

    @Test("unusable TLS material is a configuration error, not a connection error")
    func tlsConfiguration() throws {
        let endpoint = SyslogEndpoint(transport: .tls, host: "localhost", port: 6514)
        for options in [
            SyslogTLSOptions(trustedCertificatesPEM: "not a pem"),
            SyslogTLSOptions(trustedCertificatesPEM: ""),
            SyslogTLSOptions(clientCertificatePEM: "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n"),
            SyslogTLSOptions(clientPrivateKeyPEM: "key"),
        ] {
            let error = #expect(throws: SyslogError.self) {
                try SyslogClient(configuration: .init(endpoint: endpoint, tls: options))
            }
            #expect(error?.code == .tlsConfiguration)
            #expect(error?.code.isRetryable == false)
        }
        // Plain TCP ignores the TLS options.
        _ = try SyslogClient(
            configuration: .init(endpoint: .init(transport: .tcp, host: "h", port: 1), tls: .init(trustedCertificatesPEM: "x")))
    }

    @Test("nothing listening: connection_refused, naming the endpoint")
    func refused() async throws {
        let listener = try await SyslogTestListener.start()
        let port = listener.port
        await listener.stop()
        let error = await #expect(throws: SyslogError.self) {
            try await Self.client(port: port).send(Self.frames(["x"]))
        }
        #expect(error?.code == .connectionRefused)
        #expect(error?.message == "tcp://127.0.0.1:\(port) refused the connection")
        #expect(error?.code.isRetryable == true)
    }

    @Test("a TLS receiver that never answers the ClientHello: connect_timeout, the handshake is bounded")
    func handshakeTimeout() async throws {
        let listener = try await SyslogTestListener.start()
        defer { Task { await listener.stop() } }
        let started = ContinuousClock.now
        let error = await #expect(throws: SyslogError.self) {
            try await Self.client(.tls, port: listener.port, connectTimeout: .milliseconds(300)).send(Self.frames(["x"]))
        }
        #expect(error?.code == .connectTimeout)
        #expect(ContinuousClock.now - started < .seconds(3))
        #expect(listener.received.first?.first == 0x16, "a TLS handshake record was sent")
    }

    @Test("a receiver that stops reading: write_timeout, and the connection is dropped")
    func writeTimeout() async throws {
        let listener = try await SyslogTestListener.start(reads: false)
        defer { Task { await listener.stop() } }
        let connection = SyslogConnection(client: try Self.client(port: listener.port, writeTimeout: .milliseconds(500)))
        let large = [[UInt8]](repeating: [UInt8](repeating: 0x61, count: 1 << 20), count: 32)
        let started = ContinuousClock.now
        let error = await #expect(throws: SyslogError.self) { try await connection.send(large) }
        #expect(error?.code == .writeTimeout)
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(await connection.isConnected == false)
    }

    @Test("one connection serves many batches; a connection the receiver closed is replaced before the next")
    func reuseAndReconnect() async throws {
        let listener = try await SyslogTestListener.start()
        defer { Task { await listener.stop() } }
        let connection = SyslogConnection(client: try Self.client(port: listener.port))
        try await connection.send(Self.frames(["one"]))
        try await connection.send(Self.frames(["two", "three"]))
        try await Self.eventually { listener.received.first?.count == 17 }
        #expect(listener.connectionCount == 1)
        #expect(listener.received == [Array("3 one3 two5 three".utf8)])

        await listener.closeConnections()
        try await Self.eventually { await connection.isConnected == false }
        try await connection.send(Self.frames(["four"]))
        try await Self.eventually { listener.received.count == 2 && listener.received[1].count == 6 }
        #expect(listener.received[1] == Array("4 four".utf8))
        await connection.close()
        #expect(await connection.isConnected == false)
    }

    @Test("the address resolver decides where to connect; its error ends the send")
    func addressResolver() async throws {
        let listener = try await SyslogTestListener.start()
        defer { Task { await listener.stop() } }
        let client = try SyslogClient(
            configuration: .init(endpoint: .init(transport: .tcp, host: "siem.invalid", port: listener.port)))
        let pinned = SyslogConnection(client: client) { endpoint in
            try SocketAddress(ipAddress: "127.0.0.1", port: endpoint.port)
        }
        try await pinned.send(Self.frames(["pinned"]))
        try await Self.eventually { listener.received.first?.count == 8 }
        await pinned.close()

        struct Refused: Error {}
        let vetted = SyslogConnection(client: client) { _ in throw Refused() }
        await #expect(throws: Refused.self) { try await vetted.send(Self.frames(["x"])) }
    }

    static func eventually(
        _ condition: @Sendable () async -> Bool, timeout: Duration = .seconds(5), sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while await !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not met within \(timeout)", sourceLocation: sourceLocation)
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

import Foundation
import HeraldCore
import Logging
import NIOCore

/// Makes the transport of each integration: HTTP through the shared outbound clients, syslog through a
/// connection kept per integration (reopened when its settings change), both through the SSRF guard.
public actor SiemTransports {
    let addressGuard: OutboundAddressGuard
    let clients: OutboundHTTPClients
    /// The total time of one request (HTTP) or one batch's write (syslog).
    let requestTimeout: Duration
    let connectTimeout: Duration
    private var syslog: [String: (fingerprint: String, connection: SyslogConnection)] = [:]

    public init(
        addressGuard: OutboundAddressGuard, clients: OutboundHTTPClients, requestTimeout: Duration = .seconds(30),
        connectTimeout: Duration = .seconds(10)
    ) {
        self.addressGuard = addressGuard
        self.clients = clients
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
    }

    /// - Throws: `invalid_field` when the integration's settings cannot work with its connector.
    /// - Parameter timeout: an HTTP request's total time instead of ``requestTimeout`` (the test route's).
    func transport(
        for integration: SiemIntegration, connector: SiemConnector, credentials: [String: String],
        timeout: Duration? = nil
    ) async throws -> any SiemTransport {
        guard connector.wire == .syslog else {
            return try SiemHTTPTransport(
                connector: connector, integration: integration, credentials: credentials, addressGuard: addressGuard,
                clients: clients, timeout: timeout ?? requestTimeout)
        }
        let fingerprint = "\(integration.endpoint)|\(integration.updatedAt.timeIntervalSince1970)|\(credentials.hashValue)"
        if let kept = syslog[integration.id], kept.fingerprint == fingerprint {
            return SiemSyslogTransport(connection: kept.connection)
        }
        let endpoint: SyslogEndpoint
        do {
            endpoint = try SyslogEndpoint(url: integration.endpoint)
        } catch {
            throw HeraldError.invalid("endpoint", "\(error)")
        }
        let client: SyslogClient
        do {
            client = try SyslogClient(
                configuration: .init(
                    endpoint: endpoint,
                    tls: SyslogTLSOptions(
                        trustedCertificatesPEM: credentials["ca_pem"], clientCertificatePEM: credentials["cert_pem"],
                        clientPrivateKeyPEM: credentials["key_pem"]),
                    connectTimeout: connectTimeout, writeTimeout: requestTimeout))
        } catch {
            throw HeraldError.invalid("credentials", "\(error)")
        }
        let guardRef = addressGuard
        let connection = SyslogConnection(client: client) { endpoint in
            try await Self.vet(endpoint, with: guardRef)
        }
        if let old = syslog[integration.id]?.connection { await old.close() }
        syslog[integration.id] = (fingerprint, connection)
        return SiemSyslogTransport(connection: connection)
    }

    /// Closes every kept syslog connection (at shutdown).
    public func shutdown() async {
        for (_, kept) in syslog { await kept.connection.close() }
        syslog = [:]
    }

    /// The address to connect to for a syslog endpoint: resolved and checked like an outbound URL (plain TCP
    /// like `http`: only to allow-listed hosts).
    static func vet(_ endpoint: SyslogEndpoint, with addressGuard: OutboundAddressGuard) async throws -> SocketAddress {
        let host = endpoint.host.contains(":") ? "[\(endpoint.host)]" : endpoint.host
        let scheme = endpoint.transport == .tls ? "https" : "http"
        let destination: OutboundDestination
        do {
            destination = try await addressGuard.vet("\(scheme)://\(host):\(endpoint.port)/")
        } catch let error as HeraldError {
            throw HeraldError(
                error.code, error.message.replacingOccurrences(of: "http is allowed", with: "plain tcp is allowed"))
        }
        guard let address = destination.addresses.first else {
            throw HeraldError(.outboundRefused, "syslog host \(endpoint.host) has no addresses")
        }
        return try SocketAddress(ipAddress: address, port: endpoint.port)
    }
}

/// Writes a batch's octet-counted frames over the integration's kept syslog connection.
struct SiemSyslogTransport: SiemTransport {
    let connection: SyslogConnection

    func send(_ body: [UInt8], logger: Logger) async -> SiemSendResult {
        do {
            try await connection.send([body])
            return SiemSendResult(
                verdict: .delivered, statusCode: nil, vendorCode: nil, message: "written", excerpt: nil, label: "2xx")
        } catch let error as HeraldError {
            return .failure(error.message, label: "refused")
        } catch {
            return .failure("syslog: \(error)", label: "connection_error")
        }
    }
}

import NIOCore
import NIOSSL

/// TLS settings of a `tls://` syslog destination: TLS 1.2 or later, the server certificate verified against
/// the host name (or IP address), and optionally a private CA and a client certificate for mutual TLS.
public struct SyslogTLSOptions: Sendable, Hashable {
    /// PEM certificates to trust instead of the system trust roots; `nil` uses the system roots.
    public var trustedCertificatesPEM: String?
    /// The client certificate chain (PEM) for mutual TLS; needs ``clientPrivateKeyPEM``.
    public var clientCertificatePEM: String?
    /// The client certificate's private key (PEM, unencrypted).
    public var clientPrivateKeyPEM: String?
    /// How long a close waits for the receiver's close_notify after sending its own.
    public var shutdownTimeout: Duration

    public init(
        trustedCertificatesPEM: String? = nil, clientCertificatePEM: String? = nil, clientPrivateKeyPEM: String? = nil,
        shutdownTimeout: Duration = .seconds(2)
    ) {
        self.trustedCertificatesPEM = trustedCertificatesPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientPrivateKeyPEM = clientPrivateKeyPEM
        self.shutdownTimeout = shutdownTimeout
    }

    /// The NIOSSL context these options describe.
    ///
    /// - Throws: ``SyslogError`` `tlsConfiguration` when a PEM does not parse, holds no certificate, or only one
    ///   of the client certificate and key is given.
    func makeContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .fullVerification
        configuration.shutdownTimeout = TimeAmount(shutdownTimeout)
        if let trustedCertificatesPEM {
            let roots = try Self.certificates(trustedCertificatesPEM, what: "trusted CA")
            configuration.trustRoots = .certificates(roots)
        }
        switch (clientCertificatePEM, clientPrivateKeyPEM) {
        case (nil, nil):
            break
        case (let certificate?, let key?):
            configuration.certificateChain = try Self.certificates(certificate, what: "client certificate")
                .map { .certificate($0) }
            do {
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(key.utf8), format: .pem))
            } catch {
                throw SyslogError(.tlsConfiguration, "the client private key is not a usable PEM key", cause: error)
            }
        default:
            throw SyslogError(.tlsConfiguration, "a client certificate needs its private key, and a key its certificate")
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw SyslogError(.tlsConfiguration, "the TLS configuration is not usable: \(error)", cause: error)
        }
    }

    private static func certificates(_ pem: String, what: String) throws -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8))
        } catch {
            throw SyslogError(.tlsConfiguration, "the \(what) PEM does not parse", cause: error)
        }
        guard !certificates.isEmpty else { throw SyslogError(.tlsConfiguration, "the \(what) PEM holds no certificate") }
        return certificates
    }
}

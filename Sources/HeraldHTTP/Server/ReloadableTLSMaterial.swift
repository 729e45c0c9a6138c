import HeraldCore
import NIOSSL
import Synchronization

/// A listener's certificate chain and key, read from PEM files and re-read on reload (SIGHUP), so that a
/// renewed certificate is served to new connections without a restart.
public final class ReloadableTLSMaterial: Sendable {
    private struct Material: Sendable {
        var chain: [NIOSSLCertificate]
        var key: NIOSSLPrivateKey
    }

    public let certificateFile: String
    public let keyFile: String
    private let current: Mutex<Material>

    /// Reads the files once. - Throws: when either cannot be read or parsed.
    public init(certificateFile: String, keyFile: String) throws {
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.current = Mutex(try Self.read(certificateFile: certificateFile, keyFile: keyFile))
    }

    /// Re-reads the files; on failure the previous material stays in use and the error is thrown.
    public func reload() throws {
        let material = try Self.read(certificateFile: certificateFile, keyFile: keyFile)
        current.withLock { $0 = material }
    }

    /// A server TLS configuration whose handshakes use the current material.
    public func serverConfiguration() -> TLSConfiguration {
        let material = current.withLock { $0 }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: material.chain.map { .certificate($0) }, privateKey: .privateKey(material.key))
        configuration.sslContextCallback = { [self] _, promise in
            let material = self.current.withLock { $0 }
            var override = NIOSSLContextConfigurationOverride()
            override.certificateChain = material.chain.map { .certificate($0) }
            override.privateKey = .privateKey(material.key)
            promise.succeed(override)
        }
        return configuration
    }

    private static func read(certificateFile: String, keyFile: String) throws -> Material {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificateFile)
            guard !chain.isEmpty else {
                throw HeraldError(.invalidField, "\(certificateFile) holds no certificate", field: "tls.certificate_file")
            }
            return Material(chain: chain, key: try NIOSSLPrivateKey(file: keyFile, format: .pem))
        } catch let error as HeraldError {
            throw error
        } catch {
            throw HeraldError(
                .invalidField, "cannot load TLS material from \(certificateFile) and \(keyFile): \(error)",
                field: "tls", cause: error)
        }
    }
}

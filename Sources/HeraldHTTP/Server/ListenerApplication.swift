import HeraldCore
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore

/// Builds a listener's Hummingbird application: plain HTTP/1.1, or TLS with reloadable material.
public enum ListenerApplication {
    /// - Parameters:
    ///   - onBound: called with the bound URL (`http://127.0.0.1:PORT`) once the socket listens.
    public static func make(
        router: Router<AdminRequestContext>, listener: ListenerConfiguration, tls: ReloadableTLSMaterial?,
        logger: Logger, onBound: @escaping @Sendable (String) async -> Void
    ) throws -> some ApplicationProtocol {
        let server: HTTPServerBuilder =
            if let tls { try .tls(.http1(), tlsConfiguration: tls.serverConfiguration()) } else { .http1() }
        let scheme = tls == nil ? "http" : "https"
        return Application(
            router: router,
            server: server,
            configuration: .init(address: .hostname(listener.host, port: listener.port), serverName: "herald"),
            onServerRunning: { channel in
                await onBound("\(scheme)://\(Self.describe(channel.localAddress, fallbackHost: listener.host))")
            },
            logger: logger)
    }

    static func describe(_ address: SocketAddress?, fallbackHost: String) -> String {
        guard let address, let port = address.port else { return fallbackHost }
        let host = address.ipAddress ?? fallbackHost
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

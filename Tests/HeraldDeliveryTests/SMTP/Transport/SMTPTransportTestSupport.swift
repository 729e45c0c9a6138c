import Foundation
import HeraldDelivery

extension SMTPPeer {
    /// A configuration for this server: its port, the test CA trusted, the peer's user and password.
    func server(
        security: SMTPSecurity = .starttls, username: String? = "alice", password: String? = "s3cret",
        oauthToken: String? = nil, authMechanism: String? = nil, trustTestCA: Bool = true,
        totalTimeout: Duration = .seconds(5)
    ) -> SMTPServer {
        SMTPServer(
            host: "127.0.0.1", port: port, security: security, username: username, password: password,
            oauthToken: oauthToken, authMechanism: authMechanism, caPEM: trustTestCA ? caPEM : nil,
            connectTimeout: .seconds(2), totalTimeout: totalTimeout, heloName: "herald.test")
    }
}

/// Runs `body` with a new transport and shuts it down afterwards, whatever happens.
func withSMTPTransport<T>(
    maxHandlesPerServer: Int = 4, _ body: (SMTPTransport) async throws -> T
) async throws -> T {
    let transport = SMTPTransport(threads: 4, maxHandlesPerServer: maxHandlesPerServer)
    do {
        let result = try await body(transport)
        await transport.shutdown()
        return result
    } catch {
        await transport.shutdown()
        throw error
    }
}

/// A small RFC 5322 message with CRLF line ends.
func smtpTestMessage(subject: String, body: String = "Hello.") -> [UInt8] {
    let text = "From: Herald <noreply@herald.test>\r\nTo: <bob@example.com>\r\nSubject: \(subject)\r\n"
        + "Message-ID: <\(UUID().uuidString)@herald.test>\r\n\r\n\(body)\r\n"
    return Array(text.utf8)
}

/// A loopback port that nothing listens on (bound to port 0, read back, released).
func unusedLoopbackPort() throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw SMTPPeer.PeerError(description: "socket() failed: errno \(errno)") }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            bind(socket, raw, length) == 0 && getsockname(socket, raw, &length) == 0
        }
    }
    guard bound else { throw SMTPPeer.PeerError(description: "cannot bind a free port: errno \(errno)") }
    return Int(UInt16(bigEndian: address.sin_port))
}

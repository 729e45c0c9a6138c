import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real rsyslog (the Debian `rsyslog` + `rsyslog-openssl` packages) on loopback, with a private
/// configuration in a temporary directory: a plain TCP input, a TLS input (`ossl` driver, anonymous clients)
/// and a mutual-TLS input (client certificate signed by the test CA required), all parsing RFC 5424 and
/// writing each message's properties as one JSON line. No imuxsock/imklog, private work directory and pid
/// file: the system's logging is untouched.
final class RsyslogPeer: @unchecked Sendable {  // started, read and stopped by the one test that owns it
    /// One message as rsyslog parsed it.
    struct Received: Decodable, Sendable {
        var input: String
        var pri: String
        var facility: String
        var severity: String
        var protocolVersion: String
        var timestamp: String
        var hostname: String
        var appName: String
        var procID: String
        var msgID: String
        /// `%structured-data%`, the SD as received.
        var structuredData: String
        /// `$!rfc5424-sd` from mmpstrucdata: the SD parsed into elements and unescaped parameters (JSON text).
        var parsedStructuredData: String
        var msg: String
        var rawMessage: String

        enum CodingKeys: String, CodingKey {
            case input, pri, facility, severity, timestamp, hostname, msg
            case protocolVersion = "protocol_version", appName = "app_name", procID = "procid", msgID = "msgid"
            case structuredData = "structured_data", parsedStructuredData = "sd", rawMessage = "rawmsg"
        }

        /// The parameters of each SD element, as rsyslog parsed them.
        func elements() throws -> [String: [String: String]] {
            try JSONDecoder().decode([String: [String: String]].self, from: Data(parsedStructuredData.utf8))
        }
    }

    struct PeerError: Error, CustomStringConvertible {
        var description: String
    }

    let directory: URL
    let tcpPort: Int
    let tlsPort: Int
    let mutualTLSPort: Int
    /// The test CA that signed the server and client certificates.
    let caPEM: String
    let clientCertificatePEM: String
    let clientKeyPEM: String
    private let process: Process

    private init(
        directory: URL, ports: [Int], caPEM: String, clientCertificatePEM: String, clientKeyPEM: String,
        process: Process
    ) {
        self.directory = directory
        (tcpPort, tlsPort, mutualTLSPort) = (ports[0], ports[1], ports[2])
        self.caPEM = caPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
        self.process = process
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `body` against a started peer and stops the peer afterwards, whatever happens.
    static func with<T>(_ body: (RsyslogPeer) async throws -> T) async throws -> T {
        let peer = try await start()
        do {
            let result = try await body(peer)
            await peer.stop()
            return result
        } catch {
            await peer.stop()
            throw error
        }
    }

    /// Generates the certificates, writes and validates the configuration, starts `rsyslogd -n` and waits
    /// until all three ports accept connections.
    ///
    /// - Throws: ``PeerError`` when `rsyslogd` is not installed, the configuration does not validate or
    ///   rsyslog does not come up (with its own output).
    static func start() async throws -> RsyslogPeer {
        let rsyslogd = try locate("rsyslogd")
        try requireOpenSSLDriver()
        let openssl = try locate("openssl")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-rsyslog-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("work"), withIntermediateDirectories: true)
        try await makeCertificates(openssl: openssl, in: directory)
        let ports = try freePorts(3)
        let configuration = directory.appendingPathComponent("rsyslog.conf")
        try self.configuration(directory: directory.path, ports: ports).write(to: configuration, atomically: true, encoding: .utf8)

        let (status, output) = try await run(rsyslogd, ["-N1", "-f", configuration.path], in: directory)
        guard status == 0 else { throw PeerError(description: "rsyslogd -N1 rejected the configuration:\n\(output)") }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: rsyslogd)
        process.arguments = ["-n", "-f", configuration.path, "-i", directory.appendingPathComponent("rsyslogd.pid").path]
        process.currentDirectoryURL = directory
        let log = try FileHandle(forWritingTo: touch(directory.appendingPathComponent("rsyslogd.out")))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        let read = { (name: String) in (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? "" }
        let peer = RsyslogPeer(
            directory: directory, ports: ports, caPEM: read("ca.pem"), clientCertificatePEM: read("client.pem"),
            clientKeyPEM: read("client.key"), process: process)
        let deadline = ContinuousClock.now + .seconds(15)
        while !ports.allSatisfy(accepts) {
            guard process.isRunning, ContinuousClock.now < deadline else {
                let why = process.isRunning ? "did not open ports \(ports) within 15 s" : "exited (\(process.terminationStatus))"
                await peer.stop()
                throw PeerError(description: "rsyslogd \(why):\n\(read("rsyslogd.out"))\n\(read("internal.log"))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return peer
    }

    /// Waits until rsyslog has written at least `count` messages, lets it settle (so that a message split
    /// in two would show as an extra one), and returns all of them in arrival order.
    func received(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        while try lines().count < count {
            guard ContinuousClock.now < deadline else {
                throw PeerError(description: "rsyslog wrote \(try lines().count) of \(count) messages:\n\(try lines().joined(separator: "\n"))\n\(internalLog)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        try await Task.sleep(for: .milliseconds(300))
        return try lines().map { try JSONDecoder().decode(Received.self, from: Data($0.utf8)) }
    }

    /// rsyslog's own messages (errors of its inputs, TLS failures).
    var internalLog: String {
        (try? String(contentsOf: directory.appendingPathComponent("internal.log"), encoding: .utf8)) ?? ""
    }

    /// Stops rsyslogd: SIGTERM, then SIGKILL after 300 ms.
    ///
    /// Started from the test runner, rsyslogd inherits a signal mask that blocks SIGTERM, and its main loop
    /// waits with that original mask, so SIGTERM alone may never arrive; everything the test reads is already
    /// in messages.json by then, so the kill loses nothing.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = ContinuousClock.now + .milliseconds(300)
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    private func lines() throws -> [String] {
        let file = directory.appendingPathComponent("messages.json")
        guard let data = FileManager.default.contents(atPath: file.path) else { return [] }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init)
    }
}

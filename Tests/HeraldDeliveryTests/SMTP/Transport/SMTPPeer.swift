import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The real SMTP server of `scripts/peers/smtp_server.py` (aiosmtpd, installed by `make peers`) on a free
/// loopback port, with a fresh test CA and server certificate (for 127.0.0.1) made with the `openssl` CLI.
///
/// It writes what it received into ``directory``: `NNNNNN.eml` (the message bytes), `NNNNNN.json` (the
/// envelope), `connections` (TCP connections accepted) and `quits` (QUIT commands answered).
final class SMTPPeer {
    /// How the server is started (the script's flags).
    struct Options {
        enum Mode: String { case starttls, tls, plain }
        var mode: Mode = .starttls
        var user: String? = "alice"
        var password: String? = "s3cret"
        var token: String? = nil
        /// AUTH mechanisms offered, e.g. `["LOGIN"]`.
        var mechanisms: [String] = ["PLAIN", "LOGIN", "XOAUTH2"]
        /// How long `slow@…` recipients wait before RCPT TO is answered.
        var slowSeconds: Double = 5
        /// The server closes connections idle this long.
        var idleTimeout: Double = 300
    }

    /// One message as the server saved it.
    struct Received: Decodable {
        var mailFrom: String
        var rcptTos: [String]
        var mailOptions: [String]
        var authUser: String?
        var authMechanism: String?
        var tls: Bool
        var bytes: [UInt8] = []

        enum CodingKeys: String, CodingKey {
            case mailFrom = "mail_from", rcptTos = "rcpt_tos", mailOptions = "mail_options"
            case authUser = "auth_user", authMechanism = "auth_mechanism", tls
        }
    }

    struct PeerError: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    let directory: URL
    /// The PEM of the CA that signed the server's certificate.
    let caPEM: String
    private let process: Process
    private let input: Pipe

    private init(port: Int, directory: URL, caPEM: String, process: Process, input: Pipe) {
        self.port = port
        self.directory = directory
        self.caPEM = caPEM
        self.process = process
        self.input = input
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The repository's peers virtualenv Python (`.build/peers-venv/bin/python`).
    static let repository: URL = {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { root.deleteLastPathComponent() }
        return root
    }()

    /// Runs `body` against a started server and stops it afterwards, whatever happens.
    static func with<T>(_ options: Options = Options(), _ body: (SMTPPeer) async throws -> T) async throws -> T {
        let peer = try await start(options)
        do {
            let result = try await body(peer)
            await peer.stop()
            return result
        } catch {
            await peer.stop()
            throw error
        }
    }

    /// - Throws: ``PeerError`` when the virtualenv or aiosmtpd is missing (run `make peers`), when openssl
    ///   fails, or when the server does not announce its port within 10 s (with its output).
    static func start(_ options: Options) async throws -> SMTPPeer {
        let python = repository.appendingPathComponent(".build/peers-venv/bin/python").path
        let script = repository.appendingPathComponent("scripts/peers/smtp_server.py").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw PeerError(description: "\(python) is missing: run `make peers` (the SMTP tests need aiosmtpd from scripts/requirements-peers.txt)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-smtp-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try await makeCertificates(in: directory)

        var arguments = [script, "--mode", options.mode.rawValue, "--out", directory.appendingPathComponent("out").path]
        arguments += ["--cert", directory.appendingPathComponent("server.pem").path]
        arguments += ["--key", directory.appendingPathComponent("server.key").path]
        if let user = options.user { arguments += ["--user", user] }
        if let password = options.password { arguments += ["--password", password] }
        if let token = options.token { arguments += ["--token", token] }
        arguments += ["--mechanisms", options.mechanisms.joined(separator: ","), "--slow-seconds", "\(options.slowSeconds)"]
        arguments += ["--idle-timeout", "\(options.idleTimeout)"]

        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = arguments
        let input = Pipe()
        let output = Pipe()
        let log = directory.appendingPathComponent("server.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardInput = input
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()
        let line = await firstLine(of: output.fileHandleForReading, from: process, timeout: .seconds(10))
        guard let data = line?.data(using: .utf8),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let port = object["port"] as? Int
        else {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(at: directory)
            throw PeerError(description: "smtp_server.py did not announce its port (is aiosmtpd installed? run `make peers`):\n\(line ?? "")\n\(text)")
        }
        let caPEM = try String(contentsOf: directory.appendingPathComponent("ca.pem"), encoding: .utf8)
        return SMTPPeer(port: port, directory: directory, caPEM: caPEM, process: process, input: input)
    }

    /// Stops the server (closing its standard input, then SIGTERM) and removes its files.
    func stop() async {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + .seconds(2)
        while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// TCP connections the server has accepted so far.
    func connections() throws -> Int { try count("connections") }

    /// QUIT commands the server has answered so far.
    func quits() throws -> Int { try count("quits") }

    private func count(_ name: String) throws -> Int {
        let text = try String(contentsOf: directory.appendingPathComponent("out/\(name)"), encoding: .utf8)
        guard let count = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw PeerError(description: "unreadable \(name) count \(text.debugDescription)")
        }
        return count
    }

    /// The messages the server accepted, in order.
    func received() throws -> [Received] {
        let out = directory.appendingPathComponent("out")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            var message = try JSONDecoder().decode(Received.self, from: Data(contentsOf: out.appendingPathComponent(name)))
            let eml = out.appendingPathComponent(String(name.dropLast(".json".count)) + ".eml")
            message.bytes = Array(try Data(contentsOf: eml))
            return message
        }
    }

    /// The server's own log (aiosmtpd's warnings, tracebacks).
    var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("server.log"), encoding: .utf8)) ?? ""
    }

    /// The first line the process writes, read on a thread of its own; `nil` after `timeout` (the process
    /// is then killed so that the reading thread ends).
    private static func firstLine(of handle: FileHandle, from process: Process, timeout: Duration) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    Thread.detachNewThread {
                        var bytes: [UInt8] = []
                        while true {
                            let chunk = handle.readData(ofLength: 1)
                            if chunk.isEmpty || chunk.first == 0x0A { break }
                            bytes.append(contentsOf: chunk)
                        }
                        continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
                    }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            if first == nil, process.isRunning { kill(process.processIdentifier, SIGKILL) }
            group.cancelAll()
            return first
        }
    }
}

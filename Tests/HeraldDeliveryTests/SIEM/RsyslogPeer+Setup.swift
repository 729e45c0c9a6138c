import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension RsyslogPeer {
    /// The private rsyslog.conf: three imtcp inputs on 127.0.0.1 into one ruleset that parses the structured
    /// data (mmpstrucdata) and writes one JSON line per message; rsyslog's own messages go to internal.log.
    /// Control characters are kept as received (no `#012` escaping) so that MSG can be compared byte for byte.
    /// `processInternalMessages` keeps rsyslog's own messages in this instance: by default it hands them to
    /// the system logger through /dev/log.
    static func configuration(directory: String, ports: [Int]) -> String {
        """
        global(workDirectory="\(directory)/work"
               processInternalMessages="on"
               maxMessageSize="64k"
               net.enableDNS="off"
               parser.escapeControlCharactersOnReceive="off"
               DefaultNetstreamDriverCAFile="\(directory)/ca.pem"
               DefaultNetstreamDriverCertFile="\(directory)/server.pem"
               DefaultNetstreamDriverKeyFile="\(directory)/server.key")
        module(load="imtcp" MaxSessions="100")
        module(load="mmpstrucdata")
        input(type="imtcp" name="tcp" address="127.0.0.1" port="\(ports[0])" ruleset="peer")
        input(type="imtcp" name="tls" address="127.0.0.1" port="\(ports[1])" ruleset="peer"
              StreamDriver.Name="ossl" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")
        input(type="imtcp" name="mtls" address="127.0.0.1" port="\(ports[2])" ruleset="peer"
              StreamDriver.Name="ossl" StreamDriver.Mode="1" StreamDriver.AuthMode="x509/certvalid")
        template(name="json" type="list" option.jsonf="on") {
          property(outname="input" name="inputname" format="jsonf")
          property(outname="pri" name="pri" format="jsonf")
          property(outname="facility" name="syslogfacility" format="jsonf")
          property(outname="severity" name="syslogseverity" format="jsonf")
          property(outname="protocol_version" name="protocol-version" format="jsonf")
          property(outname="timestamp" name="timereported" dateFormat="rfc3339" format="jsonf")
          property(outname="hostname" name="hostname" format="jsonf")
          property(outname="app_name" name="app-name" format="jsonf")
          property(outname="procid" name="procid" format="jsonf")
          property(outname="msgid" name="msgid" format="jsonf")
          property(outname="structured_data" name="structured-data" format="jsonf")
          property(outname="sd" name="$!rfc5424-sd" format="jsonf")
          property(outname="msg" name="msg" format="jsonf")
          property(outname="rawmsg" name="rawmsg" format="jsonf")
        }
        ruleset(name="peer") {
          action(type="mmpstrucdata" sd_name.lowercase="off")
          action(type="omfile" file="\(directory)/messages.json" template="json")
        }
        *.* action(type="omfile" file="\(directory)/internal.log")

        """
    }

    /// A test CA, a server certificate for `localhost` and a client certificate, all P-256.
    ///
    /// The server certificate names no IP address on purpose: NIOSSL accepts a certificate whose IP SAN
    /// matches the connected address whatever host name was asked for, so with an IP SAN of 127.0.0.1 no name
    /// mismatch could be shown on loopback.
    static func makeCertificates(openssl: String, in directory: URL) async throws {
        let ext = directory.appendingPathComponent("ext.cnf").path
        try """
            [server]
            subjectAltName=DNS:localhost
            basicConstraints=CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth
            [client]
            basicConstraints=CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=clientAuth

            """.write(toFile: ext, atomically: true, encoding: .utf8)
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        let steps: [[String]] = [
            ["req", "-x509"] + key + [
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Herald Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ],
            ["req"] + key + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            [
                "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", ext, "-extensions", "server",
            ],
            ["req"] + key + ["-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=herald-client"],
            [
                "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "client.pem", "-days", "2", "-extfile", ext, "-extensions", "client",
            ],
        ]
        for arguments in steps {
            let (status, output) = try await run(openssl, arguments, in: directory)
            guard status == 0 else {
                throw PeerError(description: "openssl \(arguments.joined(separator: " ")) failed:\n\(output)")
            }
        }
    }

    /// The absolute path of a tool in the usual system directories or `PATH`.
    static func locate(_ tool: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"] + path.split(separator: ":").map(String.init)
        for directory in directories where FileManager.default.isExecutableFile(atPath: "\(directory)/\(tool)") {
            return "\(directory)/\(tool)"
        }
        throw PeerError(
            description: "\(tool) is not installed (looked in \(directories.joined(separator: ":"))): the syslog tests "
                + "need the Debian packages rsyslog and rsyslog-openssl (and openssl); `make test` installs them")
    }

    /// Checks that rsyslog's `ossl` stream driver (package rsyslog-openssl) is installed: `rsyslogd -N1` does
    /// not load stream drivers, so a missing one would only show as a TLS port that never opens.
    static func requireOpenSSLDriver() throws {
        let library = "/usr/lib"
        let candidates = [library + "/rsyslog"]
            + ((try? FileManager.default.contentsOfDirectory(atPath: library)) ?? []).map { "\(library)/\($0)/rsyslog" }
        guard candidates.contains(where: { FileManager.default.fileExists(atPath: $0 + "/lmnsd_ossl.so") }) else {
            throw PeerError(
                description: "rsyslog's ossl stream driver (lmnsd_ossl.so) is not installed: the syslog tests need the "
                    + "Debian package rsyslog-openssl; `make test` installs it")
        }
    }

    /// Runs a tool to completion without blocking a thread; returns its status and combined output.
    static func run(_ executable: String, _ arguments: [String], in directory: URL) async throws -> (Int32, String) {
        let outputFile = directory.appendingPathComponent("command-\(UUID().uuidString.prefix(8)).out")
        let output = try FileHandle(forWritingTo: touch(outputFile))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = output
        process.standardError = output
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try output.close()
        defer { try? FileManager.default.removeItem(at: outputFile) }
        return (status, (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "")
    }

    /// Creates an empty file and returns its URL.
    static func touch(_ url: URL) throws -> URL {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw PeerError(description: "cannot create \(url.path)")
        }
        return url
    }

    /// `count` distinct ports on 127.0.0.1 that nothing is bound to, below the kernel's ephemeral range (32768
    /// and up), so that no outgoing connection (a readiness probe's own source port among them) can take one
    /// before rsyslog binds it, and a probe can never connect to itself. Each is held bound until all are found.
    static func freePorts(_ count: Int) throws -> [Int] {
        var held: [(port: Int, socket: Int32)] = []
        defer { held.forEach { close($0.socket) } }
        var candidates = Array(20_000..<32_000).shuffled().makeIterator()
        while held.count < count, let port = candidates.next() {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard socket >= 0 else { throw PeerError(description: "socket() failed: errno \(errno)") }
            var address = loopback(port: port)
            let bound = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            if bound { held.append((port, socket)) } else { close(socket) }
        }
        guard held.count == count else { throw PeerError(description: "no \(count) free ports below 32000") }
        return held.map(\.port)
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func accepts(_ port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}

import Foundation

extension SMTPPeer {
    /// A test CA (`ca.pem`) and a server certificate for 127.0.0.1 and localhost (`server.pem`, `server.key`),
    /// P-256, valid for two days, made with the `openssl` CLI in `directory`.
    static func makeCertificates(in directory: URL) async throws {
        let openssl = ["/usr/bin/openssl", "/bin/openssl", "/usr/local/bin/openssl"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        guard let openssl else { throw PeerError(description: "the openssl CLI is not installed (Debian package openssl)") }
        try """
            [server]
            subjectAltName=DNS:localhost,IP:127.0.0.1
            basicConstraints=CA:FALSE
            keyUsage=critical,digitalSignature
            extendedKeyUsage=serverAuth

            """.write(to: directory.appendingPathComponent("ext.cnf"), atomically: true, encoding: .utf8)
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        let steps: [[String]] = [
            ["req", "-x509"] + key + [
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Herald SMTP Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ],
            ["req"] + key + ["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"],
            [
                "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "ext.cnf", "-extensions", "server",
            ],
        ]
        for arguments in steps {
            let (status, output) = try await run(openssl, arguments, in: directory)
            guard status == 0 else {
                throw PeerError(description: "openssl \(arguments.joined(separator: " ")) failed:\n\(output)")
            }
        }
    }

    /// Runs a tool to completion without blocking a thread; returns its status and combined output.
    private static func run(_ executable: String, _ arguments: [String], in directory: URL) async throws -> (Int32, String) {
        let outputFile = directory.appendingPathComponent("openssl-\(UUID().uuidString.prefix(8)).out")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let output = try FileHandle(forWritingTo: outputFile)
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
        return (status, (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "")
    }
}

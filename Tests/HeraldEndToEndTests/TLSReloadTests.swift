import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A listener with TLS serves its certificate, and SIGHUP makes it serve a renewed one without a restart.
@Suite struct TLSReloadTests {
    /// Writes a self-signed certificate for 127.0.0.1 and its key.
    static func makeCertificate(_ directory: String, name: String) throws -> (certificate: String, key: String) {
        let certificate = "\(directory)/\(name).pem"
        let key = "\(directory)/\(name)-key.pem"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
            "-subj", "/CN=\(name)", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", certificate,
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ProcessError(message: "openssl failed") }
        return (certificate, key)
    }

    /// The HTTP status curl gets for `url` when it trusts only `ca`; 0 when the TLS handshake fails.
    static func status(_ url: String, trusting ca: String) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert", ca, url]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Int(String(decoding: data, as: UTF8.self)) ?? 0
    }

    @Test func sighupReloadsTheCertificate() async throws {
        let daemon = try HeraldProcess()
        let first = try Self.makeCertificate(daemon.stateDirectory, name: "first")
        let second = try Self.makeCertificate(daemon.stateDirectory, name: "second")
        let served = (certificate: daemon.stateDirectory + "/served.pem", key: daemon.stateDirectory + "/served-key.pem")
        try FileManager.default.copyItem(atPath: first.certificate, toPath: served.certificate)
        try FileManager.default.copyItem(atPath: first.key, toPath: served.key)

        let (_, adminURL) = try await daemon.serve(environment: [
            "HERALD_ADMIN_TLS_CERTIFICATE_FILE": served.certificate, "HERALD_ADMIN_TLS_KEY_FILE": served.key,
        ])
        #expect(adminURL.hasPrefix("https://"))
        #expect(try Self.status(adminURL + "/healthz", trusting: first.certificate) == 200)
        #expect(try Self.status(adminURL + "/healthz", trusting: second.certificate) == 0)

        try FileManager.default.removeItem(atPath: served.certificate)
        try FileManager.default.removeItem(atPath: served.key)
        try FileManager.default.copyItem(atPath: second.certificate, toPath: served.certificate)
        try FileManager.default.copyItem(atPath: second.key, toPath: served.key)
        kill(daemon.process.processIdentifier, SIGHUP)

        var reloaded = false
        let deadline = ContinuousClock.now + .seconds(10)
        while !reloaded, ContinuousClock.now < deadline {
            reloaded = try Self.status(adminURL + "/healthz", trusting: second.certificate) == 200
            if !reloaded { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(reloaded, "the renewed certificate is served after SIGHUP")
        #expect(try Self.status(adminURL + "/healthz", trusting: first.certificate) == 0)
        #expect(daemon.process.isRunning)
        _ = try await daemon.stop()
    }
}

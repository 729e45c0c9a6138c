import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real binary delivering to `scripts/peers/webhook_receiver.py`, which verifies every request with the
/// Python `standardwebhooks` library (installed by `make peers`). In CI (`CI` set) a missing peer is a failure.
@Suite(
    "webhook delivery by the daemon", .serialized,
    .enabled(if: WebhookPeer.isAvailable || WebhookPeer.isCI, "the Python peers are not installed: run `make peers`"))
struct WebhookDeliveryTests {
    @Test("every delivery verifies with standardwebhooks, before, during and after a secret rotation")
    func deliveriesVerifyAcrossRotation() async throws {
        let peer = try await WebhookPeer.start()
        defer { peer.stop() }
        let daemon = try HeraldProcess()
        let (_, admin) = try await daemon.serve(environment: [
            "HERALD_OUTBOUND_ALLOWLIST": "127.0.0.0/8", "HERALD_ORGANIZATIONS_AUTO_APPROVE": "true",
        ])
        let api = try AdminAPI(admin: admin, daemon: daemon)
        try await api.createOrganization("acme")
        let a = try await api.createEndpoint("acme", url: peer.url("/a"), eventTypes: ["member.*"])
        let b = try await api.createEndpoint("acme", url: peer.url("/b"), eventTypes: ["member.added"])
        try peer.setSecrets(["/a": [a.secret], "/b": [b.secret]])

        try await api.addMembers("acme", count: 10, prefix: "before")
        try await peer.waitFor(timeout: .seconds(30)) { $0.verifiedIds(path: "/a").count == 10 && $0.verifiedIds(path: "/b").count == 10 }

        // Rotation: the new secret signs at once, the old one keeps signing during the grace period.
        let newSecret = try await api.rotateSecret("acme", endpoint: a.id)
        #expect(newSecret != a.secret)
        try peer.setSecrets(["/a": [newSecret], "/b": [b.secret]])
        try await api.addMembers("acme", count: 5, prefix: "new-only")
        try await peer.waitFor(timeout: .seconds(30)) { $0.verifiedIds(path: "/a").count == 15 }
        try peer.setSecrets(["/a": [a.secret], "/b": [b.secret]])
        try await api.addMembers("acme", count: 5, prefix: "old-only")
        try await peer.waitFor(timeout: .seconds(30)) { $0.verifiedIds(path: "/a").count == 20 && $0.verifiedIds(path: "/b").count == 20 }

        let log = try peer.log()
        #expect(log.filter { !$0.verified }.isEmpty, "refused: \(log.filter { !$0.verified })")
        #expect(log.verifiedIds(path: "/a") == log.verifiedIds(path: "/b"), "the same events reach both endpoints")
        let deliveries = try await api.waitForDeliveries("acme", endpoint: a.id, status: "succeeded", count: 20)
        #expect(deliveries.total == 20)

        // The test ping goes through the same deliverer, signed the same way, to that endpoint only.
        let ping = try await api.createEndpoint("acme", url: peer.url("/ping"), eventTypes: ["scim.*"])
        try peer.setSecrets(["/a": [a.secret], "/b": [b.secret], "/ping": [ping.secret]])
        let result = try await api.call("POST", "/organizations/acme/webhooks/\(ping.id)/test", expect: 200)
        #expect(result["success"] as? Bool == true, "\(result)")
        let pings = try peer.log().filter { $0.path == "/ping" }
        #expect(pings.count == 1 && pings.allSatisfy { $0.verified && $0.id.hasPrefix("test_") }, "\(pings)")
        _ = try await daemon.stop()
    }

    @Test("failed attempts are retried on the configured schedule with the same id, each verified")
    func retriesOnSchedule() async throws {
        let peer = try await WebhookPeer.start(failFirst: 2)
        defer { peer.stop() }
        let daemon = try HeraldProcess()
        let (_, admin) = try await daemon.serve(environment: [
            "HERALD_OUTBOUND_ALLOWLIST": "127.0.0.0/8", "HERALD_ORGANIZATIONS_AUTO_APPROVE": "true",
            "HERALD_WEBHOOKS_RETRY_SCHEDULE_SECONDS": "0.2,0.2,0.2", "HERALD_WEBHOOKS_RETRY_JITTER": "0",
        ])
        let api = try AdminAPI(admin: admin, daemon: daemon)
        try await api.createOrganization("retry")
        let endpoint = try await api.createEndpoint("retry", url: peer.url("/r"), eventTypes: ["member.added"])
        try peer.setSecrets(["/r": [endpoint.secret]])

        // Two events: at most 4 failures in a row, below the breaker's threshold of 5.
        try await api.addMembers("retry", count: 2, prefix: "retry")
        try await peer.waitFor(timeout: .seconds(30)) { log in log.filter { $0.status == 204 }.count == 2 }

        let log = try peer.log()
        for id in Set(log.map(\.id)) {
            #expect(log.filter { $0.id == id }.map(\.status) == [503, 503, 204], "\(id)")
        }
        #expect(log.allSatisfy { $0.verified })
        let deliveries = try await api.waitForDeliveries("retry", endpoint: endpoint.id, status: "succeeded", count: 2)
        #expect(deliveries.total == 2)
        for delivery in deliveries.items {
            let attempts = delivery["attempts"] as? [[String: Any]] ?? []
            #expect(attempts.map { $0["status_code"] as? Int } == [503, 503, 204])
        }
        _ = try await daemon.stop()
    }
}

/// The admin API calls these tests make, with the bootstrap platform owner's key.
struct AdminAPI {
    let base: String
    let key: String

    init(admin: String, daemon: HeraldProcess) throws {
        base = admin + "/api"
        key = try String(contentsOfFile: daemon.stateDirectory + "/bootstrap-admin-key", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func call(_ method: String, _ path: String, _ body: [String: Any]? = nil, expect: Int) async throws -> [String: Any] {
        let json = try body.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        let (status, text) = try await HTTP.request(method, base + path, key: key, json: json)
        guard status == expect else { throw ProcessError(message: "\(method) \(path): \(status) \(text)") }
        return (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    /// The deliveries with `status`, once there are `count` of them or 10 s have passed: a receiver logs its answer
    /// before the daemon has recorded the outcome.
    func waitForDeliveries(_ slug: String, endpoint: String, status: String, count: Int) async throws
        -> (total: Int, items: [[String: Any]])
    {
        var deliveries = try await self.deliveries(slug, endpoint: endpoint, status: status)
        let deadline = ContinuousClock.now + .seconds(10)
        while deliveries.total < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            deliveries = try await self.deliveries(slug, endpoint: endpoint, status: status)
        }
        return deliveries
    }

    func createOrganization(_ slug: String) async throws {
        _ = try await call("POST", "/organizations", ["slug": slug, "name": "Org \(slug)"], expect: 201)
    }

    func createEndpoint(_ slug: String, url: String, eventTypes: [String]) async throws -> (id: String, secret: String) {
        let object = try await call(
            "POST", "/organizations/\(slug)/webhooks", ["url": url, "event_types": eventTypes], expect: 201)
        guard let id = object["id"] as? String, let secret = object["secret"] as? String else {
            throw ProcessError(message: "no id or secret in \(object)")
        }
        return (id, secret)
    }

    func rotateSecret(_ slug: String, endpoint: String) async throws -> String {
        let object = try await call("POST", "/organizations/\(slug)/webhooks/\(endpoint)/rotate-secret", expect: 200)
        guard let secret = object["secret"] as? String else { throw ProcessError(message: "no secret in \(object)") }
        return secret
    }

    func addMembers(_ slug: String, count: Int, prefix: String) async throws {
        for n in 0..<count {
            _ = try await call(
                "POST", "/organizations/\(slug)/members", ["email": "\(prefix)-\(n)@example.com", "role": "member"],
                expect: 201)
        }
    }

    func deliveries(_ slug: String, endpoint: String, status: String) async throws
        -> (total: Int, items: [[String: Any]])
    {
        let object = try await call(
            "GET", "/organizations/\(slug)/webhooks/\(endpoint)/deliveries?status=\(status)&limit=100", expect: 200)
        return (object["total"] as? Int ?? -1, object["deliveries"] as? [[String: Any]] ?? [])
    }
}

/// `scripts/peers/webhook_receiver.py` run with the peers venv's Python.
final class WebhookPeer: @unchecked Sendable {  // used by the one test that owns it, never concurrently
    static let python = HeraldProcess.packageRoot.appendingPathComponent(".build/peers-venv/bin/python").path
    static let script = HeraldProcess.packageRoot.appendingPathComponent("scripts/peers/webhook_receiver.py").path
    static let isCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "false" } ?? false

    /// Whether the venv's Python imports `standardwebhooks`.
    static let isAvailable: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import standardwebhooks"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    struct Line: Sendable {
        var id: String
        var verified: Bool
        var path: String
        var status: Int
        var error: String
    }

    let directory: String
    let port: Int

    private init(directory: String, port: Int) {
        self.directory = directory
        self.port = port
    }

    /// Starts the receiver; fails (never skips) when the peer cannot run.
    static func start(failFirst: Int = 0) async throws -> WebhookPeer {
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw ProcessError(message: "\(python) is missing: run `make peers` (a failure in CI, never a skip)")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("herald-webhook-peer-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: directory + "/secrets.json"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            script, "--secrets", directory + "/secrets.json", "--log", directory + "/log.tsv", "--port-file",
            directory + "/port", "--fail-first", String(failFirst),
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: directory + "/port", encoding: .utf8), let port = Int(text) {
                let peer = WebhookPeer(directory: directory, port: port)
                peer.adopt(process)
                return peer
            }
            if !process.isRunning {
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                throw ProcessError(
                    message: "webhook_receiver.py exited with \(process.terminationStatus): \(text)"
                        + (process.terminationStatus == 2 ? " — run `make peers` (scripts/requirements-peers.txt)" : ""))
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.terminate()
        throw ProcessError(message: "webhook_receiver.py did not write its port")
    }

    private var child: Process?
    private func adopt(_ process: Process) { child = process }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Replaces the secrets the receiver verifies with, per path (read by the receiver on every request).
    func setSecrets(_ secrets: [String: [String]]) throws {
        let data = try JSONSerialization.data(withJSONObject: secrets)
        try data.write(to: URL(fileURLWithPath: directory + "/secrets.json"), options: .atomic)
    }

    /// The requests the receiver got whole (verified or refused), in order.
    func log() throws -> [Line] {
        try rows().filter { $0.verified || $0.status != 0 }
    }

    /// How many requests ended before their body was complete (the sender was killed while sending them).
    func incompleteRequests() throws -> Int {
        try rows().filter { !$0.verified && $0.status == 0 }.count
    }

    private func rows() throws -> [Line] {
        guard let text = try? String(contentsOfFile: directory + "/log.tsv", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { row in
            let fields = row.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 5, let status = Int(fields[3]) else { return nil }
            return Line(id: fields[0], verified: fields[1] == "verified", path: fields[2], status: status, error: fields[4])
        }
    }

    /// Polls the log until `condition` holds. - Throws: when it does not within `timeout`.
    func waitFor(timeout: Duration, _ condition: ([Line]) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(try log()) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        let lines = try log()
        guard condition(lines) else {
            throw ProcessError(message: "the receiver's log did not reach the expected state: \(lines.map { "\($0)" })")
        }
    }

    func stop() {
        if let child, child.isRunning {
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

extension Array where Element == WebhookPeer.Line {
    /// The distinct webhook ids that verified on `path`.
    func verifiedIds(path: String) -> Set<String> {
        Set(filter { $0.verified && $0.path == path }.map(\.id))
    }
}

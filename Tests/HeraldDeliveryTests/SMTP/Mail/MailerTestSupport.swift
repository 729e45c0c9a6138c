import Foundation
import HeraldCore
import HeraldStorage
import Logging
import Testing

@testable import HeraldDelivery

/// A mail fixture: the real SQLite store (secrets sealed; no templates until a test adds them), an SMTP transport and a
/// mailer whose address guard allows loopback, driven job by job as the dispatcher would.
struct MailerFixture {
    let delivery: DeliveryFixture
    let transport: SMTPTransport
    var store: SQLiteStore { delivery.store }

    init() throws {
        delivery = try DeliveryFixture()
        transport = SMTPTransport(threads: 2, maxHandlesPerServer: 2)
    }

    func shutdown() async {
        await transport.shutdown()
        await delivery.clients.shutdown()
    }

    /// A mailer over the relay (when given) with loopback allowed for organization servers.
    func mailer(relay: SMTPServer? = nil, totalTimeout: Duration = .seconds(10)) throws -> Mailer {
        var logger = Logger(label: "test.mail")
        logger.logLevel = .critical
        return Mailer(
            store: store, transport: transport,
            routing: MailRouting(
                relay: relay, relayFrom: try MailAddress("noreply@herald.example", name: "Herald Relay"),
                relaySigner: nil, connectTimeout: .seconds(5), totalTimeout: totalTimeout),
            addressGuard: OutboundAddressGuard(allowList: CIDR.parseList(["127.0.0.0/8"]).ranges), logger: logger)
    }

    /// Runs attempt `attempt` of the mail's job.
    func send(_ mailer: Mailer, _ mail: MailRecord, attempt: Int = 1, maxAttempts: Int = 5) async -> JobOutcome {
        let now = Date()
        let job = Job(
            id: mail.jobId, kind: .mailSend, orgId: mail.orgId, destination: "smtp:test", payload: Data(mail.id.utf8),
            state: .leased, attempts: attempt, maxAttempts: maxAttempts, runAt: now, createdAt: now, updatedAt: now)
        return await mailer.handle(JobLease(job: job, token: 1, owner: "test", expiresAt: now.addingTimeInterval(60)))
    }

    func enqueue(_ request: MailRequest) async throws -> MailRecord {
        try await store.enqueueMail(
            request, messageID: MailMessage.makeMessageID(domain: "herald.example"), maxAttempts: 5,
            idempotencyKey: nil, actorId: "test")
    }

    func mail(_ record: MailRecord) async throws -> MailRecord {
        try #require(try await store.mails(orgId: record.orgId, page: 1, limit: 100).items.first { $0.id == record.id })
    }
}

/// `scripts/peers/mime_parse.py` (Python's `email` package, standard library) over one received message.
enum PythonMailParser {
    static let script = SMTPPeer.repository.appendingPathComponent("scripts/peers/mime_parse.py")

    static func parse(_ bytes: [UInt8]) throws -> [String: Any] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("herald-mime-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("message.eml")
        let output = directory.appendingPathComponent("summary.json")
        try Data(bytes).write(to: input)
        FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, input.path]
        process.standardOutput = try FileHandle(forWritingTo: output)
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "mime_parse.py exited \(process.terminationStatus)")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any])
    }
}

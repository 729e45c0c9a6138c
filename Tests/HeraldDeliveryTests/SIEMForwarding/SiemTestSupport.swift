import CompressNIO
import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStorage
import Logging
import NIOCore
import Testing

/// The shipped connector manifests (the repository's `connectors/`).
enum ShippedConnectors {
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("connectors")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent("splunk-hec.json").path) {
                return candidate.path
            }
        }
        return "connectors"
    }()

    static func catalogue() throws -> SiemConnectorCatalogue {
        try SiemConnectorCatalogue.load(directory: directory)
    }

    /// A shipped manifest with changes (smaller limits for a test), as a one-connector catalogue.
    static func modified(_ id: String, _ change: (inout [String: Any]) -> Void) throws -> SiemConnectorCatalogue {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(id).json"))
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        change(&object)
        let connector = try JSONDecoder().decode(
            SiemConnector.self, from: try JSONSerialization.data(withJSONObject: object))
        return SiemConnectorCatalogue([connector])
    }
}

extension DeliveryFixture {
    /// A forwarder over this fixture (loopback allowed) with the given connectors.
    func forwarder(catalogue: SiemConnectorCatalogue, requestTimeout: Duration = .seconds(5)) -> SiemForwarder {
        var logger = Logger(label: "test.siem")
        logger.logLevel = .critical
        let clock = self.clock
        return SiemForwarder(
            store: store, catalogue: catalogue,
            transports: SiemTransports(
                addressGuard: OutboundAddressGuard(allowList: CIDR.parseList(["127.0.0.0/8"]).ranges),
                clients: clients, requestTimeout: requestTimeout, connectTimeout: .seconds(2)),
            hostname: "herald-test", logger: logger, now: { clock.now })
    }

    /// An integration of the organization (nil: platform-wide).
    func integration(
        _ orgId: String?, provider: String, endpoint: String, credentials: [String: String],
        schema: SiemSchema = .native, eventTypes: [String] = [], options: [String: String] = [:]
    ) async throws -> SiemIntegration {
        try await store.createSiemIntegration(
            orgId: orgId,
            NewSiemIntegration(
                provider: provider, name: provider, endpoint: endpoint, credentials: credentials,
                eventTypes: eventTypes, minSeverity: .info, schema: schema, options: options, enabled: true),
            actor: .system)
    }

    /// Ingests `count` events of the organization (`auth.login.succeeded` unless `data` says otherwise).
    @discardableResult
    func ingest(
        _ orgId: String, count: Int, type: String = "auth.login.succeeded", occurredAt: Date? = nil,
        data: @Sendable (Int) -> [String: JSONValue] = { ["n": .number(Double($0))] }
    ) async throws -> [String] {
        var ids: [String] = []
        var start = 0
        while start < count {
            let end = min(count, start + 1000)
            ids += try await store.ingest(
                (start..<end).map { n in
                    IngestedEvent(
                        type: type, orgId: orgId, userId: "user-\(n)", email: "u\(n)@example.com",
                        ipAddress: "198.51.100.\(n % 250)", userAgent: "tests", severity: .info, occurredAt: occurredAt,
                        data: data(n))
                }, actor: .system, idempotencyKey: nil)
            start = end
        }
        return ids
    }

    /// Runs one flush of the integration (as the dispatcher would, without the queue).
    func flush(_ forwarder: SiemForwarder, _ integration: SiemIntegration, attempt: Int = 1) async -> JobOutcome {
        let now = clock.now
        let job = Job(
            id: Int64(attempt), kind: .siemFlush, orgId: integration.orgId, destination: integration.id,
            payload: Data(), state: .leased, attempts: attempt, maxAttempts: 10, runAt: now, createdAt: now,
            updatedAt: now)
        return await forwarder.handle(JobLease(job: job, token: 1, owner: "test", expiresAt: now.addingTimeInterval(60)))
    }

    /// Flushes until the outcome is not a postponement (the time budget ran out with more to send).
    func flushUntilDone(_ forwarder: SiemForwarder, _ integration: SiemIntegration) async -> JobOutcome {
        while true {
            let outcome = await flush(forwarder, integration)
            if outcome.postponedUntil == nil { return outcome }
        }
    }

    func current(_ integration: SiemIntegration) async throws -> SiemIntegration {
        try await store.siemIntegration(orgId: integration.orgId, id: integration.id)
    }
}

/// Request bodies as a destination reads them.
enum ReceivedBody {
    /// The body, gunzipped when `content-encoding: gzip`.
    static func bytes(_ request: TestReceiver.Request) throws -> [UInt8] {
        guard request.headers["content-encoding"] == "gzip" else { return Array(request.body) }
        var buffer = ByteBuffer(bytes: request.body)
        let plain = try buffer.decompress(with: .gzip())
        return Array(plain.readableBytesView)
    }

    /// Concatenated JSON objects (`{…}{…}`, HEC's batch form), split at the top level.
    static func concatenatedObjects(_ bytes: [UInt8]) throws -> [[String: JSONValue]] {
        var objects: [[String: JSONValue]] = []
        var depth = 0
        var inString = false
        var escaped = false
        var start = 0
        for (index, byte) in bytes.enumerated() {
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                continue
            }
            switch byte {
            case 0x22: inString = true
            case 0x7B: if depth == 0 { start = index }; depth += 1
            case 0x7D:
                depth -= 1
                if depth == 0 {
                    objects.append(try #require(try JSONValue.parse(bytes[start...index]).objectValue))
                }
            default: break
            }
        }
        return objects
    }

    /// NDJSON lines as objects.
    static func lines(_ bytes: [UInt8]) throws -> [[String: JSONValue]] {
        try bytes.split(separator: 0x0A).map { try #require(try JSONValue.parse($0).objectValue) }
    }
}

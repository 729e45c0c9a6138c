import Foundation
import HeraldCore
import Logging

/// The SIEM test routes' sender: one synthetic event (type `siem.test`, not stored) rendered in the
/// integration's schema, framed by its connector's wire and sent through the forwarder's own transport, with
/// the destination's answer parsed (status, vendor code and text).
public struct SiemTester: SiemTesting {
    /// The test type: it reaches only the destination under test and is never an event.
    public static let eventType = "siem.test"

    let catalogue: SiemConnectorCatalogue
    let transports: SiemTransports
    let hostname: String
    let timeout: Duration
    let logger: Logger

    /// - Parameter timeout: how long the route waits for the destination's answer.
    public init(
        catalogue: SiemConnectorCatalogue, transports: SiemTransports, hostname: String = SyslogMessage.defaultHostname,
        timeout: Duration = .seconds(10), logger: Logger = Logger(label: "herald.siem")
    ) {
        self.catalogue = catalogue
        self.transports = transports
        self.hostname = hostname
        self.timeout = timeout
        self.logger = logger
    }

    public func test(_ integration: SiemIntegration, credentials: [String: String]) async -> SiemTestResult {
        let clock = ContinuousClock()
        let started = clock.now
        func elapsed() -> Int { Int(((clock.now - started).inSeconds * 1000).rounded()) }
        let transport: any SiemTransport
        let connector: SiemConnector
        do {
            connector = try catalogue.connector(integration.provider)
            transport = try await transports.transport(
                for: integration, connector: connector, credentials: credentials, timeout: timeout)
        } catch {
            let message = (error as? HeraldError)?.message ?? "\(error)"
            return SiemTestResult(success: false, statusCode: nil, vendorCode: nil, message: message, latencyMilliseconds: 0)
        }
        let now = Date()
        let event = Event(
            sequence: 0, id: Identifier.make(), type: Self.eventType, orgId: integration.orgId, actorId: nil,
            actorEmail: "system", targetType: "siem_integration", targetId: integration.id, userId: nil, email: nil,
            ipAddress: nil, userAgent: nil, severity: .info,
            data: ["message": "Herald SIEM test event", "integration": .string(integration.name)], occurredAt: now,
            createdAt: now)
        let encoder = SiemWireEncoder(connector: connector, integration: integration, hostname: hostname)
        let item = encoder.item(for: event, now: now)
        let result = await transport.send(encoder.body([item]), logger: logger)
        var message = result.message
        if connector.wire == .syslog, result.verdict == .delivered {
            message = "written to \(integration.endpoint) (syslog has no acknowledgement)"
        }
        return SiemTestResult(
            success: result.verdict == .delivered, statusCode: result.statusCode, vendorCode: result.vendorCode,
            message: message, latencyMilliseconds: elapsed())
    }
}

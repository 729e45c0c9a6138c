import Foundation
import HeraldCore
import Testing

@testable import HeraldDelivery

/// The forwarder's syslog writer against the message model it replaces on the hot path.
@Suite("syslog event format")
struct SyslogEventFormatTests {
    @Test("byte for byte SyslogMessage(event:).formatted(), over hosts, facilities, severities and awkward fields")
    func matchesTheMessageModel() {
        let hostnames = ["siem.example.com", "", "host with spaces", "hôte-ü", String(repeating: "h", count: 300)]
        let types = ["user.login", "", "a type with spaces and ]\"\\", "risk.ünïcode", String(repeating: "t", count: 40)]
        let ids = ["evt_1", "id\"with]quotes\\", "é"]
        let bodies: [[UInt8]] = [[], Array(#"{"a":1}"#.utf8), Array("line\none ü".utf8)]
        var checked = 0
        for (hostIndex, hostname) in hostnames.enumerated() {
            for facility in [0, 10, 23] {
                let format = SyslogEventFormat(hostname: hostname, facility: facility)
                for (index, severity) in Severity.allCases.enumerated() {
                    for type in types {
                        for (idIndex, id) in ids.enumerated() {
                            let orgId: String? = (index + idIndex) % 2 == 0 ? "org_\"]\\1" : nil
                            let body = bodies[(hostIndex + idIndex + index) % bodies.count]
                            let event = Event(
                                sequence: 1, id: id, type: type, orgId: orgId, actorId: nil, actorEmail: nil,
                                targetType: nil, targetId: nil, userId: nil, email: nil, ipAddress: nil,
                                userAgent: nil, severity: severity, data: [:],
                                occurredAt: Date(timeIntervalSince1970: 1_796_134_304.123 + Double(idIndex) * 0.9999),
                                createdAt: Date())
                            let expected = SyslogMessage(event: event, body: body, hostname: hostname, facility: facility)
                                .formatted()
                            #expect(format.formatted(event, body: body) == expected, "\(hostname) \(facility) \(type) \(id)")
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked == 5 * 3 * Severity.allCases.count * 5 * 3)
    }

    @Test("the syslog connector's item of a stored event: the message of the parsed event with its native JSON")
    func storedEventItems() throws {
        let connector = try ShippedConnectors.catalogue().connector("syslog")
        for facility in ["", "13"] {
            let integration = SiemIntegration(
                id: "sie_1", orgId: "org_1", provider: "syslog", name: "s", endpoint: "tcp://127.0.0.1:514",
                eventTypes: [], minSeverity: .info, schema: .native, options: facility.isEmpty ? [:] : ["facility": facility],
                credentialNames: [], enabled: true, disabledReason: nil, cursor: 0, lastSuccessAt: nil, lastError: nil,
                lastErrorAt: nil, droppedEvents: 0, createdAt: Date(), updatedAt: Date())
            let encoder = SiemWireEncoder(connector: connector, integration: integration, hostname: "siem host")
            for (index, data) in ([[:], ["nested": ["b": 1, "a": [true, .null, "x\ny"]], "é": "ü"]] as [[String: JSONValue]]).enumerated() {
                let event = Event(
                    sequence: 7, id: "evt_\"\(index)]", type: "risk.flagged", orgId: index == 0 ? nil : "org_1",
                    actorId: "usr_1", actorEmail: nil, targetType: "user", targetId: nil, userId: "u", email: "zoë@example.com",
                    ipAddress: "203.0.113.9", userAgent: "ua", severity: .high, data: data,
                    occurredAt: Date(timeIntervalSince1970: 1_796_134_304.123), createdAt: Date())
                var columns = event
                columns.data = [:]
                let stored = StoredEvent(columns: columns, dataJSON: JSONValue.object(data).serialized(sortedKeys: true))
                let expected = SyslogMessage(
                    event: event, body: NativeEventMapping.serialized(event), hostname: "siem host",
                    facility: Int(facility) ?? SyslogMessage.defaultFacility
                ).formatted()
                #expect(encoder.item(for: stored, now: Date()) == expected, "facility \(facility), data \(index)")
                #expect(encoder.item(for: event, now: Date()) == expected, "facility \(facility), data \(index)")
            }
        }
    }
}

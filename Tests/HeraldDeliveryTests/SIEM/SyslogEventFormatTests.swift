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
}

import Foundation
import HeraldCore
import HeraldDelivery
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The RFC 5424 formatter and RFC 6587 octet counting, byte for byte.
@Suite("syslog message")
struct SyslogMessageTests {
    /// 2026-12-01T14:11:44.123Z
    static let occurredAt = Date(timeIntervalSince1970: 1_796_134_304.123)

    static func event(
        id: String = "evt_1", type: String = "user.login", orgId: String? = "org_1", severity: Severity = .info
    ) -> Event {
        Event(
            sequence: 1, id: id, type: type, orgId: orgId, actorId: nil, actorEmail: nil, targetType: nil,
            targetId: nil, userId: nil, email: nil, ipAddress: nil, userAgent: nil, severity: severity, data: [:],
            occurredAt: occurredAt, createdAt: occurredAt)
    }

    static func text(_ message: SyslogMessage) -> String {
        String(decoding: message.formatted(), as: UTF8.self)
    }

    @Test("an event formats as <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD] MSG")
    func eventMessage() {
        let message = SyslogMessage(event: Self.event(), body: Array("hello".utf8), hostname: "host.example")
        #expect(
            Self.text(message)
                == #"<86>1 2026-12-01T14:11:44.123Z host.example herald - user.login [herald@32473 event_id="evt_1" event_type="user.login" org_id="org_1" severity="info"] hello"#
        )
    }

    @Test(
        "PRI is facility * 8 + severity: authpriv (10) by default, Herald severities map to syslog ones",
        arguments: [
            (Severity.info, 6), (.low, 5), (.medium, 4), (.high, 3), (.critical, 2),
        ])
    func priority(severity: Severity, code: Int) {
        #expect(SyslogMessage.severityCode(for: severity) == code)
        let message = SyslogMessage(event: Self.event(severity: severity), body: [], hostname: "h")
        #expect(Self.text(message).hasPrefix("<\(80 + code)>1 "))
        let audit = SyslogMessage(event: Self.event(severity: severity), body: [], hostname: "h", facility: 13)
        #expect(audit.priority == 104 + code)
        #expect(Self.text(audit).hasPrefix("<\(104 + code)>1 "))
        #expect(Self.text(SyslogMessage(facility: 0, severity: 0, timestamp: nil, hostname: "h", msgID: "m", body: [])).hasPrefix("<0>1 "))
    }

    @Test("org_id is left out when the event has no organization; an empty body sends no trailing space")
    func platformEvent() {
        let message = SyslogMessage(event: Self.event(orgId: nil, severity: .high), body: [], hostname: "h")
        #expect(
            Self.text(message)
                == #"<83>1 2026-12-01T14:11:44.123Z h herald - user.login [herald@32473 event_id="evt_1" event_type="user.login" severity="high"]"#
        )
    }

    @Test("empty fields, no timestamp and no structured data are the NILVALUE")
    func nilValues() {
        let message = SyslogMessage(
            severity: 6, timestamp: nil, hostname: "", appName: "", procID: "", msgID: "", body: Array("x".utf8))
        #expect(Self.text(message) == "<86>1 - - - - - - x")
    }

    @Test("SD-PARAM values escape \" \\ and ] (and nothing else); SD-NAMEs are sanitised")
    func structuredDataEscaping() {
        let element = SyslogStructuredElement(
            id: "herald@32473",
            parameters: [
                .init(name: "value", value: #"a"b\c]d[e=f ünï"#),
                .init(name: "bad name=\"x\"]", value: "v"),
                .init(name: "", value: "empty"),
                .init(name: String(repeating: "n", count: 40), value: "long"),
            ])
        #expect(
            String(decoding: element.formatted, as: UTF8.self)
                == #"[herald@32473 value="a\"b\\c\]d[e=f ünï" bad_name__x__="v" _="empty" "#
                + String(repeating: "n", count: 32) + #"="long"]"#)
        let message = SyslogMessage(
            event: Self.event(id: #"evt_"q"]\x"#, orgId: #"org]"#), body: [], hostname: "h")
        #expect(Self.text(message).contains(#"event_id="evt_\"q\"\]\\x""#))
        #expect(Self.text(message).contains(#"org_id="org\]""#))
    }

    @Test("SD-NAME validation: printable ASCII except = ] \" and space, 1 to 32 characters")
    func nameValidation() {
        #expect(SyslogStructuredElement.isValidName("herald@32473"))
        #expect(SyslogStructuredElement.isValidName("event_id"))
        #expect(SyslogStructuredElement.isValidName(String(repeating: "a", count: 32)))
        for bad in ["", "a b", "a=b", "a]b", "a\"b", "é", "a\nb", String(repeating: "a", count: 33)] {
            #expect(!SyslogStructuredElement.isValidName(bad), "\(bad)")
        }
    }

    @Test("header fields are cut to their RFC 5424 limits: HOSTNAME 255, APP-NAME 48, PROCID 128, MSGID 32")
    func truncation() {
        let message = SyslogMessage(
            severity: 6, timestamp: nil, hostname: String(repeating: "h", count: 300),
            appName: String(repeating: "a", count: 60), procID: String(repeating: "p", count: 200),
            msgID: String(repeating: "m", count: 40), body: [])
        let fields = Self.text(message).split(separator: " ")
        #expect(fields.map(\.count) == [5, 1, 255, 48, 128, 32, 1])
        let event = SyslogMessage(
            event: Self.event(type: "scim.group.membership.bulk.replaced.by.idp"), body: [], hostname: "h")
        #expect(Self.text(event).split(separator: " ")[5] == "scim.group.membership.bulk.repla")
    }

    @Test("spaces, newlines and non-ASCII in header fields become _, so fields never split")
    func headerSanitising() {
        let message = SyslogMessage(
            severity: 6, timestamp: nil, hostname: "my host\nname", appName: "her ald", procID: "1\t2",
            msgID: "typé x", body: Array("body with spaces".utf8))
        #expect(Self.text(message) == "<86>1 - my_host_name her_ald 1_2 typ__x - body with spaces")
    }

    @Test("TIMESTAMP is RFC 3339 UTC with milliseconds, rounded down")
    func timestamps() {
        func stamp(_ seconds: Double) -> Substring {
            let message = SyslogMessage(
                severity: 6, timestamp: Date(timeIntervalSince1970: seconds), hostname: "h", msgID: "m", body: [])
            return Self.text(message).split(separator: " ")[1]
        }
        #expect(stamp(1_796_134_304.123) == "2026-12-01T14:11:44.123Z")
        #expect(stamp(1_796_134_304) == "2026-12-01T14:11:44.000Z")
        #expect(stamp(1_796_134_304.9999) == "2026-12-01T14:11:44.999Z")
        #expect(stamp(0.05) == "1970-01-01T00:00:00.050Z")
    }

    @Test("the BOM option prefixes MSG with EF BB BF (RFC 5424 §6.4); off by default")
    func byteOrderMark() {
        let body = Array("ünï".utf8)
        let plain = SyslogMessage(event: Self.event(), body: body, hostname: "h").formatted()
        #expect(Array(plain.suffix(body.count + 1)) == [0x20] + body)
        let marked = SyslogMessage(event: Self.event(), body: body, hostname: "h", byteOrderMark: true).formatted()
        #expect(Array(marked.suffix(body.count + 4)) == [0x20, 0xEF, 0xBB, 0xBF] + body)
    }

    @Test("octet counting: MSG-LEN SP SYSLOG-MSG, the length in bytes, newlines and multi-byte UTF-8 included")
    func octetCounting() {
        let body = "line one\nline two: héllo ✓ 日本"
        #expect(body.count == 29 && body.utf8.count == 36)
        let message = SyslogMessage(event: Self.event(), body: Array(body.utf8), hostname: "h").formatted()
        let frame = SyslogFraming.octetCounted(message)
        let prefix = "\(message.count) "
        #expect(Array(frame.prefix(prefix.utf8.count)) == Array(prefix.utf8))
        #expect(Array(frame.dropFirst(prefix.utf8.count)) == message)
        #expect(message.count == String(decoding: message, as: UTF8.self).utf8.count)
        #expect(String(decoding: message, as: UTF8.self).count < message.count)
        #expect(SyslogFraming.octetCounted(Array("é\n".utf8)) == Array("3 é\n".utf8))
        #expect(SyslogFraming.octetCounted([]) == Array("0 ".utf8))
    }

    @Test("the default host name is this machine's")
    func defaultHostname() {
        let name = SyslogMessage.defaultHostname
        var buffer = [CChar](repeating: 0, count: 256)
        #expect(gethostname(&buffer, 255) == 0)
        #expect(name == String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}

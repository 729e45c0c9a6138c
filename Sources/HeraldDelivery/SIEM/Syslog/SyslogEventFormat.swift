import HeraldCore

/// The RFC 5424 message of a Herald event, written straight into a buffer: the same bytes as
/// ``SyslogMessage/init(event:body:hostname:facility:byteOrderMark:)`` then ``SyslogMessage/formatted()``, with the
/// parts that are the same for every event of an integration (PRI per severity, HOSTNAME APP-NAME PROCID, the
/// structured data's names) made wire-safe once instead of at every event.
struct SyslogEventFormat: Sendable {
    /// `<PRI>1 ` for each RFC 5424 severity code 0…7.
    private let priorities: [[UInt8]]
    /// ` HOSTNAME APP-NAME PROCID ` (between TIMESTAMP and MSGID).
    private let headerMiddle: [UInt8]

    init(hostname: String, facility: Int = SyslogMessage.defaultFacility) {
        precondition(SyslogMessage.facilities.contains(facility), "syslog facility \(facility) is outside 0...23")
        priorities = (0...7).map { severity in
            var bytes: [UInt8] = [UInt8(ascii: "<")]
            SyslogMessage.appendDecimal(facility * 8 + severity, to: &bytes)
            bytes += Array(">1 ".utf8)
            return bytes
        }
        var middle: [UInt8] = [UInt8(ascii: " ")]
        SyslogMessage.appendHeaderField(hostname, limit: SyslogMessage.Limit.hostname, to: &middle)
        middle.append(UInt8(ascii: " "))
        SyslogMessage.appendHeaderField(SyslogMessage.defaultAppName, limit: SyslogMessage.Limit.appName, to: &middle)
        middle.append(UInt8(ascii: " "))
        SyslogMessage.appendHeaderField(SyslogMessage.nilValue, limit: SyslogMessage.Limit.procID, to: &middle)
        middle.append(UInt8(ascii: " "))
        headerMiddle = middle
    }

    private static let elementStart = Array(#" [herald@32473 event_id=""#.utf8)
    private static let eventType = Array(#"" event_type=""#.utf8)
    private static let orgId = Array(#"" org_id=""#.utf8)
    private static let severity = Array(#"" severity=""#.utf8)
    private static let elementEnd = Array(#""]"#.utf8)

    /// The message of `event` with MSG `body`, appended to `bytes`.
    func append(_ event: Event, body: [UInt8], to bytes: inout [UInt8]) {
        bytes.reserveCapacity(bytes.count + 160 + event.id.utf8.count + 2 * event.type.utf8.count + body.count)
        appendHeader(event, to: &bytes)
        if !body.isEmpty {
            bytes.append(UInt8(ascii: " "))
            bytes += body
        }
    }

    /// The message up to its structured data, without the space before MSG: the caller writes ` ` and MSG itself
    /// when it has one (the forwarder writes the native JSON straight after it).
    func appendHeader(_ event: Event, to bytes: inout [UInt8]) {
        bytes += priorities[SyslogMessage.severityCode(for: event.severity)]
        SyslogMessage.appendTimestamp(event.occurredAt, to: &bytes)
        bytes += headerMiddle
        SyslogMessage.appendHeaderField(event.type, limit: SyslogMessage.Limit.msgID, to: &bytes)
        bytes += Self.elementStart
        SyslogStructuredElement.appendEscaped(event.id, to: &bytes)
        bytes += Self.eventType
        SyslogStructuredElement.appendEscaped(event.type, to: &bytes)
        if let orgId = event.orgId {
            bytes += Self.orgId
            SyslogStructuredElement.appendEscaped(orgId, to: &bytes)
        }
        bytes += Self.severity
        SyslogStructuredElement.appendEscaped(event.severity.rawValue, to: &bytes)
        bytes += Self.elementEnd
    }

    /// ``append(_:body:to:)`` into a new buffer.
    func formatted(_ event: Event, body: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        append(event, body: body, to: &bytes)
        return bytes
    }
}

import Foundation
import HeraldCore

/// One RFC 5424 syslog message: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [SP MSG]`.
///
/// The fields are kept as given; ``formatted()`` makes them wire-safe: header fields are reduced to printable
/// US-ASCII (every other character, space and newline included, becomes `_`), cut to their RFC 5424 §6 limits
/// (HOSTNAME 255, APP-NAME 48, PROCID 128, MSGID 32) and replaced by the NILVALUE `-` when empty. Frame it
/// for TCP/TLS with ``SyslogFraming/octetCounted(_:)``.
///
/// The default facility is 10, `authpriv` (security/authorization messages), the facility receivers route to
/// their protected auth log; 13 (`log audit`) is the other natural choice and is one `facility` argument away.
public struct SyslogMessage: Sendable, Hashable {
    /// RFC 5424 NILVALUE.
    public static let nilValue = "-"
    /// `authpriv`.
    public static let defaultFacility = 10
    /// The facilities RFC 5424 §6.2.1 defines.
    public static let facilities = 0...23
    /// The APP-NAME Herald sends.
    public static let defaultAppName = "herald"
    /// The SD-ID of Herald's element. 32473 is the private enterprise number RFC 5612 reserves for
    /// documentation; replace it with a registered one if the project gets its own.
    public static let structuredDataID = "herald@32473"

    /// RFC 5424 §6 field limits, in octets.
    public enum Limit {
        public static let hostname = 255
        public static let appName = 48
        public static let procID = 128
        public static let msgID = 32
    }

    /// 0…23 (see ``facilities``).
    public var facility: Int
    /// 0 (emergency) … 7 (debug).
    public var severity: Int
    /// Sent as RFC 3339 UTC with milliseconds; `nil` sends the NILVALUE.
    public var timestamp: Date?
    public var hostname: String
    public var appName: String
    public var procID: String
    public var msgID: String
    public var structuredData: [SyslogStructuredElement]
    /// The MSG octets, sent verbatim.
    public var body: [UInt8]
    /// Prefixes MSG with the UTF-8 byte order mark (RFC 5424 §6.4 `MSG-UTF8`).
    ///
    /// Off by default: without it MSG is RFC 5424 `MSG-ANY` (allowed, and what rsyslog, Vector and Fluent Bit
    /// send). rsyslog 8.2302 parses a message with the BOM fine, but keeps U+FEFF at the start of `%msg%`, so
    /// it reaches every downstream consumer, and a JSON body no longer parses as JSON there.
    public var byteOrderMark: Bool

    /// - Precondition: `facility` is in ``facilities`` and `severity` in 0…7 (configuration validates them).
    public init(
        facility: Int = SyslogMessage.defaultFacility, severity: Int, timestamp: Date?, hostname: String,
        appName: String = SyslogMessage.defaultAppName, procID: String = SyslogMessage.nilValue, msgID: String,
        structuredData: [SyslogStructuredElement] = [], body: [UInt8], byteOrderMark: Bool = false
    ) {
        precondition(Self.facilities.contains(facility), "syslog facility \(facility) is outside 0...23")
        precondition((0...7).contains(severity), "syslog severity \(severity) is outside 0...7")
        self.facility = facility
        self.severity = severity
        self.timestamp = timestamp
        self.hostname = hostname
        self.appName = appName
        self.procID = procID
        self.msgID = msgID
        self.structuredData = structuredData
        self.body = body
        self.byteOrderMark = byteOrderMark
    }

    /// The message of one Herald event: MSGID is the event type, the `herald@32473` element carries
    /// `event_id`, `event_type`, `org_id` (when the event has one) and `severity`, TIMESTAMP is `occurredAt`.
    ///
    /// - Parameters:
    ///   - body: the MSG octets (the caller's rendering of the event, UTF-8).
    ///   - hostname: the HOSTNAME field; ``defaultHostname`` is the machine's.
    ///   - facility: 0…23, ``defaultFacility`` (authpriv) unless configured.
    public init(
        event: Event, body: [UInt8], hostname: String, facility: Int = SyslogMessage.defaultFacility,
        byteOrderMark: Bool = false
    ) {
        var parameters: [SyslogStructuredElement.Parameter] = [
            .init(name: "event_id", value: event.id),
            .init(name: "event_type", value: event.type),
        ]
        if let orgId = event.orgId { parameters.append(.init(name: "org_id", value: orgId)) }
        parameters.append(.init(name: "severity", value: event.severity.rawValue))
        self.init(
            facility: facility, severity: Self.severityCode(for: event.severity), timestamp: event.occurredAt,
            hostname: hostname, msgID: event.type,
            structuredData: [SyslogStructuredElement(id: Self.structuredDataID, parameters: parameters)],
            body: body, byteOrderMark: byteOrderMark)
    }

    /// `facility * 8 + severity`.
    public var priority: Int { facility * 8 + severity }

    /// The SYSLOG-MSG octets, without framing.
    public func formatted() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(160 + body.count)
        append(to: &bytes)
        return bytes
    }

    /// ``formatted()``'s bytes, appended (a batch writes its messages into one buffer).
    public func append(to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "<"))
        Self.appendDecimal(priority, to: &bytes)
        bytes.append(contentsOf: [UInt8(ascii: ">"), UInt8(ascii: "1"), UInt8(ascii: " ")])
        if let timestamp {
            Self.appendTimestamp(timestamp, to: &bytes)
        } else {
            bytes.append(UInt8(ascii: "-"))
        }
        bytes.append(UInt8(ascii: " "))
        Self.appendHeaderField(hostname, limit: Limit.hostname, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        Self.appendHeaderField(appName, limit: Limit.appName, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        Self.appendHeaderField(procID, limit: Limit.procID, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        Self.appendHeaderField(msgID, limit: Limit.msgID, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        if structuredData.isEmpty {
            bytes.append(UInt8(ascii: "-"))
        } else {
            for element in structuredData { element.append(to: &bytes) }
        }
        if byteOrderMark || !body.isEmpty {
            bytes.append(UInt8(ascii: " "))
            if byteOrderMark { bytes.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
            bytes.append(contentsOf: body)
        }
    }

    /// A non-negative integer's decimal digits, appended.
    static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        guard value >= 10 else {
            bytes.append(UInt8(ascii: "0") + UInt8(max(value, 0)))
            return
        }
        appendDecimal(value / 10, to: &bytes)
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}

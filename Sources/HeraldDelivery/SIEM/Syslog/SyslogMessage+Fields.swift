import Foundation
import HeraldCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension SyslogMessage {
    /// The RFC 5424 severity of a Herald severity: info → 6 informational, low → 5 notice, medium → 4 warning,
    /// high → 3 error, critical → 2 critical.
    public static func severityCode(for severity: Severity) -> Int {
        switch severity {
        case .info: 6
        case .low: 5
        case .medium: 4
        case .high: 3
        case .critical: 2
        }
    }

    /// This machine's host name (`gethostname`), or the NILVALUE when it has none.
    public static var defaultHostname: String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nilValue }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nilValue : name
    }

    /// RFC 3339 UTC with milliseconds (`2026-12-01T14:11:44.123Z`), the TIMESTAMP RFC 5424 §6.2.3 allows.
    ///
    /// The date is first rounded to the microsecond (a `Date` holds `.123` as `.12299…`), then the
    /// milliseconds are truncated, so `.9999` stays in its second.
    static func timestamp(_ date: Date) -> String {
        let microseconds = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let seconds = (microseconds / 1_000_000).rounded(.down)
        let milliseconds = min(max(Int((microseconds - seconds * 1_000_000) / 1000), 0), 999)
        let whole = Timestamp.format(Date(timeIntervalSince1970: seconds))  // ends in "Z"
        let fraction = String(milliseconds)
        return String(whole.dropLast()) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
    }

    /// A header field made wire-safe: printable US-ASCII (33…126) kept, every other character (one `_` per
    /// Unicode scalar) replaced, cut to `limit` octets; empty becomes the NILVALUE.
    static func headerField(_ value: String, limit: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for scalar in value.unicodeScalars {
            guard bytes.count < limit else { break }
            bytes.append((33...126).contains(scalar.value) ? UInt8(scalar.value) : UInt8(ascii: "_"))
        }
        return bytes.isEmpty ? Array(nilValue.utf8) : bytes
    }
}

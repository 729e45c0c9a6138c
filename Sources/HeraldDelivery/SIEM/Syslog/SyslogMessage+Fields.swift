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
        var bytes: [UInt8] = []
        appendTimestamp(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// ``timestamp(_:)``'s bytes, appended.
    static func appendTimestamp(_ date: Date, to bytes: inout [UInt8]) {
        let microseconds = (Timestamp.clamped(date) * 1_000_000).rounded()
        let seconds = (microseconds / 1_000_000).rounded(.down)
        let milliseconds = min(max(Int((microseconds - seconds * 1_000_000) / 1000), 0), 999)
        Timestamp.append(wholeSeconds: Int64(seconds), milliseconds: milliseconds, to: &bytes)
    }

    /// A header field made wire-safe: printable US-ASCII (33…126) kept, every other character (one `_` per
    /// Unicode scalar) replaced, cut to `limit` octets; empty becomes the NILVALUE.
    static func headerField(_ value: String, limit: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        appendHeaderField(value, limit: limit, to: &bytes)
        return bytes
    }

    /// ``headerField(_:limit:)``'s bytes, appended.
    static func appendHeaderField(_ value: String, limit: Int, to bytes: inout [UInt8]) {
        let start = bytes.count
        var utf8 = value.utf8.makeIterator()
        // Printable ASCII byte by byte; at the first other byte, the rest goes scalar by scalar.
        var written = 0
        while written < limit, let byte = utf8.next() {
            guard (33...126).contains(byte) else {
                for scalar in value.unicodeScalars.dropFirst(written) {
                    guard bytes.count - start < limit else { break }
                    bytes.append((33...126).contains(scalar.value) ? UInt8(scalar.value) : UInt8(ascii: "_"))
                }
                break
            }
            bytes.append(byte)
            written += 1
        }
        if bytes.count == start { bytes.append(UInt8(ascii: "-")) }
    }
}

import Foundation

/// The timestamp forms of the SIEM schemas, all in UTC and to the millisecond (the precision Herald stores).
enum SiemTime {
    /// Milliseconds since 1970 (OCSF `timestamp_t`, CEF `rt`).
    static func milliseconds(_ date: Date) -> Int64 { date.millisecondsSince1970 }

    /// RFC 3339 with milliseconds: `2025-01-15T10:30:00.123Z` (ECS `@timestamp`).
    static func iso8601(_ date: Date) -> String {
        let (seconds, fraction) = split(date)
        return "\(Timestamp.format(seconds).dropLast()).\(fraction)Z"
    }

    /// LEEF's `devTime` in ``leefFormat``: `2025-01-15T10:30:00.123+0000`.
    static func leef(_ date: Date) -> String {
        let (seconds, fraction) = split(date)
        return "\(Timestamp.format(seconds).dropLast()).\(fraction)+0000"
    }

    /// The Java date pattern of ``leef(_:)``, sent as LEEF's `devTimeFormat`.
    static let leefFormat = "yyyy-MM-dd'T'HH:mm:ss.SSSZ"

    /// The whole seconds of a date and its milliseconds as three digits.
    private static func split(_ date: Date) -> (Date, String) {
        let milliseconds = date.millisecondsSince1970
        var seconds = milliseconds / 1000
        var remainder = milliseconds % 1000
        if remainder < 0 {
            remainder += 1000
            seconds -= 1
        }
        let digits = String(remainder)
        return (Date(timeIntervalSince1970: Double(seconds)), String(repeating: "0", count: 3 - digits.count) + digits)
    }
}

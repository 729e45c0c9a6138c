import Foundation

/// RFC 3339 UTC timestamps, the one date format of the API (`2025-01-15T10:30:00Z`).
public enum Timestamp {
    /// Formats a date as RFC 3339 UTC with whole seconds.
    public static func format(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false)
            .timeSeparator(.colon).timeZone(separator: .omitted))
    }

    /// The dates Herald accepts from clients: 1970-01-01 up to the end of 9999.
    public static let acceptedRange = Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 253_402_300_799)

    /// Parses an RFC 3339 date-time (with or without fractional seconds) or a plain `YYYY-MM-DD` date (midnight UTC),
    /// within ``acceptedRange``.
    public static func parse(_ text: String) -> Date? {
        guard let date = parseUnbounded(text), acceptedRange.contains(date) else { return nil }
        return date
    }

    private static func parseUnbounded(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date
        }
        if text.count == 10, let date = try? Date(text, strategy: .iso8601.year().month().day()) { return date }
        return nil
    }

    /// The day (`YYYY-MM-DD`, UTC) a date falls on.
    public static func day(_ date: Date) -> String {
        String(format(date).prefix(10))
    }
}

extension Date {
    /// Milliseconds since 1970, the storage form of every timestamp.
    public var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    /// A date from milliseconds since 1970.
    public init(millisecondsSince1970 ms: Int64) {
        self.init(timeIntervalSince1970: Double(ms) / 1000)
    }
}

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
        guard fieldsAreValid(text), let date = parseUnbounded(text), acceptedRange.contains(date) else { return nil }
        return date
    }

    /// Foundation's ISO 8601 parser rolls impossible fields over (`2025-02-30` → March 2nd); refuse them instead:
    /// the month, the day within that month, and the hour, minute and second of a time part.
    static func fieldsAreValid(_ text: String) -> Bool {
        let characters = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= characters.count else { return nil }
            var value = 0
            for byte in characters[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            characters.count >= 10, characters[4] == UInt8(ascii: "-"), characters[7] == UInt8(ascii: "-"),
            (1...12).contains(month), day >= 1
        else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard day <= days else { return false }
        guard characters.count > 10 else { return true }
        guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else {
            return false
        }
        return hour <= 23 && minute <= 59 && second <= 60
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

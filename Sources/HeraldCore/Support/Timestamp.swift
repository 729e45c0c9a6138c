import Foundation

/// RFC 3339 UTC timestamps, the one date format of the API (`2025-01-15T10:30:00Z`).
public enum Timestamp {
    /// Formats a date as RFC 3339 UTC with whole seconds (`2025-01-15T10:30:00Z`).
    ///
    /// Hand-rolled (days-to-civil arithmetic) because it runs for every timestamp of every response, and a
    /// Foundation format style costs far more; years outside 0…9999 are clamped to that range.
    public static func format(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        append(wholeSeconds: Int64(clamped(date).rounded(.down)), milliseconds: nil, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Formats a date as RFC 3339 UTC with milliseconds (`2025-01-15T10:30:00.123Z`): SIEM timestamps.
    public static func formatMilliseconds(_ date: Date) -> String {
        let ms = Int64((clamped(date) * 1000).rounded(.down))
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(wholeSeconds: seconds, milliseconds: Int(ms - seconds * 1000), to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Seconds since 1970, within years 0…9999 (so that the conversion to an integer never overflows).
    public static func clamped(_ date: Date) -> Double {
        min(max(date.timeIntervalSince1970, -62_167_219_200), 253_402_300_799.999)
    }

    /// Appends `YYYY-MM-DDThh:mm:ss[.mmm]Z` for a count of seconds since 1970 (clamped to years 0…9999), with
    /// `milliseconds` (0…999) when given: the bytes of ``format(_:)`` and ``formatMilliseconds(_:)``, written
    /// straight into a buffer (syslog headers, SIEM envelopes).
    public static func append(wholeSeconds: Int64, milliseconds: Int?, to bytes: inout [UInt8]) {
        let seconds = min(max(wholeSeconds, -62_167_219_200), 253_402_300_799)  // 0000-01-01 … 9999-12-31T23:59:59
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (year, month, day) = civil(fromDays: days)
        func put(_ value: Int64, width: Int) {
            var divisor: Int64 = width == 4 ? 1000 : width == 3 ? 100 : 10
            var value = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor))
                value %= divisor
                divisor /= 10
            }
        }
        put(year, width: 4)
        bytes.append(UInt8(ascii: "-"))
        put(month, width: 2)
        bytes.append(UInt8(ascii: "-"))
        put(day, width: 2)
        bytes.append(UInt8(ascii: "T"))
        put(secondOfDay / 3600, width: 2)
        bytes.append(UInt8(ascii: ":"))
        put(secondOfDay / 60 % 60, width: 2)
        bytes.append(UInt8(ascii: ":"))
        put(secondOfDay % 60, width: 2)
        if let milliseconds {
            bytes.append(UInt8(ascii: "."))
            put(Int64(min(max(milliseconds, 0), 999)), width: 3)
        }
        bytes.append(UInt8(ascii: "Z"))
    }

    /// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
    static func civil(fromDays days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
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

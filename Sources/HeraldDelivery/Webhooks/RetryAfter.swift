import Foundation

/// Parses an HTTP `Retry-After` value: delay seconds (`120`) or an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`,
/// also the obsolete RFC 850 and asctime forms).
public enum RetryAfter {
    /// The wait the value asks for at `now`; nil when it cannot be parsed. A date in the past is zero.
    public static func parse(_ value: String, now: Date = Date()) -> Duration? {
        let text = value.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            guard text.utf8.count <= 12, let seconds = Int64(text) else { return nil }
            return .seconds(seconds)
        }
        guard let date = httpDate(text) else { return nil }
        return .seconds(max(0, date.timeIntervalSince(now)))
    }

    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// IMF-fixdate, RFC 850 or asctime, in GMT.
    static func httpDate(_ text: String) -> Date? {
        var words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map { String($0).lowercased() }
        guard words.count >= 4 else { return nil }
        words.removeFirst()  // the day name
        var day: Int?
        var month: Int?
        var year: Int?
        var time: String?
        if words.count == 3, words[0].contains("-") {
            // RFC 850: 06-Nov-94 08:49:37 GMT
            let parts = words[0].split(separator: "-")
            guard parts.count == 3 else { return nil }
            day = Int(parts[0])
            month = months.firstIndex(of: String(parts[1])).map { $0 + 1 }
            year = Int(parts[2]).map { $0 < 100 ? ($0 < 70 ? 2000 + $0 : 1900 + $0) : $0 }
            time = words[1]
            guard words[2] == "gmt" else { return nil }
        } else if words.count == 5, words[4] == "gmt" {
            // IMF-fixdate: 06 Nov 1994 08:49:37 GMT
            day = Int(words[0])
            month = months.firstIndex(of: words[1]).map { $0 + 1 }
            year = Int(words[2])
            time = words[3]
        } else if words.count == 4 {
            // asctime: Nov  6 08:49:37 1994
            month = months.firstIndex(of: words[0]).map { $0 + 1 }
            day = Int(words[1])
            time = words[2]
            year = Int(words[3])
        }
        guard let day, let month, let year, let time else { return nil }
        let clock = time.split(separator: ":").compactMap { Int($0) }
        guard clock.count == 3, (1...31).contains(day), (0...23).contains(clock[0]), (0...59).contains(clock[1]),
            (0...60).contains(clock[2])
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "GMT")!
        return calendar.date(
            from: DateComponents(year: year, month: month, day: day, hour: clock[0], minute: clock[1], second: clock[2]))
    }
}

import Foundation
import Testing

@testable import HeraldDelivery

/// RFC 5322 section 3.3 dates.
@Suite struct MailDateTests {
    @Test(arguments: [
        (0.0, "Thu, 01 Jan 1970 00:00:00 +0000"),
        (1_796_134_304.0, "Tue, 01 Dec 2026 14:11:44 +0000"),
        (1_796_134_304.999, "Tue, 01 Dec 2026 14:11:44 +0000"),
        (1_709_182_807.0, "Thu, 29 Feb 2024 05:00:07 +0000"),
        (951_868_800.0, "Wed, 01 Mar 2000 00:00:00 +0000"),
        (-1.0, "Wed, 31 Dec 1969 23:59:59 +0000"),
        (4_102_444_799.0, "Thu, 31 Dec 2099 23:59:59 +0000"),
        (-2_208_988_800.0, "Mon, 01 Jan 1900 00:00:00 +0000"),
    ])
    func formatsRFC5322DatesInUTC(seconds: Double, expected: String) throws {
        #expect(try MailDate.format(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test func refusesYearsBefore1900() {
        #expect(throws: MailError.self) { try MailDate.format(Date(timeIntervalSince1970: -2_208_988_801)) }
    }

    @Test func agreesWithTheCalendarOverManyDays() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for day in stride(from: -20_000, to: 60_000, by: 97) {
            let date = Date(timeIntervalSince1970: Double(day) * 86_400 + 3_723)
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
            let civil = MailDate.civilDate(daysSinceEpoch: Int64(day))
            #expect(civil.year == Int64(parts.year!) && civil.month == parts.month! && civil.day == Int64(parts.day!))
            #expect(try MailDate.format(date).hasPrefix(MailDate.dayNames[parts.weekday! - 1]))
        }
    }
}

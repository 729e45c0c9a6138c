import Foundation
@testable import HeraldCore
import Testing

@Suite struct TimestampTests {
    @Test func formatsRFC3339LikeFoundation() {
        var generator = SystemRandomNumberGenerator()
        let reference = Date.ISO8601FormatStyle(includingFractionalSeconds: false)
        var samples: [Double] = [0, 1, 59, 86_399, 86_400, 951_782_400, 1_709_164_799, 4_102_444_800, 253_402_300_799]
        samples += (0..<2_000).map { _ in Double.random(in: 0...253_402_300_799, using: &generator) }
        for seconds in samples {
            let date = Date(timeIntervalSince1970: seconds.rounded(.down) + 0.75)
            #expect(Timestamp.format(date) == reference.format(date), "\(seconds)")
        }
    }

    @Test func knownInstants() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_709_164_800)) == "2024-02-29T00:00:00Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")
    }

    @Test func parsesDatesAndDateTimesAndRefusesImpossibleOnes() {
        #expect(Timestamp.parse("2025-01-15") == Date(timeIntervalSince1970: 1_736_899_200))
        #expect(Timestamp.parse("2025-01-15T10:30:00Z") == Date(timeIntervalSince1970: 1_736_937_000))
        #expect(Timestamp.parse("2025-01-15T12:30:00+02:00") == Date(timeIntervalSince1970: 1_736_937_000))
        #expect(Timestamp.parse("2024-02-29") != nil)
        for bad in ["2025-02-29", "2025-02-30", "2025-13-01", "2025-04-31", "2025-01-31T25:00:00Z", "0000-01-01",
                    "1969-12-31", "2025-1-5", "yesterday", ""] {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
    }
}

import Foundation
import HeraldCore
import Testing

/// A deterministic generator (SplitMix64) so that jitter is reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct RetryPolicyTests {
    /// The text: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — 8 attempts, ±20% jitter.
    @Test func webhookScheduleIsTheDocumentedOne() {
        let policy = RetryPolicy.webhook
        #expect(policy.maxAttempts == 8)
        #expect(policy.jitter == 0.2)
        let expected: [Double] = [5, 300, 1800, 7200, 18000, 36000, 36000]
        #expect(policy.schedule.map(\.inSeconds) == expected)
    }

    @Test func jitterStaysWithinTwentyPercentAndVaries() {
        let policy = RetryPolicy.webhook
        var random = SeededGenerator(state: 42)
        for (index, base) in [5.0, 300, 1800, 7200, 18000, 36000, 36000].enumerated() {
            var seen = Set<Double>()
            for _ in 0..<200 {
                let delay = policy.delay(afterAttempt: index + 1, random: &random)!.inSeconds
                #expect(delay >= base * 0.8 - 1e-9 && delay <= base * 1.2 + 1e-9, "attempt \(index + 1): \(delay)")
                seen.insert(delay)
            }
            #expect(seen.count > 100, "jitter should spread delays")
        }
    }

    @Test func noDelayOnceTheScheduleIsExhausted() {
        var random = SeededGenerator(state: 1)
        #expect(RetryPolicy.webhook.delay(afterAttempt: 8, random: &random) == nil)
        #expect(RetryPolicy.webhook.delay(afterAttempt: 0, random: &random) == nil)
    }

    @Test func retryAfterIsHonouredWithinScheduleAndCap() {
        let policy = RetryPolicy(schedule: [.seconds(5), .seconds(300)], jitter: 0.2, retryAfterCap: .seconds(3600))
        var random = SeededGenerator(state: 7)
        // Longer than the schedule, under the cap: honoured exactly.
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(120), random: &random) == .seconds(120))
        // Shorter than the schedule: the schedule wins (a peer cannot speed retries up).
        #expect(policy.delay(afterAttempt: 2, retryAfter: .seconds(10), random: &random) == .seconds(300))
        // Beyond the cap: cut to the cap.
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(86_400), random: &random) == .seconds(3600))
        // A scheduled delay above the cap is still kept.
        let long = RetryPolicy(schedule: [.seconds(7200)], retryAfterCap: .seconds(3600))
        #expect(long.delay(afterAttempt: 1, retryAfter: .seconds(60), random: &random) == .seconds(7200))
    }
}

import Foundation
import HeraldDelivery
import Testing

@Suite struct DestinationGateTests {
    let start = Date(timeIntervalSince1970: 1_750_000_000)

    @Test func capLimitsConcurrentJobs() async {
        let gate = DestinationGate(configuration: .init(concurrencyCap: 2))
        #expect(await gate.admit(now: start) == .run(probe: false))
        #expect(await gate.admit(now: start) == .run(probe: false))
        #expect(await gate.admit(now: start) == .full)
        await gate.finish(success: true, now: start)
        #expect(await gate.admit(now: start) == .run(probe: false))
    }

    @Test func breakerOpensAfterThresholdAndProbesOncePerInterval() async {
        let gate = DestinationGate(configuration: .init(concurrencyCap: 4, failureThreshold: 3, probeInterval: .seconds(60)))
        for _ in 0..<3 {
            #expect(await gate.admit(now: start) == .run(probe: false))
            await gate.finish(success: false, now: start)
        }
        #expect(await gate.isOpen)
        // Open: nothing runs before the probe time.
        let probeAt = start.addingTimeInterval(60)
        #expect(await gate.admit(now: start.addingTimeInterval(1)) == .notBefore(probeAt))
        // At the probe time exactly one job goes through; others wait.
        #expect(await gate.admit(now: probeAt) == .run(probe: true))
        guard case .notBefore = await gate.admit(now: probeAt) else {
            Issue.record("a second probe was let through")
            return
        }
        // A failed probe keeps it open until the next interval.
        await gate.finish(success: false, now: probeAt)
        guard case .notBefore(let next) = await gate.admit(now: probeAt.addingTimeInterval(10)) else {
            Issue.record("expected a wait after a failed probe")
            return
        }
        #expect(next == probeAt.addingTimeInterval(60))
        // A successful probe closes it.
        #expect(await gate.admit(now: next) == .run(probe: true))
        await gate.finish(success: true, now: next)
        #expect(await gate.isOpen == false)
        #expect(await gate.admit(now: next) == .run(probe: false))
    }

    @Test func retryAfterPausesTheDestination() async {
        let gate = DestinationGate()
        #expect(await gate.admit(now: start) == .run(probe: false))
        await gate.finish(success: false, retryAfter: .seconds(120), now: start)
        #expect(await gate.admit(now: start.addingTimeInterval(60)) == .notBefore(start.addingTimeInterval(120)))
        #expect(await gate.admit(now: start.addingTimeInterval(120)) == .run(probe: false))
    }

    @Test func rateLimitAllowsAtMostTheRateInAnyOneSecond() async {
        let gate = DestinationGate(configuration: .init(concurrencyCap: 10), limits: DestinationLimits(ratePerSecond: 3))
        for offset in [0.0, 0.1, 0.2] {
            #expect(await gate.admit(now: start.addingTimeInterval(offset)) == .run(probe: false))
            await gate.finish(success: true, now: start.addingTimeInterval(offset))
        }
        // A fourth start within the second waits until the first start is a second old.
        #expect(await gate.admit(now: start.addingTimeInterval(0.5)) == .throttled(until: start.addingTimeInterval(1)))
        #expect(await gate.admit(now: start.addingTimeInterval(1)) == .run(probe: false))
        #expect(await gate.admit(now: start.addingTimeInterval(1.05)) == .throttled(until: start.addingTimeInterval(1.1)))
    }

    @Test func newLimitsApplyToTheNextAdmission() async {
        let gate = DestinationGate(configuration: .init(concurrencyCap: 10), limits: DestinationLimits(ratePerSecond: 1))
        #expect(await gate.admit(now: start) == .run(probe: false))
        #expect(await gate.admit(now: start) == .throttled(until: start.addingTimeInterval(1)))
        await gate.update(limits: DestinationLimits(ratePerSecond: nil))
        #expect(await gate.admit(now: start) == .run(probe: false))
        // Starts without a limit are not counted against a limit set later.
        await gate.update(limits: DestinationLimits(ratePerSecond: 2))
        #expect(await gate.admit(now: start) == .run(probe: false))
        #expect(await gate.admit(now: start.addingTimeInterval(0.5)) == .run(probe: false))
        #expect(await gate.admit(now: start.addingTimeInterval(0.5)) == .throttled(until: start.addingTimeInterval(1)))
    }

    @Test func aGateWithNothingToRememberIsIdle() async {
        let gate = DestinationGate(configuration: .init(failureThreshold: 2), limits: DestinationLimits(ratePerSecond: 5))
        #expect(await gate.isIdle(now: start))
        #expect(await gate.admit(now: start) == .run(probe: false))
        #expect(await gate.isIdle(now: start) == false)
        await gate.finish(success: false, now: start)
        // A failure is remembered (it counts towards the breaker) and so is the start within the last second.
        #expect(await gate.isIdle(now: start.addingTimeInterval(5)) == false)
        #expect(await gate.admit(now: start.addingTimeInterval(5)) == .run(probe: false))
        await gate.finish(success: true, now: start.addingTimeInterval(5))
        #expect(await gate.isIdle(now: start.addingTimeInterval(5.5)) == false)
        #expect(await gate.isIdle(now: start.addingTimeInterval(6)))
    }
}

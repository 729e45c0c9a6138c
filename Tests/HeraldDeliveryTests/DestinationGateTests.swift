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
}

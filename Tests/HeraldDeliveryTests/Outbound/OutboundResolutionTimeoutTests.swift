import HeraldCore
import HeraldDelivery
import Testing

@Suite struct OutboundResolutionTimeoutTests {
    @Test func aResolutionThatHangsFailsTheAttemptAfterTheBound() async throws {
        let hanging = OutboundAddressGuard(
            allowList: [], resolver: OutboundResolver { _ in
                try await Task.sleep(for: .seconds(30))
                return ["93.184.216.34"]
            }, resolutionTimeout: .milliseconds(200))
        let start = ContinuousClock.now
        await #expect(throws: HeraldError.self) { try await hanging.vet("https://slow-dns.example.com/hook") }
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func aPromptResolutionIsUsed() async throws {
        let prompt = OutboundAddressGuard(
            allowList: [], resolver: OutboundResolver { _ in ["93.184.216.34"] }, resolutionTimeout: .seconds(5))
        #expect(try await prompt.vet("https://example.com/hook").addresses == ["93.184.216.34"])
    }
}

@Suite struct SystemResolverCancellationTests {
    @Test func theSystemResolverAnswersCancellationAtOnce() async throws {
        // A lookup of a name under .invalid never succeeds; whatever getaddrinfo does, cancelling returns well before
        // a resolver's own timeout (5 s per try by default, two tries). The bound leaves room for a busy test run,
        // which shares two cores between this suite and the CPU-heavy ones (fuzzing, parsers).
        let task = Task { try await OutboundResolver.system.resolve("cancel-me.invalid") }
        task.cancel()
        let start = ContinuousClock.now
        _ = try? await task.value
        #expect(ContinuousClock.now - start < .seconds(5))
    }
}

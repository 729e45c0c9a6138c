import Foundation
import HeraldCore
import HeraldStorage
import Testing

@Suite struct RescueForeignLeasesTests {
    @Test func leasesOfAnotherOwnerRunAgainAtOnceAndOwnLeasesStay() async throws {
        let fixture = try JobFixture()
        let dead = try await fixture.store.enqueue(JobFixture.job(destination: "a"))
        let mine = try await fixture.store.enqueue(JobFixture.job(destination: "b"))
        let spent = try await fixture.store.enqueue(JobFixture.job(destination: "c", maxAttempts: 1))
        _ = try await fixture.store.claim(
            limit: 1, owner: "killed", leaseDuration: .seconds(300), now: fixture.now, kinds: nil,
            excludingDestinations: ["b", "c"])
        _ = try await fixture.store.claim(
            limit: 1, owner: "me", leaseDuration: .seconds(300), now: fixture.now, kinds: nil,
            excludingDestinations: ["a", "c"])
        _ = try await fixture.store.claim(
            limit: 1, owner: "killed", leaseDuration: .seconds(300), now: fixture.now, kinds: nil,
            excludingDestinations: ["a", "b"])

        // Long before the leases expire:
        #expect(try await fixture.store.rescueExpiredLeases(now: fixture.now) == 0)
        #expect(try await fixture.store.rescueLeases(notOwnedBy: "me") == 2)

        let rescued = try #require(try await fixture.store.job(id: dead.id))
        #expect(rescued.state == .available && rescued.attempts == 1 && rescued.leaseOwner == nil)
        #expect(rescued.lastError?.contains("stopped") == true)
        #expect(try await fixture.store.job(id: mine.id)?.state == .leased)
        #expect(try await fixture.store.job(id: spent.id)?.state == .dead, "its only attempt was lost")
        #expect(try await fixture.claim(owner: "me").map(\.job.id) == [dead.id])
    }
}

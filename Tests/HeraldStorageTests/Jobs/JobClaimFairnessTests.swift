import Foundation
import HeraldCore
import HeraldStorage
import Testing

@Suite struct JobClaimFairnessTests {
    @Test func aSmallOrganizationIsNotStuckBehindABigOne() async throws {
        let fixture = try JobFixture()
        _ = try await fixture.store.enqueue((0..<1_000).map { _ in JobFixture.job(org: "org-a", destination: "a-1") })
        fixture.clock.advance(by: 1)
        _ = try await fixture.store.enqueue((0..<10).map { _ in JobFixture.job(org: "org-b", destination: "b-1") })

        let leases = try await fixture.claim(20)
        #expect(leases.count == 20)
        let orgs = leases.map { $0.job.orgId }
        #expect(orgs.filter { $0 == "org-b" }.count == 10, "all of B's 10 jobs are in the first 20 claims")
        // Round-robin: A and B alternate while both have jobs.
        #expect(Array(orgs.prefix(4)) == ["org-a", "org-b", "org-a", "org-b"])
    }

    @Test func destinationsAlternateWithinAnOrganization() async throws {
        let fixture = try JobFixture()
        _ = try await fixture.store.enqueue((0..<50).map { _ in JobFixture.job(org: "org-a", destination: "slow") })
        fixture.clock.advance(by: 1)
        _ = try await fixture.store.enqueue((0..<3).map { _ in JobFixture.job(org: "org-a", destination: "fast") })
        let leases = try await fixture.claim(6)
        #expect(leases.map(\.job.destination) == ["slow", "fast", "slow", "fast", "slow", "fast"])
    }

    @Test func claimsFilterByKindAndSkipExcludedDestinations() async throws {
        let fixture = try JobFixture()
        _ = try await fixture.store.enqueue([
            JobFixture.job(destination: "busy"), JobFixture.job(destination: "idle"),
            JobFixture.job(destination: "idle", kind: .mailSend),
        ])
        let leases = try await fixture.store.claim(
            limit: 10, owner: "w", leaseDuration: .seconds(60), now: fixture.now, kinds: [.webhookDelivery],
            excludingDestinations: ["busy"])
        #expect(leases.map(\.job.destination) == ["idle"])
        #expect(leases.map(\.job.kind) == [.webhookDelivery])
    }

    @Test func aClaimTakesAtMostPerDestinationJobsOfOneDestination() async throws {
        let fixture = try JobFixture()
        _ = try await fixture.store.enqueue((0..<20).map { _ in JobFixture.job(destination: "hot") })
        _ = try await fixture.store.enqueue((0..<20).map { _ in JobFixture.job(org: "org-b", destination: "warm") })
        let leases = try await fixture.store.claim(
            limit: 10, owner: "w", leaseDuration: .seconds(60), now: fixture.now, kinds: nil, excludingDestinations: [],
            perDestination: 3)
        #expect(leases.filter { $0.job.destination == "hot" }.count == 3)
        #expect(leases.filter { $0.job.destination == "warm" }.count == 3)
        // The oldest of each destination.
        #expect(leases.filter { $0.job.destination == "hot" }.map(\.job.id) == [1, 2, 3])
    }

    @Test func aClaimOverManyDestinationsWithAThousandJobsEachStaysFair() async throws {
        let fixture = try JobFixture()
        for destination in 0..<50 {
            _ = try await fixture.store.enqueue(
                (0..<200).map { _ in JobFixture.job(org: "org-\(destination % 5)", destination: "d-\(destination)") })
        }
        let leases = try await fixture.claim(100)
        #expect(leases.count == 100)
        #expect(Set(leases.map(\.job.destination)).count == 50, "two of every destination")
        #expect(Set(leases.prefix(5).map(\.job.orgId)).count == 5, "the first five from five organizations")
    }

    @Test func platformJobsWithoutOrganizationAreClaimedToo() async throws {
        let fixture = try JobFixture()
        _ = try await fixture.store.enqueue([JobFixture.job(org: nil, destination: "relay"), JobFixture.job()])
        #expect(try await fixture.claim().count == 2)
    }
}

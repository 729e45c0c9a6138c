import Foundation
import HeraldCore
import HeraldStorage
import Testing

/// Ordered jobs (a FIFO webhook endpoint): one at a time per destination, in enqueue order, whatever the retries.
@Suite struct OrderedJobTests {
    static func ordered(_ destination: String = "fifo", org: String = "org-a", maxAttempts: Int = 8) -> NewJob {
        NewJob(
            kind: .webhookDelivery, orgId: org, destination: destination, payload: Data("{}".utf8),
            maxAttempts: maxAttempts, ordered: true)
    }

    @Test func onlyTheHeadOfAnOrderedDestinationIsClaimed() async throws {
        let fixture = try JobFixture()
        let jobs = try await fixture.store.enqueue((0..<5).map { _ in Self.ordered() })
        #expect(jobs.allSatisfy { $0.ordered })
        let first = try await fixture.claim(10)
        #expect(first.map(\.job.id) == [jobs[0].id])
        #expect(try await fixture.claim(10).isEmpty, "the next one waits while the head is leased")

        #expect(try await fixture.store.ack(first[0], attempt: fixture.attempt(first[0])))
        let second = try await fixture.claim(10)
        #expect(second.map(\.job.id) == [jobs[1].id])
    }

    @Test func aRetryingHeadHoldsBackTheRestUntilItSucceedsOrDies() async throws {
        let fixture = try JobFixture()
        let jobs = try await fixture.store.enqueue((0..<3).map { _ in Self.ordered(maxAttempts: 2) })
        let head = try #require(try await fixture.claim().first)
        #expect(
            try await fixture.store.retry(
                head, at: fixture.now.addingTimeInterval(30), attempt: fixture.attempt(head, .failure, error: "503")))
        // The second job is due but must not overtake the retrying head.
        #expect(try await fixture.claim().isEmpty)
        fixture.clock.advance(by: 30)
        let again = try #require(try await fixture.claim().first)
        #expect(again.job.id == jobs[0].id && again.attempt == 2)
        #expect(try await fixture.store.dead(again, attempt: fixture.attempt(again, .dead), reason: "no attempts left"))
        // A dead head no longer blocks: the queue goes on with the next one.
        #expect(try await fixture.claim().map(\.job.id) == [jobs[1].id])
    }

    @Test func orderingIsPerDestinationAndUnorderedJobsAreNotHeldBack() async throws {
        let fixture = try JobFixture()
        let a = try await fixture.store.enqueue([Self.ordered("fifo-a"), Self.ordered("fifo-a")])
        let b = try await fixture.store.enqueue([Self.ordered("fifo-b", org: "org-b"), Self.ordered("fifo-b", org: "org-b")])
        // An unordered job on the ordered destination (a test ping) goes at once, and does not block the queue.
        let ping = try await fixture.store.enqueue(JobFixture.job(destination: "fifo-a"))
        let leases = try await fixture.claim(10)
        #expect(Set(leases.map(\.job.id)) == [a[0].id, b[0].id, ping.id])
    }

    @Test func cancellingTheHeadReleasesTheNext() async throws {
        let fixture = try JobFixture()
        let jobs = try await fixture.store.enqueue([Self.ordered(), Self.ordered()])
        #expect(try await fixture.store.cancel(id: jobs[0].id))
        #expect(try await fixture.claim().map(\.job.id) == [jobs[1].id])
    }
}

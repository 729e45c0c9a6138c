import Foundation
import HeraldCore
import HeraldStorage
import Testing

@Suite struct JobStoreTests {
    @Test func enqueueClaimAck() async throws {
        let fixture = try JobFixture()
        let job = try await fixture.store.enqueue(JobFixture.job())
        #expect(job.state == .available && job.attempts == 0)
        #expect(try await fixture.store.nextRunAt(after: .distantPast) == job.runAt)
        #expect(try await fixture.store.nextRunAt(after: job.runAt) == nil, "a job already due is not a timer")

        let leases = try await fixture.claim()
        let lease = try #require(leases.first)
        #expect(leases.count == 1)
        #expect(lease.job.id == job.id && lease.job.state == .leased && lease.attempt == 1)
        #expect(lease.token == 1 && lease.job.leaseOwner == "worker-1")
        #expect(try await fixture.claim().isEmpty, "a leased job is not claimed twice")

        #expect(try await fixture.store.ack(lease, attempt: fixture.attempt(lease)))
        let done = try #require(try await fixture.store.job(id: job.id))
        #expect(done.state == .succeeded && done.finishedAt != nil && done.leaseOwner == nil)
        let attempts = try await fixture.store.attempts(jobId: job.id)
        #expect(attempts.count == 1 && attempts[0].outcome == .success && attempts[0].statusCode == 200)
        #expect(try await fixture.store.nextRunAt(after: .distantPast) == nil)
    }

    @Test func jobsAreNotClaimedBeforeTheirRunAt() async throws {
        let fixture = try JobFixture()
        let later = fixture.now.addingTimeInterval(30)
        _ = try await fixture.store.enqueue(JobFixture.job(runAt: later))
        #expect(try await fixture.claim().isEmpty)
        #expect(try await fixture.store.nextRunAt(after: fixture.now) == later)
        fixture.clock.advance(by: 30)
        #expect(try await fixture.claim().count == 1)
    }

    @Test func staleLeaseCannotAckAfterReLease() async throws {
        let fixture = try JobFixture()
        let job = try await fixture.store.enqueue(JobFixture.job())
        let first = try #require(try await fixture.claim(owner: "slow", lease: .seconds(10)).first)
        fixture.clock.advance(by: 11)
        #expect(try await fixture.store.rescueExpiredLeases(now: fixture.now) == 1)
        let second = try #require(try await fixture.claim(owner: "fast").first)
        #expect(second.token == first.token + 1)

        #expect(try await fixture.store.ack(first, attempt: fixture.attempt(first)) == false)
        #expect(try await fixture.store.retry(first, at: fixture.now, attempt: fixture.attempt(first, .failure)) == false)
        #expect(try await fixture.store.dead(first, attempt: fixture.attempt(first, .dead), reason: "x") == false)
        #expect(try await fixture.store.extend(first, until: fixture.now.addingTimeInterval(60)) == nil)
        let unchanged = try #require(try await fixture.store.job(id: job.id))
        #expect(unchanged.state == .leased && unchanged.leaseOwner == "fast" && unchanged.fencingToken == second.token)
        #expect(try await fixture.store.attempts(jobId: job.id).isEmpty, "a stale ack records nothing")

        #expect(try await fixture.store.ack(second, attempt: fixture.attempt(second)))
    }

    @Test func expiredLeasesAreRescuedKeepingTheAttemptCount() async throws {
        let fixture = try JobFixture()
        let job = try await fixture.store.enqueue(JobFixture.job(maxAttempts: 2))
        _ = try await fixture.claim(lease: .seconds(30))
        #expect(try await fixture.store.rescueExpiredLeases(now: fixture.now) == 0, "not expired yet")
        #expect(try await fixture.store.nextLeaseExpiry() == fixture.now.addingTimeInterval(30))
        fixture.clock.advance(by: 31)
        #expect(try await fixture.store.rescueExpiredLeases(now: fixture.now) == 1)
        var rescued = try #require(try await fixture.store.job(id: job.id))
        #expect(rescued.state == .available && rescued.attempts == 1 && rescued.leaseOwner == nil)

        // The second (last) attempt is lost too: the job is dead, not retried forever.
        let lease = try #require(try await fixture.claim(lease: .seconds(30)).first)
        #expect(lease.attempt == 2)
        fixture.clock.advance(by: 31)
        #expect(try await fixture.store.rescueExpiredLeases(now: fixture.now) == 1)
        rescued = try #require(try await fixture.store.job(id: job.id))
        #expect(rescued.state == .dead && rescued.lastError != nil)
    }

    @Test func heartbeatExtendsTheLease() async throws {
        let fixture = try JobFixture()
        _ = try await fixture.store.enqueue(JobFixture.job())
        let lease = try #require(try await fixture.claim(lease: .seconds(30)).first)
        let extended = try #require(try await fixture.store.extend(lease, until: fixture.now.addingTimeInterval(120)))
        fixture.clock.advance(by: 60)
        #expect(try await fixture.store.rescueExpiredLeases(now: fixture.now) == 0)
        #expect(try await fixture.store.ack(extended, attempt: fixture.attempt(extended)))
    }

    @Test func uniqueKeyHoldsWhileTheJobIsPending() async throws {
        let fixture = try JobFixture()
        let first = try await fixture.store.enqueue(JobFixture.job(uniqueKey: "event-1/endpoint-1"))
        let duplicate = try await fixture.store.enqueue(JobFixture.job(uniqueKey: "event-1/endpoint-1"))
        #expect(duplicate.id == first.id)
        let batch = try await fixture.store.enqueue([
            JobFixture.job(uniqueKey: "event-2/endpoint-1"), JobFixture.job(uniqueKey: "event-2/endpoint-1"),
            JobFixture.job(uniqueKey: "event-1/endpoint-1"),
        ])
        #expect(batch[0].id == batch[1].id && batch[2].id == first.id)
        #expect(try await fixture.store.list(JobFilter(), page: 1, limit: 50).total == 2)

        // Once finished, the key is free again.
        let leases = try await fixture.claim()
        for lease in leases { _ = try await fixture.store.ack(lease, attempt: fixture.attempt(lease)) }
        let again = try await fixture.store.enqueue(JobFixture.job(uniqueKey: "event-1/endpoint-1"))
        #expect(again.id != first.id && again.state == .available)
    }

    @Test func retryThenDeadThenRetryDead() async throws {
        let fixture = try JobFixture()
        let job = try await fixture.store.enqueue(JobFixture.job(maxAttempts: 2))
        let first = try #require(try await fixture.claim().first)
        let at = fixture.now.addingTimeInterval(5)
        #expect(try await fixture.store.retry(first, at: at, attempt: fixture.attempt(first, .failure, error: "503")))
        var stored = try #require(try await fixture.store.job(id: job.id))
        #expect(stored.state == .retrying && stored.runAt == at && stored.lastError == "503")
        #expect(try await fixture.claim().isEmpty)
        fixture.clock.advance(by: 5)
        let second = try #require(try await fixture.claim().first)
        #expect(second.attempt == 2)
        #expect(try await fixture.store.dead(second, attempt: fixture.attempt(second, .dead), reason: "gave up"))
        stored = try #require(try await fixture.store.job(id: job.id))
        #expect(stored.state == .dead && stored.lastError == "gave up")
        let dead = try await fixture.store.list(JobFilter(state: .dead, kind: .webhookDelivery), page: 1, limit: 10)
        #expect(dead.jobs.map(\.id) == [job.id])

        let requeued = try await fixture.store.retryDead(id: job.id)
        #expect(requeued.state == .available && requeued.attempts == 0 && requeued.finishedAt == nil)
        let third = try #require(try await fixture.claim().first)
        #expect(third.attempt == 1)
        #expect(try await fixture.store.attempts(jobId: job.id).count == 2, "earlier attempts stay on record")

        await #expect(throws: HeraldError.self) { _ = try await fixture.store.retryDead(id: job.id) }
        await #expect(throws: HeraldError.self) { _ = try await fixture.store.retryDead(id: 999_999) }
    }

    @Test func postponeDoesNotCountTheAttempt() async throws {
        let fixture = try JobFixture()
        let job = try await fixture.store.enqueue(JobFixture.job())
        let lease = try #require(try await fixture.claim().first)
        #expect(try await fixture.store.postpone(lease, until: fixture.now.addingTimeInterval(60)))
        let stored = try #require(try await fixture.store.job(id: job.id))
        #expect(stored.state == .retrying && stored.attempts == 0)
    }

    @Test func cancelStopsPendingJobsOnly() async throws {
        let fixture = try JobFixture()
        let queued = try await fixture.store.enqueue(JobFixture.job())
        let leased = try await fixture.store.enqueue(JobFixture.job(destination: "endpoint-2"))
        #expect(try await fixture.store.cancel(id: queued.id))
        let lease = try #require(try await fixture.claim().first)
        #expect(lease.job.id == leased.id)
        #expect(try await fixture.store.cancel(id: leased.id))
        #expect(try await fixture.store.ack(lease, attempt: fixture.attempt(lease)) == false, "cancelled under the worker")
        #expect(try await fixture.store.cancel(id: queued.id) == false)
        #expect(try await fixture.store.job(id: queued.id)?.state == .cancelled)
    }

    @Test func pruneDeletesFinishedJobsAndTheirAttemptsButKeepsDeadOnes() async throws {
        let fixture = try JobFixture()
        let done = try await fixture.store.enqueue(JobFixture.job(destination: "a"))
        let dead = try await fixture.store.enqueue(JobFixture.job(destination: "b"))
        let cancelled = try await fixture.store.enqueue(JobFixture.job(destination: "c"))
        let pending = try await fixture.store.enqueue(JobFixture.job(destination: "d", runAt: fixture.now.addingTimeInterval(3600)))
        for lease in try await fixture.claim() {
            if lease.job.id == done.id { _ = try await fixture.store.ack(lease, attempt: fixture.attempt(lease)) }
            if lease.job.id == dead.id { _ = try await fixture.store.dead(lease, attempt: fixture.attempt(lease, .dead), reason: "x") }
        }
        _ = try await fixture.store.cancel(id: cancelled.id)
        fixture.clock.advance(by: 10)
        #expect(try await fixture.store.prune(finishedBefore: fixture.now.addingTimeInterval(-60), limit: 100) == 0)
        #expect(try await fixture.store.prune(finishedBefore: fixture.now, limit: 1) == 1)
        #expect(try await fixture.store.prune(finishedBefore: fixture.now, limit: 100) == 1, "the limit bounds one call")
        #expect(try await fixture.store.job(id: done.id) == nil)
        #expect(try await fixture.store.job(id: cancelled.id) == nil)
        #expect(try await fixture.store.attempts(jobId: done.id).isEmpty)
        #expect(try await fixture.store.job(id: dead.id)?.state == .dead)
        #expect(try await fixture.store.job(id: pending.id)?.state == .available)
    }

    @Test func countsByKindAndState() async throws {
        let fixture = try JobFixture()
        _ = try await fixture.store.enqueue([
            JobFixture.job(kind: .webhookDelivery), JobFixture.job(kind: .webhookDelivery),
            JobFixture.job(kind: .mailSend, runAt: fixture.now.addingTimeInterval(60)),
        ])
        _ = try await fixture.store.claim(
            limit: 1, owner: "w", leaseDuration: .seconds(60), now: fixture.now, kinds: [.webhookDelivery],
            excludingDestinations: [])
        let counts = Set(try await fixture.store.counts())
        #expect(
            counts == [
                JobCount(kind: .mailSend, state: .available, count: 1),
                JobCount(kind: .webhookDelivery, state: .available, count: 1),
                JobCount(kind: .webhookDelivery, state: .leased, count: 1),
            ])
        // Finished: dead and cancelled are counted, succeeded is not (the outcome counters have it).
        let leased = try #require(try await fixture.claim().first)
        #expect(try await fixture.store.dead(leased, attempt: fixture.attempt(leased, .dead), reason: "x"))
        for job in try await fixture.store.list(JobFilter(state: .leased), page: 1, limit: 10).jobs {
            #expect(try await fixture.store.cancel(id: job.id))
        }
        let after = Set(try await fixture.store.counts())
        #expect(after.contains(JobCount(kind: .webhookDelivery, state: .dead, count: 1)))
        #expect(after.contains(JobCount(kind: .webhookDelivery, state: .cancelled, count: 1)))
        #expect(!after.contains { $0.state == .succeeded })
    }

    @Test func listFiltersAndPages() async throws {
        let fixture = try JobFixture()
        for index in 0..<5 { _ = try await fixture.store.enqueue(JobFixture.job(org: "org-\(index % 2)")) }
        let page1 = try await fixture.store.list(JobFilter(orgId: "org-0"), page: 1, limit: 2)
        let page2 = try await fixture.store.list(JobFilter(orgId: "org-0"), page: 2, limit: 2)
        #expect(page1.total == 3 && page1.jobs.count == 2 && page2.jobs.count == 1)
        #expect(page1.jobs[0].id > page1.jobs[1].id, "newest first")
    }
}

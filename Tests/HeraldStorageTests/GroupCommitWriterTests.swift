import Foundation
import HeraldCore
import HeraldStorage
import Testing

@Suite struct GroupCommitWriterTests {
    @Test func concurrentEnqueuesShareTransactions() async throws {
        let fixture = try JobFixture(file: true)
        let store = fixture.store
        let before = store.writeTransactionCount
        let ids = try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<1_000 {
                group.addTask { try await store.enqueue(JobFixture.job(destination: "d-\(index % 7)")).id }
            }
            var ids: Set<Int64> = []
            for try await id in group { ids.insert(id) }
            return ids
        }
        let transactions = store.writeTransactionCount - before
        #expect(ids.count == 1_000)
        #expect(try await store.list(JobFilter(), page: 1, limit: 1).total == 1_000)
        #expect(transactions < 200, "1,000 enqueues took \(transactions) transactions")
    }

    @Test func oneFailingOperationDoesNotFailItsBatch() async throws {
        let fixture = try JobFixture(file: true)
        let store = fixture.store
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<200 {
                group.addTask {
                    // Every tenth job is invalid (no attempts allowed) and must fail alone.
                    let job = JobFixture.job(maxAttempts: index % 10 == 0 ? 0 : 3)
                    return (try? await store.enqueue(job)) != nil
                }
            }
            var results: [Bool] = []
            for await result in group { results.append(result) }
            return results
        }
        #expect(results.filter { $0 }.count == 180)
        #expect(try await store.list(JobFilter(), page: 1, limit: 1).total == 180)
    }
}

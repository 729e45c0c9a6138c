import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStorage
import Testing

@Suite struct RetentionServiceTests {
    @Test func aPassDeletesFinishedJobsPastRetentionInBatchesAndKeepsTheRest() async throws {
        let database = try SQLiteDatabase.temporaryFile(synchronous: "NORMAL")
        try database.migrate()
        let jobs = SQLiteJobStore(database: database)
        let store = database.store(sealer: SecretSealer(masterKey: try MasterKey(bytes: Array(repeating: 7, count: 32))))
        _ = try await jobs.enqueue((0..<25).map { job(destination: "d-\($0 % 3)") })
        let leases = try await jobs.claim(limit: 25, owner: "w", leaseDuration: .seconds(60), now: Date())
        for lease in leases.prefix(20) {
            _ = try await jobs.ack(lease, attempt: JobAttempt(lease, startedAt: Date(), outcome: .success, statusCode: 200))
        }
        for lease in leases.suffix(5) {
            _ = try await jobs.dead(lease, attempt: JobAttempt(lease, startedAt: Date(), outcome: .dead), reason: "gone")
        }
        var configuration = RetentionConfiguration()
        configuration.finishedJobsSeconds = 60
        // A clock two minutes ahead: the 20 succeeded jobs are past retention, the dead ones are kept whatever their age.
        let later = Date().addingTimeInterval(120)
        let service = RetentionService(jobs: jobs, events: store, configuration: configuration, batchSize: 7, now: { later })
        let pass = await service.pass()
        #expect(pass.jobs == 20)
        #expect(try await jobs.list(JobFilter(state: .succeeded), page: 1, limit: 1).total == 0)
        #expect(try await jobs.list(JobFilter(state: .dead), page: 1, limit: 1).total == 5)
        #expect(await service.pass().jobs == 0)

        // Nothing is past a week's retention yet.
        let fresh = RetentionService(jobs: jobs, events: store, configuration: RetentionConfiguration())
        #expect(await fresh.pass() == RetentionService.Pass())
    }
}

import Foundation
import HeraldCore
import HeraldStorage

/// A migrated in-memory database with a job store on a test clock.
struct JobFixture {
    let database: SQLiteDatabase
    let store: SQLiteJobStore
    let clock: TestClock

    init(file: Bool = false) throws {
        let database = file ? try SQLiteDatabase.temporaryFile(synchronous: "FULL") : try SQLiteDatabase.inMemory()
        try database.migrate()
        let clock = TestClock()
        self.database = database
        self.clock = clock
        self.store = SQLiteJobStore(database: database, now: { clock.now })
    }

    var now: Date { clock.now }

    static func job(
        org: String? = "org-a", destination: String = "endpoint-1", kind: JobKind = .webhookDelivery,
        maxAttempts: Int = 8, uniqueKey: String? = nil, runAt: Date? = nil
    ) -> NewJob {
        NewJob(
            kind: kind, orgId: org, destination: destination, payload: Data("{}".utf8), runAt: runAt,
            maxAttempts: maxAttempts, uniqueKey: uniqueKey)
    }

    func claim(_ limit: Int = 10, owner: String = "worker-1", lease: Duration = .seconds(60)) async throws -> [JobLease] {
        try await store.claim(limit: limit, owner: owner, leaseDuration: lease, now: clock.now)
    }

    func attempt(_ lease: JobLease, _ outcome: JobAttempt.Outcome = .success, error: String? = nil) -> JobAttempt {
        JobAttempt(lease, startedAt: clock.now, now: clock.now, outcome: outcome, statusCode: 200, error: error)
    }
}

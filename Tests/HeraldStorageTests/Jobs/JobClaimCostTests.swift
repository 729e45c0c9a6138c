import Foundation
import GRDB
import GRDBSQLite
import HeraldCore
import Testing

@testable import HeraldStorage

/// A claim reads about as many rows as it leases, however many jobs wait: counted in SQLite page accesses (cache
/// hits and misses of the connection), not in time.
@Suite struct JobClaimCostTests {
    /// 8 destinations with 1,000 due webhook deliveries each, interleaved as a fan-out writes them, each with a
    /// 1 KiB body: a destination's rows lie on different pages, as in a real backlog.
    func backlog() async throws -> JobFixture {
        let fixture = try JobFixture()
        let body = Data(repeating: UInt8(ascii: "x"), count: 1_024)
        let jobs = (0..<8_000).map { n in
            NewJob(
                kind: .webhookDelivery, orgId: "org-\(n % 2)", destination: "endpoint-\(n % 8)", payload: body,
                runAt: nil, maxAttempts: 8, uniqueKey: nil)
        }
        _ = try await fixture.store.enqueue(jobs)
        return fixture
    }

    /// The page accesses of one claim.
    func pagesRead(
        _ fixture: JobFixture, limit: Int, kinds: Set<JobKind>?, excluding: Set<String> = [], perDestination: Int = 4
    ) async throws -> (leases: [JobLease], pages: Int32) {
        let now = fixture.now
        return try await fixture.database.writer.write { db in
            let handle = db.sqliteConnection
            var current: Int32 = 0
            var highwater: Int32 = 0
            _ = sqlite3_db_status(handle, SQLITE_DBSTATUS_CACHE_HIT, &current, &highwater, 1)
            _ = sqlite3_db_status(handle, SQLITE_DBSTATUS_CACHE_MISS, &current, &highwater, 1)
            let leases = try SQLiteJobStore.claim(
                limit: limit, perDestination: perDestination, owner: "w", expiresAt: now.addingTimeInterval(60),
                now: now, stamp: now, kinds: kinds, excluding: excluding, in: db)
            var hits: Int32 = 0
            var misses: Int32 = 0
            _ = sqlite3_db_status(handle, SQLITE_DBSTATUS_CACHE_HIT, &hits, &highwater, 0)
            _ = sqlite3_db_status(handle, SQLITE_DBSTATUS_CACHE_MISS, &misses, &highwater, 0)
            return (leases, hits + misses)
        }
    }

    @Test func aClaimForAKindWithoutJobsReadsNoneOfTheOthers() async throws {
        let fixture = try await backlog()
        let (leases, pages) = try await pagesRead(fixture, limit: 32, kinds: [.mailSend])
        #expect(leases.isEmpty)
        #expect(pages < 50, "a mail claim behind 8,000 webhook jobs read \(pages) pages")
    }

    @Test func aClaimReadsAboutWhatItLeases() async throws {
        let fixture = try await backlog()
        let (leases, pages) = try await pagesRead(fixture, limit: 32, kinds: [.webhookDelivery])
        #expect(leases.count == 32)
        #expect(pages < 1_000, "32 leases out of 8,000 jobs read \(pages) pages")

        let (all, allPages) = try await pagesRead(fixture, limit: 32, kinds: nil)
        #expect(all.count == 32)
        #expect(allPages < 1_000, "32 leases of any kind out of 7,968 jobs read \(allPages) pages")

        // Every destination but one saturated: its quota only.
        let busy = Set((1..<8).map { "endpoint-\($0)" })
        let (one, onePages) = try await pagesRead(fixture, limit: 32, kinds: [.webhookDelivery], excluding: busy)
        #expect(one.map(\.job.destination) == Array(repeating: "endpoint-0", count: 4))
        #expect(onePages < 500, "4 leases of one destination read \(onePages) pages")
    }
}

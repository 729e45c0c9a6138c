import Foundation
import HeraldCore
import Testing

@testable import HeraldStorage

@Suite struct ConcurrencyTests {
    /// Reads on the calling thread (`readNow`) mixed with `async` reads, far more of them than cooperative threads
    /// and pool readers: it all ends. When `readNow` took the pool's readers, every cooperative thread could wait
    /// for a reader held by an `async` read that waited for a thread, and the daemon stopped (a SCIM PATCH load).
    /// A deadlock cannot be timed out from the blocked pool, so a watchdog thread ends the process with the reason.
    @Test func readsOnTheCallingThreadNeverWaitForTheTaskPool() async throws {
        let database = try SQLiteDatabase.temporaryFile()
        defer { database.removeFiles() }
        try database.migrate()
        let store = database.store()
        let finished = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            if finished.wait(timeout: .now() + 120) == .timedOut {
                fatalError("readNow and async reads deadlocked: no progress in 120 s")
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<64 {
                group.addTask {
                    for round in 0..<100 {
                        if (task + round) % 2 == 0 {
                            _ = try store.readNow { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM tiers") }
                        } else {
                            _ = try await store.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM tiers") }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        finished.signal()
    }

    /// Concurrent additions on a file pool: the limit holds, and every success recorded exactly one event.
    @Test func concurrentAdditionsRespectTheLimitOnAFilePool() async throws {
        let database = try SQLiteDatabase.temporaryFile()
        defer { database.removeFiles() }
        try database.migrate()
        let store = database.store()
        let owner = try await store.ensureUser(email: "owner@example.com", actor: .system)
        _ = try await store.createTier(
            NewTier(id: "small", displayName: "Small", maxServices: nil, maxUsers: 5, priceCents: 0), actor: .system)
        let organization = try await store.createOrganization(
            slug: "race", name: "Race", owner: owner, autoApproveTierId: "small", actor: .system)
        let actor = Actor(userId: owner.id, email: owner.email)

        let outcomes = await withTaskGroup(of: String.self) { group in
            for index in 0..<20 {
                group.addTask {
                    do {
                        _ = try await store.addMember(
                            orgId: organization.id, email: "m\(index)@example.com", role: .member, actor: actor)
                        return "added"
                    } catch let error as HeraldError {
                        return error.code.name
                    } catch {
                        return "\(error)"
                    }
                }
                group.addTask {
                    (try? await store.members(orgId: organization.id, page: 1, limit: 50)) != nil ? "read" : "read failed"
                }
            }
            var outcomes: [String: Int] = [:]
            for await outcome in group { outcomes[outcome, default: 0] += 1 }
            return outcomes
        }
        #expect(outcomes == ["added": 4, "limit_reached": 16, "read": 20])
        #expect(try await store.members(orgId: organization.id, page: 1, limit: 50).total == 5)
        let added = try await store.auditLog(AuditQuery(orgId: organization.id, action: "member.added"))
        #expect(added.count == 4)
    }
}

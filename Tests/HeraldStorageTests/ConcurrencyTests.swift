import Foundation
import HeraldCore
import Testing

@testable import HeraldStorage

@Suite struct ConcurrencyTests {
    /// Concurrent additions on a file pool: the limit holds, and every success recorded exactly one event.
    @Test func concurrentAdditionsRespectTheLimitOnAFilePool() async throws {
        let database = try SQLiteDatabase.temporaryFile()
        defer {
            if let path = database.path {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
        }
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

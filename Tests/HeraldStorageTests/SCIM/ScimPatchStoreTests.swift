import Foundation
import GRDB
import HeraldCore
import Synchronization
import Testing

@testable import HeraldStorage

/// A user's PATCH is read and applied before its write transaction, which writes only when the row still has the
/// version that was read; otherwise the patch runs again inside the transaction. No update is ever lost.
@Suite("SCIM patches in the store")
struct ScimPatchStoreTests {
    private func user(_ fixture: Fixture) async throws -> (ScimPrincipal, ScimStoredResource) {
        let (organization, _, _) = try await fixture.organization()
        let principal = ScimPrincipal(
            tokenId: "t", tokenPrefix: "hscim_test", orgId: organization.id, organizationStatus: .active, maxUsers: nil)
        let attributes = try ScimResourceNormalizer(.user).normalize([
            "schemas": [.string(ScimURN.user)], "userName": "bjensen", "displayName": "Babs",
        ])
        let created = try await fixture.store.createScimResource(
            principal, type: .user, attributes: attributes, members: [], actor: .system)
        return (principal, created)
    }

    private func adding(_ key: String, _ value: String) -> @Sendable ([String: JSONValue]) -> ScimPatchResult {
        { attributes in
            var changed = attributes
            changed[key] = .string(value)
            return ScimPatchResult(resource: changed)
        }
    }

    @Test("a write between the read and the transaction makes the patch run again on the newer version")
    func conflictingWriteIsNotLost() async throws {
        let fixture = try Fixture()
        let (principal, created) = try await user(fixture)
        let writer = fixture.database.writer
        let calls = Atomic<Int>(0)
        let patched = try await fixture.store.patchScimResource(
            orgId: principal.orgId, type: .user, id: created.id, ifMatch: nil, actor: .system, includeMembers: false
        ) { attributes in
            if calls.add(1, ordering: .relaxed).newValue == 1 {
                // Another writer changes the row after this patch read it (version 1 → 2).
                try? writer.write { db in
                    try db.execute(
                        sql: """
                            UPDATE scim_users SET version = version + 1,
                                resource = json_set(resource, '$.title', 'Tour Guide') WHERE id = ?
                            """, arguments: [created.id])
                }
            }
            var changed = attributes
            changed["nickName"] = .string("Babs")
            return ScimPatchResult(resource: changed)
        }
        #expect(calls.load(ordering: .relaxed) == 2)
        #expect(patched.version == 3)
        #expect(patched.attributes["title"] == .string("Tour Guide"))
        #expect(patched.attributes["nickName"] == .string("Babs"))
        let stored = try #require(
            try await fixture.store.scimResource(orgId: principal.orgId, type: .user, id: created.id, includeMembers: false))
        #expect(stored.version == 3 && stored.attributes == patched.attributes)
    }

    @Test("concurrent patches of one user each get their own version, with one event each")
    func concurrentPatchesAllApply() async throws {
        let fixture = try Fixture()
        let (principal, created) = try await user(fixture)
        let store = fixture.store
        let count = 20
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    _ = try await store.patchScimResource(
                        orgId: principal.orgId, type: .user, id: created.id, ifMatch: nil, actor: .system,
                        includeMembers: false, adding("x-\(index)", "v"))
                }
            }
            try await group.waitForAll()
        }
        let stored = try #require(
            try await store.scimResource(orgId: principal.orgId, type: .user, id: created.id, includeMembers: false))
        #expect(stored.version == 1 + count)
        #expect((0..<count).allSatisfy { stored.attributes["x-\($0)"] == .string("v") })
        let versions = try await fixture.database.writer.read { db in
            try Int.fetchAll(
                db,
                sql: """
                    SELECT json_extract(data, '$.version') FROM events
                    WHERE type = 'directory.user.updated' AND target_id = ? ORDER BY seq
                    """, arguments: [created.id])
        }
        #expect(versions == Array(2...(1 + count)))
    }

    @Test("the patched values reach the indexed columns and emails, and If-Match is checked before patching")
    func columnsAndPreconditions() async throws {
        let fixture = try Fixture()
        let (principal, created) = try await user(fixture)
        let store = fixture.store
        let patched = try await store.patchScimResource(
            orgId: principal.orgId, type: .user, id: created.id, ifMatch: created.etag, actor: .system,
            includeMembers: false
        ) { attributes in
            var changed = attributes
            changed["displayName"] = .string("Barbara Jensen")
            changed["emails"] = [["value": "BJensen@Example.com", "type": "work"]]
            return ScimPatchResult(resource: changed)
        }
        let columns = try await fixture.database.writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT display_name_folded, version FROM scim_users WHERE id = ?", arguments: [created.id])
        }
        #expect(columns?["display_name_folded"] == "barbara jensen")
        #expect(columns?["version"] == 2)
        let emails = try await fixture.database.writer.read { db in
            try String.fetchAll(db, sql: "SELECT value_folded FROM scim_user_emails")
        }
        #expect(emails == ["bjensen@example.com"])
        await #expect(throws: ScimError.self) {
            _ = try await store.patchScimResource(
                orgId: principal.orgId, type: .user, id: created.id, ifMatch: created.etag, actor: .system,
                includeMembers: false, adding("title", "stale"))
        }
        #expect(patched.version == 2)
    }
}

import Foundation
import GRDB
import HeraldCore

/// ``ScimStore``'s users and groups: each change in one transaction with its `directory.*` event.
extension SQLiteStore {
    public func createScimResource(
        _ principal: ScimPrincipal, type: ScimResourceType, attributes: [String: JSONValue], members: [ScimMember],
        actor: Actor
    ) async throws -> ScimStoredResource {
        let table = ScimTable(type)
        let now = self.now()
        let orgId = principal.orgId
        let ms = now.millisecondsSince1970
        let stored = ScimStoredResource(
            id: Identifier.make(), type: type, created: Date(millisecondsSince1970: ms),
            lastModified: Date(millisecondsSince1970: ms), version: 1, attributes: attributes)
        let values = try ScimRowValues(attributes)
        let event = try Self.scimEvent(
            table.isGroup ? .directoryGroupCreated : .directoryUserCreated, stored, orgId: orgId, actor: actor,
            now: now)
        return try await groupWrite { db in
            if !table.isGroup, let limit = principal.maxUsers {
                let users = try Int.fetchOne(
                    db.cachedStatement(sql: "SELECT users FROM scim_directory_counts WHERE org_id = ?"),
                    arguments: [orgId]) ?? 0
                guard users < limit else {
                    throw ScimError(
                        status: 403, nil,
                        "the organization has reached its limit of \(limit) users (max_users); no user was created")
                }
            }
            try Self.checkUniqueness(table, orgId: orgId, attributes, excluding: nil, in: db)
            let seq = try Self.insertScimRow(table, orgId: orgId, id: stored.id, values, ms: ms, in: db)
            try event.insert(db)
            if table.isGroup, !members.isEmpty {
                var changes = MembershipChanges()
                try Self.addMembers(members, groupSeq: seq, orgId: orgId, into: &changes, in: db)
                try Self.recordMembership(
                    changes, groupId: stored.id, version: 1, orgId: orgId, actor: actor, now: now, in: db)
            }
            return stored
        }
    }

    public func scimResource(orgId: String, type: ScimResourceType, id: String, includeMembers: Bool) async throws
        -> ScimStoredResource?
    {
        let table = ScimTable(type)
        return try await read { db in
            guard let (seq, stored) = try Self.fetchScim(table, orgId: orgId, id: id, in: db) else { return nil }
            return try Self.withRelations(stored, seq: seq, includeMembers: includeMembers, in: db)
        }
    }

    public func replaceScimResource(
        orgId: String, type: ScimResourceType, id: String, attributes: [String: JSONValue], members: [ScimMember]?,
        ifMatch: String?, actor: Actor
    ) async throws -> ScimStoredResource {
        let table = ScimTable(type)
        let now = self.now()
        return try await groupWrite { db in
            let (seq, before) = try Self.requireScim(table, orgId: orgId, id: id, ifMatch: ifMatch, in: db)
            var changes = MembershipChanges()
            if let members { try Self.replaceMembers(members, groupSeq: seq, orgId: orgId, into: &changes, in: db) }
            return try Self.finishChange(
                table, seq: seq, before: before, after: attributes, changes: changes, orgId: orgId, actor: actor,
                now: now, includeMembers: false, in: db)
        }
    }

    public func patchScimResource(
        orgId: String, type: ScimResourceType, id: String, ifMatch: String?, actor: Actor, includeMembers: Bool,
        _ patch: @escaping @Sendable ([String: JSONValue]) throws(ScimError) -> ScimPatchResult
    ) async throws -> ScimStoredResource {
        let table = ScimTable(type)
        let now = self.now()
        if !table.isGroup {
            // A user's patch needs no other row: read, patch and prepare the new version before the write
            // transaction, which then only checks that the version read is still the row's and writes.
            let (seq, before) = try readNow { db in
                try Self.requireScim(table, orgId: orgId, id: id, ifMatch: ifMatch, in: db)
            }
            let result = try patch(before.attributes)
            if result.resource != before.attributes {
                let change = try ScimAttributeChange(
                    table, before: before, attributes: result.resource, orgId: orgId, actor: actor, now: now)
                let written = try await groupWrite { db -> ScimStoredResource? in
                    // Another write came between the read and this transaction: patch again inside it (below).
                    guard try Self.version(table, seq: seq, in: db) == before.version else { return nil }
                    try Self.write(change, table, seq: seq, orgId: orgId, in: db)
                    return try Self.withRelations(change.after, seq: seq, includeMembers: includeMembers, in: db)
                }
                if let written { return written }
            }
        }
        return try await groupWrite { db in
            let (seq, before) = try Self.requireScim(table, orgId: orgId, id: id, ifMatch: ifMatch, in: db)
            let result = try patch(before.attributes)
            var changes = MembershipChanges()
            if table.isGroup {
                for change in result.memberChanges {
                    try Self.apply(change, groupSeq: seq, orgId: orgId, into: &changes, in: db)
                }
            }
            return try Self.finishChange(
                table, seq: seq, before: before, after: result.resource, changes: changes, orgId: orgId,
                actor: actor, now: now, includeMembers: includeMembers, in: db)
        }
    }

    public func deleteScimResource(orgId: String, type: ScimResourceType, id: String, ifMatch: String?, actor: Actor)
        async throws
    {
        let table = ScimTable(type)
        let now = self.now()
        try await groupWrite { db in
            let (seq, stored) = try Self.requireScim(table, orgId: orgId, id: id, ifMatch: ifMatch, in: db)
            try db.execute(sql: "DELETE FROM \(table.name) WHERE seq = ?", arguments: [seq])
            try Self.leaveGroups(memberId: id, orgId: orgId, actor: actor, now: now, in: db)
            try Self.recordScim(
                table.isGroup ? .directoryGroupDeleted : .directoryUserDeleted, stored, orgId: orgId, actor: actor,
                now: now, in: db)
        }
    }
}

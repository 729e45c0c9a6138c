import Foundation
import GRDB
import HeraldCore

/// The members that one request added and removed (net: a member removed and added again is neither).
struct MembershipChanges {
    private(set) var added: [String] = []
    private(set) var removed: [String] = []
    private var addedSet = Set<String>()
    private var removedSet = Set<String>()

    var isEmpty: Bool { added.isEmpty && removed.isEmpty }

    mutating func didAdd(_ id: String) {
        if removedSet.remove(id) != nil {
            removed.removeAll { $0 == id }
        } else if addedSet.insert(id).inserted {
            added.append(id)
        }
    }

    mutating func didRemove(_ id: String) {
        if addedSet.remove(id) != nil {
            added.removeAll { $0 == id }
        } else if removedSet.insert(id).inserted {
            removed.append(id)
        }
    }
}

/// Group membership as rows of `scim_group_members`: every change costs the members it names, never the group.
extension SQLiteStore {
    public func scimGroupMemberCount(orgId: String, groupId: String) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM scim_group_members
                    WHERE group_seq = (SELECT seq FROM scim_groups WHERE id = ? AND org_id = ?)
                    """, arguments: [groupId, orgId]) ?? 0
        }
    }

    static func apply(
        _ change: ScimMemberChange, groupSeq: Int64, orgId: String, into changes: inout MembershipChanges,
        in db: Database
    ) throws {
        switch change {
        case .add(let members): try addMembers(members, groupSeq: groupSeq, orgId: orgId, into: &changes, in: db)
        case .replace(let members):
            try replaceMembers(members, groupSeq: groupSeq, orgId: orgId, into: &changes, in: db)
        case .removeAll:
            for id in try String.fetchAll(
                db, sql: "SELECT member_id FROM scim_group_members WHERE group_seq = ?", arguments: [groupSeq])
            {
                changes.didRemove(id)
            }
            try db.execute(sql: "DELETE FROM scim_group_members WHERE group_seq = ?", arguments: [groupSeq])
        case .remove(let ids):
            let statement = try db.cachedStatement(
                sql: "DELETE FROM scim_group_members WHERE group_seq = ? AND member_id = ?")
            for id in ids {
                try statement.execute(arguments: [groupSeq, id])
                if db.changesCount > 0 { changes.didRemove(id) }
            }
        case .removeMatching(let filter):
            let path = ScimAttributePath(attribute: "members")
            var matching: [String] = []
            for member in try members(groupSeq: groupSeq, in: db) {
                let element = ScimResourceRenderer.member(render: member, baseURL: nil)
                if try ScimFilterEvaluator.matches(
                    .valuePath(path, filter), ["members": .array([element])], type: .group)
                {
                    matching.append(member.value)
                }
            }
            try apply(.remove(ids: matching), groupSeq: groupSeq, orgId: orgId, into: &changes, in: db)
        }
    }

    static func addMembers(
        _ members: [ScimMember], groupSeq: Int64, orgId: String, into changes: inout MembershipChanges,
        in db: Database
    ) throws {
        let resolved = try resolve(members, groupSeq: groupSeq, orgId: orgId, in: db)
        let statement = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO scim_group_members (group_seq, member_id, member_type, display)
                VALUES (?, ?, ?, ?)
                """)
        for member in resolved {
            try statement.execute(arguments: [groupSeq, member.value, member.type, member.display])
            if db.changesCount > 0 { changes.didAdd(member.value) }
        }
    }

    static func replaceMembers(
        _ members: [ScimMember], groupSeq: Int64, orgId: String, into changes: inout MembershipChanges,
        in db: Database
    ) throws {
        let resolved = try resolve(members, groupSeq: groupSeq, orgId: orgId, in: db)
        let keep = try StorageJSON.text(resolved.map(\.value))
        let leaving = try String.fetchAll(
            db,
            sql: """
                SELECT member_id FROM scim_group_members
                WHERE group_seq = ? AND member_id NOT IN (SELECT value FROM json_each(?))
                """, arguments: [groupSeq, keep])
        try apply(.remove(ids: leaving), groupSeq: groupSeq, orgId: orgId, into: &changes, in: db)
        try addMembers(resolved, groupSeq: groupSeq, orgId: orgId, into: &changes, in: db)
    }

    /// Fills in each member's `type` and `display` from the user or group of this organization with that id, and
    /// drops repeated ids. An id that names nothing here is kept as given (`type` `User` unless said otherwise):
    /// identity providers may add a member before they create it (RFC 7644 does not ask for referential integrity),
    /// and such a member is only ever an id — nothing of another organization is looked up or shown.
    static func resolve(_ members: [ScimMember], groupSeq: Int64, orgId: String, in db: Database) throws
        -> [ScimMember]
    {
        guard !members.isEmpty else { return [] }
        var seen = Set<String>()
        let unique = members.filter { seen.insert($0.value).inserted }
        let ids = StorageJSON.array(unique.map(\.value))
        var known: [String: (type: String, display: String?)] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT id, 'User', COALESCE(json_extract(resource, '$.displayName'), user_name) FROM scim_users
                WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))
                UNION ALL
                SELECT id, 'Group', json_extract(resource, '$.displayName') FROM scim_groups
                WHERE org_id = ? AND id IN (SELECT value FROM json_each(?))
                """, arguments: [orgId, ids, orgId, ids])
        {
            known[row[0]] = (row[1], row[2])
        }
        if let own = try String.fetchOne(db, sql: "SELECT id FROM scim_groups WHERE seq = ?", arguments: [groupSeq]),
            seen.contains(own)
        {
            throw ScimError.badRequest(.invalidValue, "a group cannot be a member of itself")
        }
        return try unique.map { member in
            guard let found = known[member.value] else {
                return ScimMember(value: member.value, type: member.type ?? "User", display: member.display)
            }
            if let type = member.type, !type.equalsIgnoringASCIICase(found.type) {
                throw ScimError.badRequest(.invalidValue, "member \(member.value) is a \(found.type), not a \(type)")
            }
            return ScimMember(value: member.value, type: found.type, display: member.display ?? found.display)
        }
    }

    /// A deleted user or group leaves the groups of its organization that had it as a member: each of them gets a new
    /// version and a `directory.group.user_removed` event. Other organizations' groups are never touched (their
    /// members are only ids; an id of this organization in them stays as it was given).
    static func leaveGroups(memberId: String, orgId: String, actor: Actor, now: Date, in db: Database) throws {
        let groups = try Row.fetchAll(
            db,
            sql: """
                SELECT g.seq, g.id, g.version FROM scim_group_members AS m JOIN scim_groups AS g ON g.seq = m.group_seq
                WHERE m.member_id = ? AND g.org_id = ?
                """, arguments: [memberId, orgId])
        let ms = now.millisecondsSince1970
        for group in groups {
            let seq: Int64 = group[0]
            let version: Int = group[2] + 1
            try db.execute(
                sql: "DELETE FROM scim_group_members WHERE group_seq = ? AND member_id = ?", arguments: [seq, memberId])
            try db.execute(
                sql: "UPDATE scim_groups SET version = ?, updated_at = MAX(updated_at, ?) WHERE seq = ?",
                arguments: [version, ms, seq])
            var changes = MembershipChanges()
            changes.didRemove(memberId)
            try recordMembership(changes, groupId: group[1], version: version, orgId: orgId, actor: actor, now: now, in: db)
        }
    }

    /// `directory.group.user_added` and `…user_removed`, each with every id this request changed.
    static func recordMembership(
        _ changes: MembershipChanges, groupId: String, version: Int, orgId: String, actor: Actor, now: Date,
        in db: Database
    ) throws {
        for (type, ids) in [(EventType.directoryGroupUserAdded, changes.added), (.directoryGroupUserRemoved, changes.removed)]
        where !ids.isEmpty {
            try record(
                EventRecord(
                    type: type, orgId: orgId, targetType: "directory_group", targetId: groupId,
                    data: [
                        "group_id": .string(groupId), "user_ids": .array(ids.map { .string($0) }),
                        "version": .number(Double(version)),
                    ]),
                actor: actor, now: now, in: db)
        }
    }
}

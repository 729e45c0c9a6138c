import Foundation
import GRDB
import HeraldCore

/// The rows behind ``ScimStore``'s users and groups: reading a resource and its relations, the uniqueness check,
/// inserting a row, writing a new version, and the `directory.*` events, all inside the caller's transaction.
extension SQLiteStore {
    static func fetchScim(_ table: ScimTable, orgId: String, id: String, in db: Database) throws
        -> (Int64, ScimStoredResource)?
    {
        let sql = "SELECT \(ScimTable.columns) FROM \(table.name) WHERE id = ? AND org_id = ?"
        guard let row = try Row.fetchOne(db.cachedStatement(sql: sql), arguments: [id, orgId]) else { return nil }
        return try table.resource(row)
    }

    /// The resource, 404 when the organization has none with this id, 412 when `If-Match` names another version.
    static func requireScim(_ table: ScimTable, orgId: String, id: String, ifMatch: String?, in db: Database) throws
        -> (Int64, ScimStoredResource)
    {
        guard let found = try fetchScim(table, orgId: orgId, id: id, in: db) else {
            throw ScimError.notFound(table.type.id, id)
        }
        if let ifMatch, !ScimETag.matches(ifMatch, version: found.1.version) {
            throw ScimError(status: 412, nil, "If-Match does not name the current version \(found.1.etag)")
        }
        return found
    }

    /// A user's groups, and a group's members when asked for.
    static func withRelations(_ stored: ScimStoredResource, seq: Int64, includeMembers: Bool, in db: Database) throws
        -> ScimStoredResource
    {
        var stored = stored
        if ScimTable(stored.type).isGroup {
            if includeMembers { stored.members = try members(groupSeq: seq, in: db) }
        } else {
            stored.groups = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT g.id, json_extract(g.resource, '$.displayName') FROM scim_group_members AS m
                        JOIN scim_groups AS g ON g.seq = m.group_seq
                        WHERE m.member_id = ? AND g.org_id = (SELECT org_id FROM scim_users WHERE seq = ?)
                        ORDER BY g.seq
                        """), arguments: [stored.id, seq]
            ).map { ScimGroupReference(id: $0[0], displayName: $0[1] ?? "") }
        }
        return stored
    }

    static func members(groupSeq: Int64, in db: Database) throws -> [ScimMember] {
        try Row.fetchAll(
            db.cachedStatement(
                sql: "SELECT member_id, member_type, display FROM scim_group_members WHERE group_seq = ? ORDER BY member_id"),
            arguments: [groupSeq]
        ).map { ScimMember(value: $0[0], type: $0[1], display: $0[2]) }
    }

    static func checkUniqueness(
        _ table: ScimTable, orgId: String, _ attributes: [String: JSONValue], excluding id: String?, in db: Database
    ) throws {
        let (column, attribute) = table.isGroup ? ("display_name_folded", "displayName") : ("user_name_folded", "userName")
        guard let value = ScimRows.string(attributes, attribute) else { return }
        let taken = try Bool.fetchOne(
            db.cachedStatement(
                sql: "SELECT EXISTS (SELECT 1 FROM \(table.name) WHERE org_id = ? AND \(column) = ? AND id IS NOT ?)"),
            arguments: [orgId, ScimRows.fold(value), id]) ?? false
        if taken {
            throw ScimError(status: 409, .uniqueness, "\(attribute) \"\(value)\" is already taken in this organization")
        }
    }

    /// Inserts a new row and its emails. - Returns: its `seq`.
    static func insertScimRow(
        _ table: ScimTable, orgId: String, id: String, _ values: ScimRowValues, ms: Int64, in db: Database
    ) throws -> Int64 {
        if table.isGroup {
            try db.cachedStatement(
                sql: """
                    INSERT INTO scim_groups (id, org_id, display_name_folded, external_id, created_at, updated_at,
                        version, resource) VALUES (?, ?, ?, ?, ?, ?, 1, ?)
                    """
            ).execute(arguments: [id, orgId, values.displayNameFolded ?? "", values.externalId, ms, ms, values.resource])
            return db.lastInsertedRowID
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO scim_users (id, org_id, user_name, user_name_folded, external_id, display_name_folded,
                    active, created_at, updated_at, version, resource) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
                """
        ).execute(arguments: [
            id, orgId, values.userName, values.userNameFolded, values.externalId, values.displayNameFolded,
            values.active, ms, ms, values.resource,
        ])
        let seq = db.lastInsertedRowID
        try insertEmails(values.emails, seq: seq, orgId: orgId, in: db)
        return seq
    }

    static func insertEmails(_ emails: [String], seq: Int64, orgId: String, in db: Database) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO scim_user_emails (user_seq, org_id, value_folded) VALUES (?, ?, ?)")
        for email in emails { try statement.execute(arguments: [seq, orgId, email]) }
    }

    /// Writes new attributes (when they changed) and membership changes as one new version, with their events.
    static func finishChange(
        _ table: ScimTable, seq: Int64, before: ScimStoredResource, after attributes: [String: JSONValue],
        changes: MembershipChanges, orgId: String, actor: Actor, now: Date, includeMembers: Bool, in db: Database
    ) throws -> ScimStoredResource {
        let attributesChanged = attributes != before.attributes
        guard attributesChanged || !changes.isEmpty else {
            return try withRelations(before, seq: seq, includeMembers: includeMembers, in: db)
        }
        let after: ScimStoredResource
        if attributesChanged {
            let change = try ScimAttributeChange(
                table, before: before, attributes: attributes, orgId: orgId, actor: actor, now: now)
            try write(change, table, seq: seq, orgId: orgId, in: db)
            after = change.after
        } else {
            after = ScimAttributeChange.nextVersion(of: before, attributes: attributes, now: now)
            try db.cachedStatement(sql: "UPDATE \(table.name) SET updated_at = ?, version = ? WHERE seq = ?").execute(
                arguments: [after.lastModified.millisecondsSince1970, after.version, seq])
        }
        try recordMembership(changes, groupId: before.id, version: after.version, orgId: orgId, actor: actor, now: now,
            in: db)
        return try withRelations(after, seq: seq, includeMembers: includeMembers, in: db)
    }

    /// The row's current version (nil: no such row).
    static func version(_ table: ScimTable, seq: Int64, in db: Database) throws -> Int? {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT version FROM \(table.name) WHERE seq = ?"), arguments: [seq])
    }

    /// Writes a new version of a resource's attributes: the row (after the uniqueness check), a user's emails when
    /// they changed, and the event.
    static func write(_ change: ScimAttributeChange, _ table: ScimTable, seq: Int64, orgId: String, in db: Database)
        throws
    {
        let after = change.after
        let values = change.values
        let ms = after.lastModified.millisecondsSince1970
        try checkUniqueness(table, orgId: orgId, after.attributes, excluding: after.id, in: db)
        if table.isGroup {
            try db.cachedStatement(
                sql: """
                    UPDATE scim_groups SET display_name_folded = ?, external_id = ?, updated_at = ?, version = ?,
                        resource = ? WHERE seq = ?
                    """
            ).execute(arguments: [
                values.displayNameFolded ?? "", values.externalId, ms, after.version, values.resource, seq,
            ])
        } else {
            try db.cachedStatement(
                sql: """
                    UPDATE scim_users SET user_name = ?, user_name_folded = ?, external_id = ?,
                        display_name_folded = ?, active = ?, updated_at = ?, version = ?, resource = ?
                    WHERE seq = ?
                    """
            ).execute(arguments: [
                values.userName, values.userNameFolded, values.externalId, values.displayNameFolded,
                values.active, ms, after.version, values.resource, seq,
            ])
            if change.emailsChanged {
                try db.cachedStatement(sql: "DELETE FROM scim_user_emails WHERE user_seq = ?").execute(
                    arguments: [seq])
                try insertEmails(values.emails, seq: seq, orgId: orgId, in: db)
            }
        }
        try change.event.insert(db)
    }

    /// `directory.user.deactivated` / `reactivated` when `active` flips, else `…updated`.
    static func updateEvent(_ table: ScimTable, before: [String: JSONValue], after: [String: JSONValue]) -> EventType {
        if table.isGroup { return .directoryGroupUpdated }
        let wasActive = ScimRows.active(before) ?? true
        let isActive = ScimRows.active(after) ?? true
        if wasActive && !isActive { return .directoryUserDeactivated }
        if !wasActive && isActive { return .directoryUserReactivated }
        return .directoryUserUpdated
    }

    static func recordScim(
        _ type: EventType, _ stored: ScimStoredResource, orgId: String, actor: Actor, now: Date, in db: Database
    ) throws {
        try scimEvent(type, stored, orgId: orgId, actor: actor, now: now).insert(db)
    }

    /// The event row of a change to `stored`: the resource as rendered (without a group's members) and its version.
    static func scimEvent(_ type: EventType, _ stored: ScimStoredResource, orgId: String, actor: Actor, now: Date)
        throws -> EventRow
    {
        var rendered = ScimResourceRenderer.render(stored, baseURL: nil)
        rendered["members"] = nil
        return try eventRow(
            EventRecord(
                type: type, orgId: orgId, targetType: stored.type.id == "Group" ? "directory_group" : "directory_user",
                targetId: stored.id, data: ["resource": .object(rendered), "version": .number(Double(stored.version))]),
            actor: actor, now: now)
    }
}

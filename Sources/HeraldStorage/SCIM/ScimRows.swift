import Foundation
import GRDB
import HeraldCore

/// How a resource type is stored: its table, and the indexed columns derived from its attributes.
struct ScimTable: Sendable {
    let type: ScimResourceType
    let name: String

    init(_ type: ScimResourceType) {
        self.type = type
        self.name = type.id == ScimResourceType.group.id ? "scim_groups" : "scim_users"
    }

    var isGroup: Bool { name == "scim_groups" }

    /// The columns every read selects, in this order (decoded by position in ``resource(_:)``).
    static let columns = "seq, id, created_at, updated_at, version, resource"

    func resource(_ row: Row) throws -> (seq: Int64, resource: ScimStoredResource) {
        let text: String = row[5]
        guard case .object(let attributes) = try JSONValue.parse(text.utf8) else {
            throw HeraldError(.internalError, "a stored SCIM resource is not a JSON object")
        }
        return (
            row[0],
            ScimStoredResource(
                id: row[1], type: type, created: Date(millisecondsSince1970: row[2]),
                lastModified: Date(millisecondsSince1970: row[3]), version: row[4], attributes: attributes)
        )
    }
}

/// Encoding of stored attributes and the values of the indexed columns.
enum ScimRows {
    static func encode(_ attributes: [String: JSONValue]) throws -> String {
        String(decoding: JSONValue.object(attributes).serialized(), as: UTF8.self)
    }

    /// Case folding of the attributes that compare case-insensitively (`userName`, `displayName`, emails).
    static func fold(_ text: String) -> String { text.lowercased() }

    static func string(_ attributes: [String: JSONValue], _ key: String) -> String? {
        attributes[key]?.stringValue
    }

    static func active(_ attributes: [String: JSONValue]) -> Bool? {
        if case .bool(let value)? = attributes["active"] { return value }
        return nil
    }

    /// The distinct folded `emails[].value`s of a user.
    static func emails(_ attributes: [String: JSONValue]) -> [String] {
        guard case .array(let elements)? = attributes["emails"] else { return [] }
        var seen = Set<String>()
        var result: [String] = []
        for element in elements {
            guard let value = element.objectValue?["value"]?.stringValue else { continue }
            let folded = fold(value)
            if seen.insert(folded).inserted { result.append(folded) }
        }
        return result
    }
}

/// What a resource's row stores beside its attributes: the JSON text and the indexed columns' values.
///
/// Derived from the attributes alone, so a create computes it before its write transaction: the group-commit
/// writer is one thread that every write waits for, and the work that needs no database stays off it.
struct ScimRowValues: Sendable {
    let resource: String
    let externalId: String?
    /// The folded `displayName` (a group's is required: "" when missing).
    let displayNameFolded: String?
    let userName: String
    let userNameFolded: String
    let active: Bool?
    /// A user's distinct folded email values.
    let emails: [String]

    init(_ attributes: [String: JSONValue]) throws {
        resource = try ScimRows.encode(attributes)
        externalId = ScimRows.string(attributes, "externalId")
        displayNameFolded = ScimRows.string(attributes, "displayName").map(ScimRows.fold)
        userName = ScimRows.string(attributes, "userName") ?? ""
        userNameFolded = ScimRows.fold(userName)
        active = ScimRows.active(attributes)
        emails = ScimRows.emails(attributes)
    }
}

/// A new version of a resource's attributes, prepared without the database: the resource as it will be, its row's
/// values and its event (written by ``SQLiteStore/write(_:_:seq:orgId:in:)``).
struct ScimAttributeChange: Sendable {
    let after: ScimStoredResource
    let values: ScimRowValues
    let emailsChanged: Bool
    let event: EventRow

    init(
        _ table: ScimTable, before: ScimStoredResource, attributes: [String: JSONValue], orgId: String, actor: Actor,
        now: Date
    ) throws {
        after = Self.nextVersion(of: before, attributes: attributes, now: now)
        values = try ScimRowValues(attributes)
        emailsChanged = !table.isGroup && values.emails != ScimRows.emails(before.attributes)
        event = try SQLiteStore.scimEvent(
            SQLiteStore.updateEvent(table, before: before.attributes, after: attributes), after, orgId: orgId,
            actor: actor, now: now)
    }

    /// The next version: one more, last modified now (never before the previous version's time).
    static func nextVersion(of before: ScimStoredResource, attributes: [String: JSONValue], now: Date)
        -> ScimStoredResource
    {
        var after = before
        after.attributes = attributes
        after.version += 1
        after.lastModified = Date(
            millisecondsSince1970: max(now.millisecondsSince1970, before.lastModified.millisecondsSince1970))
        return after
    }
}

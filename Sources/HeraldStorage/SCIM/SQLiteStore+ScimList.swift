import Foundation
import GRDB
import HeraldCore

/// ``ScimStore``'s lists and searches: filters compiled to SQL where the columns allow, evaluated on the candidates
/// where they do not; index pagination in a stable order (`seq`, or the sort column then `seq`) and RFC 9865 cursors.
extension SQLiteStore {
    public func listScimResources(orgId: String, type: ScimResourceType, _ query: ScimListQuery) async throws
        -> ScimListPage
    {
        let table = ScimTable(type)
        if let filter = query.filter { try ScimFilterEvaluator.validate(filter, type: type) }
        let condition = query.filter.map { ScimSQLFilter.compile($0, table: table, orgId: orgId) } ?? .always
        let sort = query.sortBy.map { Self.sortColumn($0, table: table) }
        let count = max(0, min(query.count, ScimListQuery.maxCount))
        return try await read { db in
            if condition.exact, sort.map({ $0 != nil }) ?? true {
                return try Self.listInSQL(
                    table, orgId: orgId, condition, sortColumn: sort ?? nil, query: query, count: count, in: db)
            }
            return try Self.listByEvaluation(table, orgId: orgId, condition, query: query, count: count, in: db)
        }
    }

    /// The column a `sortBy` orders by, or nil when the attribute has none (the list then sorts in Swift).
    static func sortColumn(_ path: ScimAttributePath, table: ScimTable) -> String? {
        if let schema = path.schema, !table.type.isCore(schema) { return nil }
        switch (path.attribute.lowercased(), path.subAttribute?.lowercased()) {
        case ("id", nil): return "r.id"
        case ("externalid", nil): return "r.external_id"
        case ("displayname", nil): return "r.display_name_folded"
        case ("username", nil) where !table.isGroup: return "r.user_name_folded"
        case ("meta", "created"): return "r.created_at"
        case ("meta", "lastmodified"): return "r.updated_at"
        default: return nil
        }
    }

    private static func order(_ column: String?, descending: Bool) -> String {
        guard let column else { return descending ? "r.seq DESC" : "r.seq" }
        return "(\(column) IS NULL), \(column) \(descending ? "DESC" : "ASC"), r.seq"
    }

    /// A cursor is `k<seq>` (keyset, in the default order) or `o<offset>` (with `sortBy`): unreserved characters only.
    static func parseCursor(_ cursor: String) throws -> (keyset: Int64?, offset: Int) {
        if cursor.isEmpty { return (nil, 0) }
        let body = cursor.dropFirst()
        if cursor.hasPrefix("k"), let seq = Int64(body), seq >= 0 { return (seq, 0) }
        if cursor.hasPrefix("o"), let offset = Int(body), offset >= 0 { return (nil, offset) }
        throw ScimError.badRequest(.invalidCursor, "the cursor \(cursor) was not issued by this server")
    }

    private static func listInSQL(
        _ table: ScimTable, orgId: String, _ condition: ScimSQLFilter, sortColumn: String?, query: ScimListQuery,
        count: Int, in db: Database
    ) throws -> ScimListPage {
        var arguments: StatementArguments = [orgId]
        arguments += condition.arguments
        let from = "FROM \(table.name) AS r WHERE r.org_id = ? AND (\(condition.sql))"
        let total = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) \(from)"), arguments: arguments) ?? 0
        guard count > 0 else { return ScimListPage(resources: [], totalResults: total, nextCursor: nil) }
        var keyset: Int64?
        var offset = max(0, query.startIndex - 1)
        if let cursor = query.cursor {
            (keyset, offset) = try parseCursor(cursor)
            if keyset != nil, sortColumn != nil || query.descending {
                throw ScimError.badRequest(.invalidCursor, "the cursor does not belong to this sort order")
            }
        }
        var pageArguments = arguments
        var keysetSQL = ""
        if let keyset {
            keysetSQL = " AND r.seq > ?"
            pageArguments += [keyset]
        }
        pageArguments += [count + 1, offset]
        let rows = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT \(qualified(ScimTable.columns, "r")) \(from)\(keysetSQL)
                    ORDER BY \(order(sortColumn, descending: query.descending)) LIMIT ? OFFSET ?
                    """), arguments: pageArguments)
        let more = rows.count > count
        var resources: [ScimStoredResource] = []
        var lastSeq: Int64 = 0
        for row in rows.prefix(count) {
            let (seq, stored) = try table.resource(row)
            lastSeq = seq
            resources.append(try withRelations(stored, seq: seq, includeMembers: query.includeMembers, in: db))
        }
        var next: String?
        if query.cursor != nil, more {
            next = sortColumn == nil && !query.descending ? "k\(lastSeq)" : "o\(offset + count)"
        }
        return ScimListPage(resources: resources, totalResults: total, nextCursor: next)
    }

    /// Walks the candidates in `seq` order, keeps those the filter matches, sorts them when asked, and pages.
    private static func listByEvaluation(
        _ table: ScimTable, orgId: String, _ condition: ScimSQLFilter, query: ScimListQuery, count: Int,
        in db: Database
    ) throws -> ScimListPage {
        var arguments: StatementArguments = [orgId]
        arguments += condition.arguments
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT \(qualified(ScimTable.columns, "r")) FROM \(table.name) AS r
                WHERE r.org_id = ? AND (\(condition.sql)) ORDER BY r.seq
                """, arguments: arguments)
        // A filter on a group's members or a user's groups is evaluated with them (read per candidate).
        let related = query.filter.map { mentions($0, table.isGroup ? "members" : "groups") } ?? false
        var matched: [(seq: Int64, resource: ScimStoredResource, rendered: [String: JSONValue])] = []
        while let row = try rows.next() {
            let (seq, stored) = try table.resource(row)
            let candidate = related ? try withRelations(stored, seq: seq, includeMembers: true, in: db) : stored
            let rendered = ScimResourceRenderer.render(candidate, baseURL: nil)
            if let filter = query.filter, !(try ScimFilterEvaluator.matches(filter, rendered, type: table.type)) {
                continue
            }
            matched.append((seq, stored, rendered))
        }
        if let sortBy = query.sortBy {
            let keyed = matched.map { ($0, ScimSortKey(sortBy, in: $0.rendered, type: table.type)) }
            matched = keyed.sorted { lhs, rhs in
                let order = ScimSortKey.compare(lhs.1, rhs.1)
                if order != .orderedSame { return query.descending ? order == .orderedDescending : order == .orderedAscending }
                return lhs.0.seq < rhs.0.seq
            }.map(\.0)
        } else if query.descending {
            matched.reverse()
        }
        var offset = max(0, query.startIndex - 1)
        if let cursor = query.cursor {
            let parsed = try parseCursor(cursor)
            if let keyset = parsed.keyset {
                offset = matched.firstIndex { $0.seq > keyset } ?? matched.count
            } else {
                offset = parsed.offset
            }
        }
        let page = matched.dropFirst(offset).prefix(count)
        var resources: [ScimStoredResource] = []
        for entry in page {
            resources.append(
                try withRelations(entry.resource, seq: entry.seq, includeMembers: query.includeMembers, in: db))
        }
        var next: String?
        if query.cursor != nil, offset + count < matched.count, count > 0 { next = "o\(offset + count)" }
        return ScimListPage(resources: resources, totalResults: matched.count, nextCursor: next)
    }
}

/// Whether a filter names the core attribute `name` anywhere.
private func mentions(_ filter: ScimFilter, _ name: String) -> Bool {
    func names(_ path: ScimAttributePath) -> Bool { path.schema == nil && path.attribute.equalsIgnoringASCIICase(name) }
    switch filter {
    case .compare(let path, _, _), .present(let path): return names(path)
    case .and(let lhs, let rhs), .or(let lhs, let rhs): return mentions(lhs, name) || mentions(rhs, name)
    case .not(let inner): return mentions(inner, name)
    case .valuePath(let path, _): return names(path)
    }
}

/// The value a resource sorts by (RFC 7644 §3.4.2.3): a multi-valued attribute sorts by its primary value, else
/// its first; strings compare case-insensitively unless `caseExact`; resources without a value sort last.
struct ScimSortKey {
    let value: JSONValue?

    init(_ path: ScimAttributePath, in resource: [String: JSONValue], type: ScimResourceType) {
        var container = resource
        if let schema = path.schema, !type.isCore(schema), let ext = type.extension(schema) {
            container = resource[ext.id]?.objectValue ?? [:]
        }
        var value = container.first { $0.key.equalsIgnoringASCIICase(path.attribute) }?.value
        if case .array(let elements)? = value {
            value = elements.first { $0.objectValue?["primary"] == .bool(true) } ?? elements.first
            if path.subAttribute == nil, let object = value?.objectValue { value = object["value"] }
        }
        if let sub = path.subAttribute {
            value = value?.objectValue?.first { $0.key.equalsIgnoringASCIICase(sub) }?.value
        }
        let caseExact = type.resolve(schema: path.schema, attribute: path.attribute)?.attribute.caseExact ?? false
        if case .string(let text)? = value, !caseExact { value = .string(text.lowercased()) }
        self.value = value == .null ? nil : value
    }

    static func compare(_ lhs: ScimSortKey, _ rhs: ScimSortKey) -> ComparisonResult {
        switch (lhs.value, rhs.value) {
        case (nil, nil): return .orderedSame
        case (nil, _): return .orderedDescending
        case (_, nil): return .orderedAscending
        case (.string(let a)?, .string(let b)?): return a == b ? .orderedSame : (a < b ? .orderedAscending : .orderedDescending)
        case (.number(let a)?, .number(let b)?): return a == b ? .orderedSame : (a < b ? .orderedAscending : .orderedDescending)
        case (.bool(let a)?, .bool(let b)?): return a == b ? .orderedSame : (!a ? .orderedAscending : .orderedDescending)
        default: return .orderedSame
        }
    }
}

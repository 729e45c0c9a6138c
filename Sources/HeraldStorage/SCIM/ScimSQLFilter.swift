import Foundation
import GRDB
import HeraldCore

/// Compiles a SCIM filter into an SQL condition over the indexed columns of `scim_users` / `scim_groups`
/// (aliased `r`): `id`, `userName`, `externalId`, `displayName`, `active`, `meta.created`, `meta.lastModified`,
/// `emails.value` (users) and `members.value` (groups).
///
/// The condition is always a superset of the filter's matches: a part that has no column becomes `1` and the
/// condition is marked inexact, and the caller then evaluates the whole filter on each candidate
/// (``ScimFilterEvaluator``). When every part compiled, the condition is the answer and counting and paging run in
/// SQL. Every compiled comparison is written so that it is never NULL (`col IS NOT NULL AND col = ?`), which keeps
/// `not (…)` exact for absent values.
struct ScimSQLFilter {
    var sql: String
    var arguments: StatementArguments
    var exact: Bool

    static let always = ScimSQLFilter(sql: "1", arguments: [], exact: true)
    private static let unknown = ScimSQLFilter(sql: "1", arguments: [], exact: false)

    /// The kinds of indexed column a filter can reach.
    private enum Column {
        /// Text compared case-insensitively: the column holds the folded value.
        case folded(String)
        /// Text compared exactly.
        case exact(String)
        case boolean(String)
        /// Milliseconds since 1970; rendered (and so compared) at whole seconds.
        case time(String)
        /// `emails.value`, through `scim_user_emails`.
        case email
        /// `members.value`, through `scim_group_members`.
        case member
    }

    static func compile(_ filter: ScimFilter, table: ScimTable, orgId: String) -> ScimSQLFilter {
        switch filter {
        case .and(let lhs, let rhs):
            return combine(compile(lhs, table: table, orgId: orgId), "AND", compile(rhs, table: table, orgId: orgId))
        case .or(let lhs, let rhs):
            return combine(compile(lhs, table: table, orgId: orgId), "OR", compile(rhs, table: table, orgId: orgId))
        case .not(let inner):
            let compiled = compile(inner, table: table, orgId: orgId)
            guard compiled.exact else { return unknown }
            return ScimSQLFilter(sql: "NOT (\(compiled.sql))", arguments: compiled.arguments, exact: true)
        case .present(let path):
            guard let column = column(path, table: table) else { return unknown }
            return present(column)
        case .compare(let path, let op, let value):
            guard let column = column(path, table: table) else { return unknown }
            return compare(column, op, value, orgId: orgId)
        case .valuePath(let path, let inner):
            // `emails[value eq "x" and type eq "work"]`: the `value` terms narrow the candidates.
            guard path.subAttribute == nil, isCore(path.schema, table) else { return unknown }
            let element = ScimAttributePath(schema: path.schema, attribute: path.attribute, subAttribute: "value")
            guard let column = column(element, table: table) else { return unknown }
            let narrowed = valueTerms(inner, column: column, orgId: orgId)
            return ScimSQLFilter(sql: narrowed.sql, arguments: narrowed.arguments, exact: false)
        }
    }

    private static func combine(_ lhs: ScimSQLFilter, _ op: String, _ rhs: ScimSQLFilter) -> ScimSQLFilter {
        var arguments = lhs.arguments
        arguments += rhs.arguments
        return ScimSQLFilter(sql: "(\(lhs.sql)) \(op) (\(rhs.sql))", arguments: arguments, exact: lhs.exact && rhs.exact)
    }

    /// The `value` comparisons inside a value path, as a superset condition.
    private static func valueTerms(_ filter: ScimFilter, column: Column, orgId: String) -> ScimSQLFilter {
        switch filter {
        case .and(let lhs, let rhs):
            return combine(valueTerms(lhs, column: column, orgId: orgId), "AND", valueTerms(rhs, column: column, orgId: orgId))
        case .or(let lhs, let rhs):
            return combine(valueTerms(lhs, column: column, orgId: orgId), "OR", valueTerms(rhs, column: column, orgId: orgId))
        case .compare(let path, let op, let value)
        where path.schema == nil && path.subAttribute == nil && path.attribute.equalsIgnoringASCIICase("value"):
            return compare(column, op, value, orgId: orgId)
        default:
            return unknown
        }
    }

    private static func isCore(_ schema: String?, _ table: ScimTable) -> Bool {
        schema.map { table.type.isCore($0) } ?? true
    }

    private static func column(_ path: ScimAttributePath, table: ScimTable) -> Column? {
        guard isCore(path.schema, table) else { return nil }
        let name = path.attribute.lowercased()
        let sub = path.subAttribute?.lowercased()
        switch (name, sub) {
        case ("id", nil): return .exact("r.id")
        case ("externalid", nil): return .exact("r.external_id")
        case ("displayname", nil): return .folded("r.display_name_folded")
        case ("meta", "created"): return .time("r.created_at")
        case ("meta", "lastmodified"): return .time("r.updated_at")
        default: break
        }
        if table.isGroup {
            if name == "members", sub == nil || sub == "value" { return .member }
            return nil
        }
        switch (name, sub) {
        case ("username", nil): return .folded("r.user_name_folded")
        case ("active", nil): return .boolean("r.active")
        case ("emails", nil), ("emails", "value"): return .email
        default: return nil
        }
    }

    private static func present(_ column: Column) -> ScimSQLFilter {
        switch column {
        case .folded(let name), .exact(let name):
            return ScimSQLFilter(sql: "(\(name) IS NOT NULL AND \(name) <> '')", arguments: [], exact: true)
        case .boolean(let name): return ScimSQLFilter(sql: "(\(name) IS NOT NULL)", arguments: [], exact: true)
        case .time: return always
        case .email:
            return ScimSQLFilter(
                sql: "EXISTS (SELECT 1 FROM scim_user_emails AS e WHERE e.user_seq = r.seq)", arguments: [], exact: true)
        case .member:
            return ScimSQLFilter(
                sql: "EXISTS (SELECT 1 FROM scim_group_members AS m WHERE m.group_seq = r.seq)", arguments: [],
                exact: true)
        }
    }

    private static func compare(_ column: Column, _ op: ScimCompareOperator, _ value: ScimFilterValue, orgId: String)
        -> ScimSQLFilter
    {
        switch column {
        case .folded(let name):
            guard case .string(let text) = value else { return unknown }
            return textFilter(name, op, ScimRows.fold(text))
        case .exact(let name):
            guard case .string(let text) = value else { return unknown }
            return textFilter(name, op, text)
        case .boolean(let name):
            guard case .bool(let flag) = value, op == .eq || op == .ne else { return unknown }
            let equal = "(\(name) IS NOT NULL AND \(name) = \(flag ? 1 : 0))"
            return ScimSQLFilter(sql: op == .eq ? equal : "NOT \(equal)", arguments: [], exact: true)
        case .time(let name):
            guard case .string(let text) = value, let date = Timestamp.parse(text) else { return unknown }
            return time(name, op, date.timeIntervalSince1970)
        case .email:
            guard case .string(let text) = value, op != .ne, let condition = textCondition("e.value_folded", op, ScimRows.fold(text))
            else { return unknown }
            var arguments: StatementArguments = [orgId]
            arguments += condition.arguments
            return ScimSQLFilter(
                sql: "r.seq IN (SELECT e.user_seq FROM scim_user_emails AS e WHERE e.org_id = ? AND \(condition.sql))",
                arguments: arguments, exact: true)
        case .member:
            guard case .string(let text) = value, op == .eq else { return unknown }
            return ScimSQLFilter(
                sql: "r.seq IN (SELECT m.group_seq FROM scim_group_members AS m WHERE m.member_id = ?)",
                arguments: [text], exact: true)
        }
    }

    private static func textFilter(_ name: String, _ op: ScimCompareOperator, _ value: String) -> ScimSQLFilter {
        if op == .ne {
            guard let equal = textCondition(name, .eq, value) else { return unknown }
            return ScimSQLFilter(sql: "NOT (\(equal.sql))", arguments: equal.arguments, exact: true)
        }
        guard let condition = textCondition(name, op, value) else { return unknown }
        return ScimSQLFilter(sql: condition.sql, arguments: condition.arguments, exact: true)
    }

    /// `eq sw co ew` on a text column (never NULL); nil for the orderings, which compare in Swift.
    private static func textCondition(_ name: String, _ op: ScimCompareOperator, _ value: String)
        -> (sql: String, arguments: StatementArguments)?
    {
        let pattern: String
        switch op {
        case .eq: return ("(\(name) IS NOT NULL AND \(name) = ?)", [value])
        case .sw: pattern = globEscaped(value) + "*"
        case .ew: pattern = "*" + globEscaped(value)
        case .co: pattern = "*" + globEscaped(value) + "*"
        default: return nil
        }
        return ("(\(name) IS NOT NULL AND \(name) GLOB ?)", [pattern])
    }

    /// A GLOB pattern that matches `text` literally.
    private static func globEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "*", "?", "[": escaped += "[\(character)]"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A time column (milliseconds) against a date, as the rendered whole-second value compares:
    /// floor(ms / 1000) op seconds, rewritten as a range on `ms` so that the index serves it.
    private static func time(_ name: String, _ op: ScimCompareOperator, _ seconds: Double) -> ScimSQLFilter {
        let floorMs = Int64((seconds.rounded(.down) + 1) * 1000)
        let ceilMs = Int64(seconds.rounded(.up) * 1000)
        switch op {
        case .eq, .ne:
            guard seconds.rounded(.down) == seconds else {
                return ScimSQLFilter(sql: op == .eq ? "0" : "1", arguments: [], exact: true)
            }
            let start = Int64(seconds * 1000)
            let equal = "(\(name) >= ? AND \(name) < ?)"
            return ScimSQLFilter(sql: op == .eq ? equal : "NOT \(equal)", arguments: [start, start + 1000], exact: true)
        case .gt: return ScimSQLFilter(sql: "\(name) >= ?", arguments: [floorMs], exact: true)
        case .ge: return ScimSQLFilter(sql: "\(name) >= ?", arguments: [ceilMs], exact: true)
        case .lt: return ScimSQLFilter(sql: "\(name) < ?", arguments: [ceilMs], exact: true)
        case .le: return ScimSQLFilter(sql: "\(name) < ?", arguments: [floorMs], exact: true)
        default: return unknown
        }
    }
}

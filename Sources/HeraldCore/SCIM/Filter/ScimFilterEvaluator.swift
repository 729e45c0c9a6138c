import Foundation

/// Evaluates SCIM filters (RFC 7644 §3.4.2.2) in memory, against a rendered resource or against one element of a
/// multi-valued complex attribute (a PATCH value filter, a group's member rows).
///
/// The rules:
/// - Attribute names are case-insensitive and resolve through ``ScimResourceType/resolve(schema:attribute:)``;
///   a URN-qualified name looks inside that extension's object. `schemas` is a multi-valued attribute of URNs
///   (compared case-insensitively). **An attribute the resource type does not define is an error**
///   (400 `invalidFilter`), never a silent "matches nothing": a typo should not look like an empty directory.
/// - Strings compare by the attribute's `caseExact` (case-insensitive otherwise); `gt`/`ge`/`lt`/`le` order strings
///   by Unicode scalar values, `dateTime`s chronologically (``Timestamp/parse(_:)``), numbers numerically.
/// - Type errors are 400 `invalidFilter`: ordering booleans, `co`/`sw`/`ew` on booleans, dates or numbers, a literal
///   of the wrong type (`active eq "true"`, an unparseable date), comparing a complex attribute that has no `value`
///   sub-attribute (`name eq "x"`), `null` with anything but `eq`/`ne`, and nested value paths.
/// - A multi-valued attribute matches when any element does; comparing a multi-valued complex attribute compares its
///   `value` sub-attribute (`emails eq "x"` is `emails.value eq "x"`).
/// - `pr`: present and not `null`, `""`, `[]` or an object without any such value.
/// - `ne` is the criterion "some value is not equal", so an absent attribute matches `ne`, and `emails ne "x"`
///   matches a user with two addresses one of which is `x` (RFC 7644: a multi-valued attribute matches if any of its
///   values match). `eq null` means "not present", `ne null` means "present".
public enum ScimFilterEvaluator {
    /// Type-checks `filter` for a resource type without evaluating it (the store runs this before compiling a filter
    /// to SQL). - Throws: 400 `invalidFilter`.
    public static func validate(_ filter: ScimFilter, type: ScimResourceType) throws(ScimError) {
        try check(filter, in: .resource(type))
    }

    /// Type-checks a filter whose attribute names are relative to an element of the complex attribute `attribute`
    /// (the `[...]` of `members[type eq "Group"]`). - Throws: 400 `invalidFilter`.
    public static func validate(_ filter: ScimFilter, elementOf attribute: ScimAttribute) throws(ScimError) {
        try check(filter, in: .element(attribute))
    }

    /// Whether a rendered resource (with `id`, `meta`, `schemas`, extension objects under their URNs, and a group's
    /// `members` when present) matches `filter`. - Throws: 400 `invalidFilter` for a filter that does not type-check,
    /// whatever the resource holds.
    public static func matches(_ filter: ScimFilter, _ resource: [String: JSONValue], type: ScimResourceType)
        throws(ScimError) -> Bool
    {
        let scope = FilterScope.resource(type)
        try check(filter, in: scope)
        return try evaluate(filter, on: resource, in: scope)
    }

    /// Whether one element of the complex attribute `attribute` (an `emails` entry, a member row
    /// `{value, type, display}`) matches `filter`, whose names are relative to the element.
    /// - Throws: 400 `invalidFilter`.
    public static func matches(_ filter: ScimFilter, element: [String: JSONValue], of attribute: ScimAttribute)
        throws(ScimError) -> Bool
    {
        let scope = FilterScope.element(attribute)
        try check(filter, in: scope)
        return try evaluate(filter, on: element, in: scope)
    }

    // MARK: Type checking

    private static func check(_ filter: ScimFilter, in scope: FilterScope) throws(ScimError) {
        switch filter {
        case .compare(let path, let comparison, let literal):
            let operand = try scope.operand(path, comparing: true)
            try checkComparison(operand, comparison, literal)
        case .present(let path):
            _ = try scope.operand(path, comparing: false)
        case .and(let left, let right), .or(let left, let right):
            try check(left, in: scope)
            try check(right, in: scope)
        case .not(let inner):
            try check(inner, in: scope)
        case .valuePath(let path, let inner):
            let container = try scope.valuePathContainer(path)
            try check(inner, in: .element(container.attribute))
        }
    }

    private static func checkComparison(
        _ operand: FilterOperand, _ comparison: ScimCompareOperator, _ literal: ScimFilterValue
    ) throws(ScimError) {
        let attribute = operand.compared
        let name = operand.display
        func invalid(_ why: String) -> ScimError {
            .badRequest(.invalidFilter, "\(name) \(comparison.rawValue): \(why)")
        }
        let isOrdering = [.gt, .ge, .lt, .le].contains(comparison)
        let isSubstring = [.co, .sw, .ew].contains(comparison)
        if literal == .null {
            guard comparison == .eq || comparison == .ne else {
                throw invalid("null can only be compared with eq or ne")
            }
            return
        }
        switch attribute.type {
        case .complex:
            throw invalid("\(name) is complex; compare one of its sub-attributes")
        case .boolean:
            guard !isOrdering, !isSubstring else { throw invalid("a boolean can only be compared with eq or ne") }
            guard case .bool = literal else { throw invalid("compare a boolean with true or false") }
        case .dateTime:
            guard !isSubstring else { throw invalid("co, sw and ew do not apply to a dateTime") }
            guard case .string(let text) = literal, Timestamp.parse(text) != nil else {
                throw invalid("compare a dateTime with a date such as \"2025-01-15T10:30:00Z\"")
            }
        case .integer, .decimal:
            guard !isSubstring else { throw invalid("co, sw and ew do not apply to a number") }
            guard case .number = literal else { throw invalid("compare a number with a number") }
        case .string, .reference, .binary:
            guard case .string = literal else { throw invalid("compare a string with a quoted string") }
        }
    }

    // MARK: Evaluation (after `check`)

    private static func evaluate(_ filter: ScimFilter, on object: [String: JSONValue], in scope: FilterScope)
        throws(ScimError) -> Bool
    {
        switch filter {
        case .compare(let path, let comparison, let literal):
            let operand = try scope.operand(path, comparing: true)
            return FilterComparison.holds(operand.values(in: object), comparison, literal, as: operand.compared)
        case .present(let path):
            let operand = try scope.operand(path, comparing: false)
            return operand.values(in: object).contains(where: FilterComparison.isNonEmpty)
        case .and(let left, let right):
            guard try evaluate(left, on: object, in: scope) else { return false }
            return try evaluate(right, on: object, in: scope)
        case .or(let left, let right):
            if try evaluate(left, on: object, in: scope) { return true }
            return try evaluate(right, on: object, in: scope)
        case .not(let inner):
            let matched = try evaluate(inner, on: object, in: scope)
            return !matched
        case .valuePath(let path, let inner):
            let container = try scope.valuePathContainer(path)
            let elementScope = FilterScope.element(container.attribute)
            for element in container.values(in: object) {
                guard case .object(let fields) = element else { continue }
                if try evaluate(inner, on: fields, in: elementScope) { return true }
            }
            return false
        }
    }
}

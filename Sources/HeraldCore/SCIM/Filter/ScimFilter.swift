/// An attribute reference in a SCIM filter or PATCH path (RFC 7644 §3.4.2.2 `attrPath`):
/// an optional schema URN, an attribute name and an optional sub-attribute name.
///
/// Names are kept as written; SCIM matches attribute names case-insensitively, which is the evaluator's job.
public struct ScimAttributePath: Sendable, Hashable, CustomStringConvertible {
    /// The schema URN prefix as written, e.g. `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`.
    public var schema: String?
    /// The attribute name as written, e.g. `name` in `name.familyName`.
    public var attribute: String
    /// The sub-attribute name, e.g. `familyName` in `name.familyName`.
    public var subAttribute: String?

    public init(schema: String? = nil, attribute: String, subAttribute: String? = nil) {
        self.schema = schema
        self.attribute = attribute
        self.subAttribute = subAttribute
    }

    /// Parses a stand-alone attribute path (`attr`, `attr.sub`, `urn:…:attr`, `urn:…:attr.sub`), as used by
    /// `sortBy`, `attributes` and `excludedAttributes`. Surrounding whitespace is not accepted.
    public static func parse(_ text: String) throws(ScimFilterError) -> ScimAttributePath {
        try ScimAttributePathSyntax.parse(text, at: 0)
    }

    /// `schema:attribute.subAttribute`, omitting the parts that are absent.
    public var description: String {
        var text = ""
        if let schema { text += schema + ":" }
        text += attribute
        if let subAttribute { text += "." + subAttribute }
        return text
    }
}

/// A comparison operator of an attribute expression (RFC 7644 §3.4.2.2, Table 3).
public enum ScimCompareOperator: String, Sendable, Hashable, CaseIterable {
    case eq, ne, co, sw, ew, gt, ge, lt, le
}

/// A comparison value (`compValue`): a JSON string, number, boolean or `null`.
public enum ScimFilterValue: Sendable, Hashable, CustomStringConvertible {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    /// The value as JSON: strings quoted and escaped, integral numbers without a fraction, other numbers in the
    /// shortest form that reads back as the same `Double`.
    public var description: String {
        switch self {
        case .string(let text): ScimFilterValue.jsonQuoted(text)
        case .number(let number): ScimFilterValue.jsonNumber(number)
        case .bool(let flag): flag ? "true" : "false"
        case .null: "null"
        }
    }

    static func jsonQuoted(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\r": quoted += "\\r"
            case "\t": quoted += "\\t"
            case "\u{08}": quoted += "\\b"
            case "\u{0C}": quoted += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    quoted += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }

    static func jsonNumber(_ number: Double) -> String {
        if number.isFinite, number == number.rounded(.towardZero), abs(number) < 0x1p63 {
            return String(Int64(number))
        }
        // Swift prints the shortest digits that read back as the same Double (`1.5`, `1e-07`, `1.2e+300`),
        // all of which are JSON numbers. Non-finite values never come out of the parser.
        return "\(number)"
    }
}

/// A parsed SCIM filter (RFC 7644 §3.4.2.2).
///
/// `and` binds tighter than `or`; both associate to the left, so `a pr or b pr or c pr` is
/// `.or(.or(a, b), c)`. Grouping parentheses leave no node of their own.
///
/// `description` renders a canonical filter (lower-case keywords, single spaces, JSON-escaped strings, only the
/// parentheses the structure needs) that parses back to an equal value for every filter the parser produces.
public indirect enum ScimFilter: Sendable, Hashable, CustomStringConvertible {
    /// `attrPath op value`, e.g. `userName eq "bjensen"`.
    case compare(ScimAttributePath, ScimCompareOperator, ScimFilterValue)
    /// `attrPath pr`: the attribute has a non-empty value.
    case present(ScimAttributePath)
    case and(ScimFilter, ScimFilter)
    case or(ScimFilter, ScimFilter)
    /// `not (filter)`.
    case not(ScimFilter)
    /// `emails[type eq "work" and primary eq true]`: the inner filter applies to each element of the
    /// multi-valued attribute `path`, and its attribute names are relative to the element (`type` is
    /// `emails.type`).
    ///
    /// A `.sub op value` after the closing bracket in a filter — `emails[type eq "work"].value eq "x@y.com"`,
    /// which Microsoft Entra sends although RFC 7644's filter grammar has no such form — is folded into the
    /// element filter so that both conditions apply to the same element:
    /// `.valuePath(emails, .and(type eq "work", value eq "x@y.com"))`, rendered back as
    /// `emails[type eq "work" and value eq "x@y.com"]`.
    case valuePath(ScimAttributePath, ScimFilter)

    public var description: String {
        var text = ""
        render(into: &text)
        return text
    }

    private func render(into text: inout String) {
        switch self {
        case .compare(let path, let comparison, let value):
            text += "\(path) \(comparison.rawValue) \(value)"
        case .present(let path):
            text += "\(path) pr"
        case .and(let left, let right):
            left.render(into: &text, parenthesised: left.isOr)
            text += " and "
            right.render(into: &text, parenthesised: right.isOr || right.isAnd)
        case .or(let left, let right):
            left.render(into: &text, parenthesised: false)
            text += " or "
            right.render(into: &text, parenthesised: right.isOr)
        case .not(let inner):
            text += "not ("
            inner.render(into: &text)
            text += ")"
        case .valuePath(let path, let inner):
            text += "\(path)["
            inner.render(into: &text)
            text += "]"
        }
    }

    private func render(into text: inout String, parenthesised: Bool) {
        if parenthesised { text += "(" }
        render(into: &text)
        if parenthesised { text += ")" }
    }

    private var isAnd: Bool {
        if case .and = self { return true }
        return false
    }

    private var isOr: Bool {
        if case .or = self { return true }
        return false
    }
}

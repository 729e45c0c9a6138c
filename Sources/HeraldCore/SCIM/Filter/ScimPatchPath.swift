/// The `path` of a SCIM PATCH operation (RFC 7644 §3.5.2: `PATH = attrPath / valuePath [subAttr]`):
/// `attr`, `attr.sub`, `urn:…:attr`, `urn:…:attr.sub`, `attr[filter]` or `attr[filter].sub`.
///
/// The filter inside the brackets follows the filter grammar and limits of `ScimFilterParser` (the brackets
/// count as one level of nesting) and cannot itself contain brackets.
public struct ScimPatchPath: Sendable, Hashable, CustomStringConvertible {
    /// The attribute; it carries the sub-attribute for `attr.sub` (no brackets).
    public var attribute: ScimAttributePath
    /// The filter inside `[ ]`, whose attribute names are relative to each element of `attribute`.
    public var valueFilter: ScimFilter?
    /// The `.sub` after `]`, e.g. `value` in `emails[type eq "work"].value`.
    public var subAttribute: String?

    public init(attribute: ScimAttributePath, valueFilter: ScimFilter? = nil, subAttribute: String? = nil) {
        self.attribute = attribute
        self.valueFilter = valueFilter
        self.subAttribute = subAttribute
    }

    /// Parses `text` as a complete PATCH path.
    /// - Throws: `ScimFilterError` saying what is wrong and at which offset (SCIM's `invalidPath`).
    public static func parse(_ text: String, limits: ScimFilterLimits = .default) throws(ScimFilterError)
        -> ScimPatchPath
    {
        var parser = try ScimFilterSyntaxParser(text: text, limits: limits)
        return try parser.parseCompletePatchPath()
    }

    /// The path in canonical form: `attribute[filter].subAttribute`, omitting the parts that are absent.
    public var description: String {
        var text = attribute.description
        if let valueFilter { text += "[\(valueFilter)]" }
        if let subAttribute { text += ".\(subAttribute)" }
        return text
    }
}

extension ScimFilterSyntaxParser {
    mutating func parseCompletePatchPath() throws(ScimFilterError) -> ScimPatchPath {
        guard case .word(let word) = current.kind else {
            if current.kind == .end { throw ScimFilterError("path is empty", at: current.offset) }
            throw ScimFilterError("expected an attribute path, found \(current.kind.quoted)", at: current.offset)
        }
        var path = ScimPatchPath(attribute: try ScimAttributePathSyntax.parse(word, at: current.offset))
        advance()
        if current.kind == .openBracket {
            path.valueFilter = try parseBracketedValueFilter(depth: 0)
            if let (name, _) = try parseSubAttributeAfterBracket() {
                path.subAttribute = name
                advance()
            }
        }
        try expectEnd(after: "the path")
        return path
    }
}

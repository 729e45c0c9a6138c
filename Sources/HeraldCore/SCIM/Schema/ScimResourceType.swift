/// A SCIM resource type (RFC 7643 §6): its endpoint, core schema and schema extensions.
public struct ScimResourceType: Sendable, Hashable {
    /// `User` or `Group`.
    public var id: String
    public var endpoint: String
    public var description: String
    public var schema: ScimSchema
    public var extensions: [ScimSchema]

    public static let user = ScimResourceType(
        id: "User", endpoint: "/Users", description: "User Account", schema: ScimSchemas.user,
        extensions: [ScimSchemas.enterpriseUser])
    public static let group = ScimResourceType(
        id: "Group", endpoint: "/Groups", description: "Group", schema: ScimSchemas.group, extensions: [])

    public static let all = [user, group]

    /// The extension schema with this URN (case-insensitively), if the type has it.
    public func `extension`(_ urn: String) -> ScimSchema? {
        extensions.first { ScimURN.same($0.id, urn) }
    }

    /// Whether `urn` names this type's core schema.
    public func isCore(_ urn: String) -> Bool { ScimURN.same(schema.id, urn) }

    /// Resolves an attribute reference: the common attributes, the core schema's, or an extension's when the
    /// reference carries that extension's URN. Nil when no such attribute exists.
    public func resolve(schema urn: String?, attribute name: String) -> ResolvedAttribute? {
        if let urn, !isCore(urn) {
            guard let schema = `extension`(urn), let attribute = schema.attribute(name) else { return nil }
            return ResolvedAttribute(schemaURN: schema.id, attribute: attribute)
        }
        let folded = name.lowercased()
        if let common = ScimSchemas.common.first(where: { $0.name.lowercased() == folded }) {
            return ResolvedAttribute(schemaURN: nil, attribute: common)
        }
        if let attribute = schema.attribute(name) {
            return ResolvedAttribute(schemaURN: nil, attribute: attribute)
        }
        return nil
    }
}

/// An attribute found through ``ScimResourceType/resolve(schema:attribute:)``.
public struct ResolvedAttribute: Sendable, Hashable {
    /// The extension's URN when the attribute lives in an extension (stored under that key); nil for core.
    public var schemaURN: String?
    public var attribute: ScimAttribute

    /// The path of keys to the attribute in a stored resource.
    public var keys: [String] {
        if let schemaURN { return [schemaURN, attribute.name] }
        return [attribute.name]
    }
}

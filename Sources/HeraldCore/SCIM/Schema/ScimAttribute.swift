/// The type of a SCIM attribute (RFC 7643 §2.3).
public enum ScimAttributeType: String, Sendable, Hashable {
    case string, boolean, decimal, integer, dateTime, binary, reference, complex
}

/// Whether and how a client may change an attribute (RFC 7643 §2.2 `mutability`).
public enum ScimMutability: String, Sendable, Hashable {
    case readOnly, readWrite, immutable, writeOnly
}

/// When an attribute appears in a response (RFC 7643 §2.2 `returned`).
public enum ScimReturned: String, Sendable, Hashable {
    /// Always, even when excluded (`id`).
    case always
    /// Never (`password`).
    case never
    /// Unless excluded, or unless `attributes` names others.
    case `default`
    /// Only when `attributes` names it.
    case request
}

/// Uniqueness of an attribute's values (RFC 7643 §2.2 `uniqueness`).
public enum ScimUniqueness: String, Sendable, Hashable {
    case none, server, global
}

/// One attribute of a SCIM schema with its characteristics (RFC 7643 §2.2, §7).
public struct ScimAttribute: Sendable, Hashable {
    public var name: String
    public var type: ScimAttributeType
    public var multiValued: Bool
    public var required: Bool
    public var caseExact: Bool
    public var mutability: ScimMutability
    public var returned: ScimReturned
    public var uniqueness: ScimUniqueness
    public var canonicalValues: [String]
    public var referenceTypes: [String]
    public var subAttributes: [ScimAttribute]
    public var description: String

    public init(
        _ name: String, _ type: ScimAttributeType = .string, multiValued: Bool = false, required: Bool = false,
        caseExact: Bool = false, mutability: ScimMutability = .readWrite, returned: ScimReturned = .default,
        uniqueness: ScimUniqueness = .none, canonicalValues: [String] = [], referenceTypes: [String] = [],
        subAttributes: [ScimAttribute] = [], description: String
    ) {
        self.name = name
        self.type = type
        self.multiValued = multiValued
        self.required = required
        self.caseExact = caseExact
        self.mutability = mutability
        self.returned = returned
        self.uniqueness = uniqueness
        self.canonicalValues = canonicalValues
        self.referenceTypes = referenceTypes
        self.subAttributes = subAttributes
        self.description = description
    }

    /// The sub-attribute named `name`, compared case-insensitively (attribute names are, RFC 7643 §2.1).
    public func subAttribute(_ name: String) -> ScimAttribute? {
        let folded = name.lowercased()
        return subAttributes.first { $0.name.lowercased() == folded }
    }

    /// Whether a client may not write this attribute at all.
    public var isReadOnly: Bool { mutability == .readOnly }
}

/// One schema (core or extension) of a resource type: its URN and attributes.
public struct ScimSchema: Sendable, Hashable {
    public var id: String
    public var name: String
    public var description: String
    public var attributes: [ScimAttribute]

    public init(id: String, name: String, description: String, attributes: [ScimAttribute]) {
        self.id = id
        self.name = name
        self.description = description
        self.attributes = attributes
    }

    /// The attribute named `name`, compared case-insensitively.
    public func attribute(_ name: String) -> ScimAttribute? {
        let folded = name.lowercased()
        return attributes.first { $0.name.lowercased() == folded }
    }
}

import Foundation

/// Turns a client's resource body into Herald's stored form, strictly (RFC 7643): attribute names in their
/// canonical case, extension attributes under their schema's canonical URN, every value checked against its
/// attribute's type, read-only attributes (`id`, `meta`, `groups`, …) and the write-only `password` dropped,
/// unassigned values (`null`, `[]`) removed, required attributes present.
///
/// Attributes that no schema defines are ignored, as are extension URNs the resource type does not have.
/// The tolerant layer (``ScimQuirks``) runs before this and rewrites what identity providers send in its place.
public struct ScimResourceNormalizer: Sendable {
    public let resourceType: ScimResourceType

    public init(_ resourceType: ScimResourceType) {
        self.resourceType = resourceType
    }

    /// A complete resource (POST, PUT): `schemas` must name the core schema and required attributes must be present.
    public func normalize(_ body: [String: JSONValue]) throws(ScimError) -> [String: JSONValue] {
        try checkSchemas(body)
        let resource = try attributes(of: body)
        try checkRequired(resource)
        return resource
    }

    /// The stored attributes of a body without the checks of a complete resource (PATCH values, re-validation).
    public func attributes(of body: [String: JSONValue]) throws(ScimError) -> [String: JSONValue] {
        var resource: [String: JSONValue] = [:]
        for (key, given) in body {
            if key.equalsIgnoringASCIICase("schemas") { continue }
            if let schema = resourceType.extension(key) {
                guard case .object(let members) = given else {
                    if given == .null { continue }
                    throw .badRequest(.invalidValue, "\(schema.id) must be an object of that extension's attributes")
                }
                var stored: [String: JSONValue] = [:]
                for (name, member) in members {
                    guard let attribute = schema.attribute(name) else { continue }
                    if let normalized = try value(member, of: attribute, path: "\(schema.id):\(attribute.name)") {
                        stored[attribute.name] = normalized
                    }
                }
                if !stored.isEmpty { resource[schema.id] = .object(stored) }
                continue
            }
            guard let resolved = resourceType.resolve(schema: nil, attribute: key), resolved.schemaURN == nil else {
                continue
            }
            if let normalized = try value(given, of: resolved.attribute, path: resolved.attribute.name) {
                resource[resolved.attribute.name] = normalized
            }
        }
        return resource
    }

    /// The required attributes of the core schema are present (RFC 7643 §2.2 `required`).
    public func checkRequired(_ resource: [String: JSONValue]) throws(ScimError) {
        for attribute in resourceType.schema.attributes where attribute.required {
            guard let value = resource[attribute.name], value != .null else {
                throw .badRequest(.invalidValue, "\(attribute.name) is required")
            }
            if case .string(let text) = value, text.isEmpty {
                throw .badRequest(.invalidValue, "\(attribute.name) must not be empty")
            }
        }
    }

    private func checkSchemas(_ body: [String: JSONValue]) throws(ScimError) {
        guard let entry = body.first(where: { $0.key.equalsIgnoringASCIICase("schemas") }) else {
            throw .badRequest(.invalidSyntax, "schemas is required and must name \(resourceType.schema.id)")
        }
        guard case .array(let values) = entry.value, values.allSatisfy({ $0.stringValue != nil }) else {
            throw .badRequest(.invalidSyntax, "schemas must be an array of schema URNs")
        }
        guard values.contains(where: { resourceType.isCore($0.stringValue ?? "") }) else {
            throw .badRequest(.invalidSyntax, "schemas must name \(resourceType.schema.id)")
        }
    }

    /// The stored form of one attribute's value; nil when it is unassigned or not writable.
    func value(_ value: JSONValue, of attribute: ScimAttribute, path: String) throws(ScimError) -> JSONValue? {
        if attribute.isReadOnly || attribute.mutability == .writeOnly { return nil }
        if value == .null { return nil }
        if attribute.multiValued {
            let elements: [JSONValue]
            if case .array(let array) = value { elements = array } else { elements = [value] }
            var stored: [JSONValue] = []
            for element in elements {
                if let normalized = try single(element, of: attribute, path: path) { stored.append(normalized) }
            }
            return stored.isEmpty ? nil : .array(stored)
        }
        if case .array = value {
            throw .badRequest(.invalidValue, "\(path) is single-valued; an array was given")
        }
        return try single(value, of: attribute, path: path)
    }

    private func single(_ value: JSONValue, of attribute: ScimAttribute, path: String) throws(ScimError) -> JSONValue?
    {
        if value == .null { return nil }
        switch attribute.type {
        case .complex:
            guard case .object(let members) = value else {
                throw .badRequest(.invalidValue, "\(path) must be an object")
            }
            var stored: [String: JSONValue] = [:]
            for (name, member) in members {
                guard let sub = attribute.subAttribute(name) else { continue }
                if let normalized = try single(member, of: sub, path: "\(path).\(sub.name)") {
                    stored[sub.name] = normalized
                }
            }
            return stored.isEmpty ? nil : .object(stored)
        default:
            if attribute.isReadOnly { return nil }
            return try Self.scalar(value, of: attribute, path: path)
        }
    }

    /// Checks a simple value against its attribute's type.
    public static func scalar(_ value: JSONValue, of attribute: ScimAttribute, path: String) throws(ScimError)
        -> JSONValue
    {
        switch (attribute.type, value) {
        case (.string, .string), (.reference, .string), (.boolean, .bool), (.decimal, .number):
            return value
        case (.binary, .string(let text)):
            guard Data(base64Encoded: text) != nil else {
                throw .badRequest(.invalidValue, "\(path) must be base64")
            }
            return value
        case (.integer, .number(let number)):
            guard number.rounded() == number else { throw .badRequest(.invalidValue, "\(path) must be an integer") }
            return value
        case (.dateTime, .string(let text)):
            guard Timestamp.parse(text) != nil else {
                throw .badRequest(.invalidValue, "\(path) must be an xsd:dateTime such as 2025-01-15T10:30:00Z")
            }
            return value
        default:
            throw .badRequest(.invalidValue, "\(path) must be of type \(attribute.type.rawValue)")
        }
    }
}

import Foundation

/// `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9) applied to a rendered resource, following each
/// attribute's `returned` characteristic: `id` and `schemas` always stay, `never` attributes never appear,
/// `request` ones only when named.
public struct ScimProjection: Sendable, Hashable {
    public var attributes: [ScimAttributePath]
    public var excludedAttributes: [ScimAttributePath]

    public init(attributes: [ScimAttributePath] = [], excludedAttributes: [ScimAttributePath] = []) {
        self.attributes = attributes
        self.excludedAttributes = excludedAttributes
    }

    /// Parses the comma-separated query parameters. Throws 400 `invalidValue` (RFC 7644 has no better type) for a
    /// name that is not an attribute path.
    public static func parse(attributes: String?, excludedAttributes: String?) throws(ScimError) -> ScimProjection {
        ScimProjection(
            attributes: try paths(attributes, "attributes"),
            excludedAttributes: try paths(excludedAttributes, "excludedAttributes"))
    }

    private static func paths(_ text: String?, _ parameter: String) throws(ScimError) -> [ScimAttributePath] {
        guard let text else { return [] }
        var paths: [ScimAttributePath] = []
        for part in text.split(separator: ",") {
            let name = part.trimmingCharacters(in: .whitespaces)
            if name.isEmpty { continue }
            do {
                let path = try ScimPatchPath.parse(name)
                guard path.valueFilter == nil else {
                    throw ScimError.badRequest(.invalidValue, "\(parameter): \(name) is not an attribute name")
                }
                paths.append(path.attribute)
            } catch let error as ScimError {
                throw error
            } catch {
                throw .badRequest(.invalidValue, "\(parameter): \(name) is not an attribute name")
            }
        }
        return paths
    }

    /// Whether an attribute of this name would be returned (used to skip loading a group's members).
    public func returns(_ name: String, type: ScimResourceType, returnedByDefault: Bool) -> Bool {
        if !attributes.isEmpty {
            return attributes.contains { path in
                path.schema.map { type.isCore($0) } ?? true && path.attribute.equalsIgnoringASCIICase(name)
            }
        }
        if excludedAttributes.contains(where: {
            ($0.schema.map { type.isCore($0) } ?? true) && $0.attribute.equalsIgnoringASCIICase(name)
                && $0.subAttribute == nil
        }) {
            return false
        }
        return returnedByDefault
    }

    /// The projected resource.
    public func apply(to resource: [String: JSONValue], type: ScimResourceType) -> [String: JSONValue] {
        if !attributes.isEmpty {
            var kept: [String: JSONValue] = [:]
            for (key, value) in resource where Self.isAlwaysReturned(key) { kept[key] = value }
            for path in attributes { Self.copy(path, from: resource, into: &kept, type: type) }
            return kept
        }
        var result = resource
        for path in excludedAttributes { Self.remove(path, from: &result, type: type) }
        return result
    }

    private static func isAlwaysReturned(_ key: String) -> Bool { key == "id" || key == "schemas" }

    /// The key of the attribute a path names in a rendered resource: (extension URN or nil, attribute name).
    private static func locate(_ path: ScimAttributePath, in resource: [String: JSONValue], type: ScimResourceType)
        -> (container: String?, key: String)?
    {
        // An extension named by its URN alone (`urn:…:enterprise:2.0:User`), which parses as schema `urn:…:2.0`
        // and attribute `User`.
        if let schema = path.schema, path.subAttribute == nil, let ext = type.extension("\(schema):\(path.attribute)") {
            return (nil, ext.id)
        }
        if let urn = path.schema, !type.isCore(urn) {
            guard let schema = type.extension(urn), let attribute = schema.attribute(path.attribute) else { return nil }
            return (schema.id, attribute.name)
        }
        guard let key = resource.keys.first(where: { $0.equalsIgnoringASCIICase(path.attribute) }) else { return nil }
        return (nil, key)
    }

    private static func copy(
        _ path: ScimAttributePath, from resource: [String: JSONValue], into kept: inout [String: JSONValue],
        type: ScimResourceType
    ) {
        guard let (container, key) = locate(path, in: resource, type: type) else { return }
        if let container {
            guard case .object(let source)? = resource[container], let value = source[key],
                let selected = selecting(path.subAttribute, of: value)
            else { return }
            var target = kept[container]?.objectValue ?? [:]
            target[key] = merged(target[key], selected)
            kept[container] = .object(target)
            return
        }
        guard let value = resource[key] else { return }
        if let selected = selecting(path.subAttribute, of: value) { kept[key] = merged(kept[key], selected) }
    }

    /// The value, or only one sub-attribute of it (of each element, for a multi-valued attribute).
    private static func selecting(_ sub: String?, of value: JSONValue) -> JSONValue? {
        guard let sub else { return value }
        func pick(_ object: [String: JSONValue]) -> [String: JSONValue]? {
            guard let key = object.keys.first(where: { $0.equalsIgnoringASCIICase(sub) }) else { return nil }
            return [key: object[key] ?? .null]
        }
        switch value {
        case .object(let object): return pick(object).map(JSONValue.object)
        case .array(let elements):
            let picked = elements.compactMap { $0.objectValue.flatMap(pick).map(JSONValue.object) }
            return picked.isEmpty ? nil : .array(picked)
        default: return nil
        }
    }

    /// Two selections of the same attribute (`name.givenName,name.familyName`) combined.
    private static func merged(_ existing: JSONValue?, _ new: JSONValue?) -> JSONValue? {
        guard let existing, let new else { return new ?? existing }
        switch (existing, new) {
        case (.object(let a), .object(let b)): return .object(a.merging(b) { _, last in last })
        case (.array(let a), .array(let b)) where a.count == b.count:
            return .array(zip(a, b).map { merged($0, $1) ?? $1 })
        default: return new
        }
    }

    private static func remove(_ path: ScimAttributePath, from resource: inout [String: JSONValue], type: ScimResourceType)
    {
        guard let (container, key) = locate(path, in: resource, type: type), !isAlwaysReturned(key) else { return }
        if let container {
            guard var object = resource[container]?.objectValue else { return }
            if let sub = path.subAttribute { object[key] = removing(sub, from: object[key]) } else { object[key] = nil }
            resource[container] = object.isEmpty ? nil : .object(object)
            return
        }
        if let sub = path.subAttribute { resource[key] = removing(sub, from: resource[key]) } else { resource[key] = nil }
    }

    private static func removing(_ sub: String, from value: JSONValue?) -> JSONValue? {
        func strip(_ object: [String: JSONValue]) -> [String: JSONValue] {
            object.filter { !$0.key.equalsIgnoringASCIICase(sub) }
        }
        switch value {
        case .object(let object)?: return .object(strip(object))
        case .array(let elements)?: return .array(elements.map { $0.objectValue.map { .object(strip($0)) } ?? $0 })
        default: return value
        }
    }
}

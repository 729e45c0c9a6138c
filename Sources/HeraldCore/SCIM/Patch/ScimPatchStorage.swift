/// Values in stored form and where they live in the stored resource, for ``PatchSession``.
extension PatchSession {
    /// A value in stored form, type-checked by the normalizer; nil when absent or unassigned (`null`, `[]`).
    func normalized(_ value: JSONValue?, of attribute: ScimAttribute, _ name: String) throws(ScimError) -> JSONValue? {
        guard let value else { return nil }
        return try engine.normalizer.value(value, of: attribute, path: name)
    }

    /// One element of a multi-valued complex attribute in stored form; nil when it has no value at all.
    func normalizedElement(_ value: JSONValue, of attribute: ScimAttribute, _ name: String) throws(ScimError)
        -> [String: JSONValue]?
    {
        guard case .object = value else { throw .badRequest(.invalidValue, "\(name) must be an object") }
        guard case .array(let elements)? = try normalized(value, of: attribute, name) else { return nil }
        return elements.first?.objectValue
    }

    static func checkImmutable(_ attribute: ScimAttribute, old: JSONValue?, new: JSONValue?, _ name: String)
        throws(ScimError)
    {
        guard attribute.mutability == .immutable, let old, old != .null, old != new else { return }
        throw .badRequest(.mutability, "\(name) is immutable: it cannot change once it has a value")
    }

    static func elements(_ value: JSONValue?) -> [JSONValue] {
        switch value {
        case .array(let elements)?: elements
        case nil, .null?: []
        case let single?: [single]
        }
    }

    /// The value at `keys` (one key, or an extension URN and a key).
    func stored(_ keys: [String]) -> JSONValue? {
        guard let first = keys.first else { return nil }
        guard keys.count == 2 else { return resource[first] }
        return resource[first]?.objectValue?[keys[1]]
    }

    /// Stores a value at `keys`; an empty object or array is unassigned (RFC 7643 §2.5) and removed, and so is an
    /// extension object left empty.
    mutating func store(_ value: JSONValue?, at keys: [String]) {
        var value = value
        switch value {
        case .array(let elements)?:
            let kept = elements.filter { $0 != .object([:]) && $0 != .null }
            value = kept.isEmpty ? nil : .array(kept)
        case .object(let fields)? where fields.isEmpty:
            value = nil
        case .null?:
            value = nil
        default:
            break
        }
        guard let first = keys.first else { return }
        guard keys.count == 2 else {
            resource[first] = value
            return
        }
        var container = resource[first]?.objectValue ?? [:]
        container[keys[1]] = value
        resource[first] = container.isEmpty ? nil : .object(container)
    }
}

extension ScimFilterValue {
    /// The literal as a JSON value.
    var jsonValue: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .number(let number): .number(number)
        case .bool(let flag): .bool(flag)
        case .null: .null
        }
    }
}

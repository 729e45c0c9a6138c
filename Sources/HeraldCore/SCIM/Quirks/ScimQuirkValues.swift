/// The value rewrites of ``ScimQuirks``: legacy URNs, expanded keys, and schema-guided coercion.
extension QuirkRewriter {
    /// OneLogin's pre-RFC core URNs.
    static let legacyCoreURNs = ["urn:scim:schemas:core:2.0", "urn:scim:schemas:core:1.0"]
    /// OneLogin's pre-RFC enterprise extension URNs.
    static let legacyEnterpriseURNs = [
        "urn:scim:schemas:extension:enterprise:2.0", "urn:scim:schemas:extension:enterprise:1.0",
    ]

    static let managerAttribute = ScimSchemas.enterpriseUser.attribute("manager")

    // MARK: Legacy URNs

    /// The RFC 7643 URN for a legacy one (the core URN of this type, or the enterprise one when the type has it).
    private func modernURN(_ urn: String) -> String? {
        if Self.legacyCoreURNs.contains(where: { ScimURN.same($0, urn) }) { return type.schema.id }
        if Self.legacyEnterpriseURNs.contains(where: { ScimURN.same($0, urn) }),
            let ext = type.extension(ScimURN.enterpriseUser)
        {
            return ext.id
        }
        return nil
    }

    /// `schemas` with legacy URNs replaced, without duplicates.
    mutating func legacySchemas(_ schemas: [JSONValue]) -> [JSONValue] {
        var result: [JSONValue] = []
        for schema in schemas {
            var schema = schema
            if case .string(let urn) = schema, let modern = modernURN(urn) {
                schema = .string(modern)
                fire(.legacySchemaURN)
            }
            if !result.contains(schema) { result.append(schema) }
        }
        return result
    }

    /// An object whose legacy extension keys (`urn:scim:schemas:extension:enterprise:2.0`, alone or as the prefix
    /// of an attribute name) are rewritten to the RFC URN, merging with what is already under it.
    mutating func legacyKeys(_ object: [String: JSONValue]) -> [String: JSONValue] {
        var result = object
        for key in object.keys.sorted() {
            let modern = legacyPath(key)
            guard modern != key, let value = result.removeValue(forKey: key) else { continue }
            result[modern] = Self.merged(result[modern], value)
        }
        return result
    }

    /// A path or key whose legacy URN prefix is rewritten (`urn:scim:schemas:extension:enterprise:2.0:department`).
    mutating func legacyPath(_ text: String) -> String {
        guard text.utf8.count > 11, text.prefix(11).lowercased() == "urn:scim:sc" else { return text }
        for legacy in Self.legacyCoreURNs + Self.legacyEnterpriseURNs {
            guard text.utf8.count >= legacy.utf8.count else { continue }
            let head = String(text.prefix(legacy.count))
            let tail = text.dropFirst(legacy.count)
            guard ScimURN.same(head, legacy), tail.isEmpty || tail.hasPrefix(":"), let modern = modernURN(legacy) else {
                continue
            }
            // A legacy core URN alone as a key is not an attribute; only its prefixed attribute names map.
            if tail.isEmpty, modern == type.schema.id { continue }
            fire(.legacySchemaURN)
            return modern + tail
        }
        return text
    }

    // MARK: Expanded keys

    /// Path-less value keys `name.givenName`, `urn:…:User:employeeNumber` and `urn:…:User:manager.value` as nested
    /// objects, merged with what the value already has under those names.
    mutating func expandedKeys(_ object: [String: JSONValue]) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        var expanded: [(container: String?, attribute: String, sub: String?, value: JSONValue)] = []
        for key in object.keys.sorted() {
            guard let value = object[key] else { continue }
            if let (container, attribute, sub) = split(key) {
                expanded.append((container, attribute, sub, value))
            } else {
                result[key] = Self.merged(result[key], value)
            }
        }
        for entry in expanded {
            fire(.pathlessKeysExpanded)
            let leaf: JSONValue = entry.sub.map { .object([$0: entry.value]) } ?? entry.value
            guard let container = entry.container else {
                let key = result.scimKey(entry.attribute) ?? entry.attribute
                result[key] = Self.merged(result[key], leaf)
                continue
            }
            let containerKey = result.scimKey(container) ?? container
            var fields = result[containerKey]?.objectValue ?? [:]
            let key = fields.scimKey(entry.attribute) ?? entry.attribute
            fields[key] = Self.merged(fields[key], leaf)
            result[containerKey] = .object(fields)
        }
        return result
    }

    /// `(extension URN or nil, attribute, sub-attribute)` of a key that needs expanding; nil for a plain name or an
    /// extension URN alone.
    private func split(_ key: String) -> (String?, String, String?)? {
        var container: String?
        var rest = Substring(key)
        var qualified = false
        for urn in [type.schema.id] + type.extensions.map(\.id) where key.utf8.count > urn.utf8.count + 1 {
            let head = String(key.prefix(urn.count))
            guard ScimURN.same(head, urn), key.dropFirst(urn.count).hasPrefix(":") else { continue }
            container = type.isCore(urn) ? nil : urn
            rest = key.dropFirst(urn.count + 1)
            qualified = true
            break
        }
        if !qualified, key.lowercased().hasPrefix("urn:") { return nil }
        let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, !first.isEmpty else { return nil }
        if !qualified, parts.count == 1 { return nil }
        return (container, String(first), parts.count == 2 ? String(parts[1]) : nil)
    }

    /// Two values under one name combined: objects merged (the later wins per key), otherwise the later one.
    static func merged(_ earlier: JSONValue?, _ later: JSONValue) -> JSONValue {
        guard case .object(let a)? = earlier, case .object(let b) = later else { return later }
        var result = a
        for (key, value) in b {
            let existing = result.scimKey(key) ?? key
            result[existing] = merged(result[existing], value)
        }
        return .object(result)
    }

    // MARK: Coercion by schema

    /// The attributes of a resource body or a path-less value, coerced attribute by attribute.
    mutating func coerceResource(_ object: [String: JSONValue]) -> [String: JSONValue] {
        var result = object
        for (key, value) in object {
            if let ext = type.extension(key) {
                if case .object(let fields) = value { result[key] = .object(coerceExtension(fields, ext)) }
            } else if let resolved = type.resolve(schema: nil, attribute: key), resolved.schemaURN == nil {
                result[key] = coerce(value, as: resolved.attribute)
            }
        }
        return result
    }

    mutating func coerceExtension(_ fields: [String: JSONValue], _ schema: ScimSchema) -> [String: JSONValue] {
        var result = fields
        for (key, value) in fields {
            if let attribute = schema.attribute(key) { result[key] = coerce(value, as: attribute) }
        }
        return result
    }

    /// A value of `attribute` (an array or one element when multi-valued).
    mutating func coerce(_ value: JSONValue, as attribute: ScimAttribute) -> JSONValue {
        guard attribute.multiValued, case .array(let elements) = value else {
            return coerceSingle(value, as: attribute)
        }
        return .array(elements.map { coerceSingle($0, as: attribute) })
    }

    /// One value (one element of a multi-valued attribute): boolean strings, a bare manager id, `$ref: null`.
    mutating func coerceSingle(_ value: JSONValue, as attribute: ScimAttribute) -> JSONValue {
        switch (attribute.type, value) {
        case (.boolean, .string(let text)):
            guard let flag = ["false": false, "true": true][text.lowercased()] else { return value }
            fire(.booleanString)
            return .bool(flag)
        case (.complex, .string(let id)) where attribute == Self.managerAttribute:
            fire(.managerString)
            return id.isEmpty ? .null : .object(["value": .string(id)])
        case (.complex, .object(let fields)):
            let isMember = attribute == ScimPatchEngine.membersAttribute
            var result = fields
            for (key, field) in fields {
                guard let sub = attribute.subAttribute(key) else { continue }
                if sub.name == "$ref", field == .null, isMember || attribute == Self.managerAttribute {
                    result[key] = nil
                    fire(.nullReferenceDropped)
                } else {
                    result[key] = coerce(field, as: sub)
                }
            }
            if isMember, result.scimField("type") == nil { fire(.memberWithoutType) }
            return .object(result)
        default:
            return value
        }
    }
}

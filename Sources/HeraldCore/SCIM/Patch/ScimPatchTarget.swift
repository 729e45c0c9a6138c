/// What a PATCH path, or a key of a path-less `value`, designates in a stored resource.
enum PatchTarget {
    /// Something Herald does not store, which the operation leaves alone: an attribute or sub-attribute no schema
    /// defines, an extension the resource type does not have, or the write-only `password` — as
    /// ``ScimResourceNormalizer`` ignores them in a POST or PUT body.
    case ignored
    /// A group's membership, which lives in its own table.
    case members(filter: ScimFilter?, subAttribute: String?)
    /// A whole extension object (`urn:…:enterprise:2.0:User` as a path or a path-less key).
    case extensionObject(ScimSchema)
    /// One attribute, possibly narrowed to the elements a filter matches and to one sub-attribute.
    case attribute(PatchLocation)
}

/// An attribute in a stored resource, with what a path narrows it to.
struct PatchLocation {
    /// The keys from the resource to the attribute: `["emails"]`, `[enterprise URN, "manager"]`.
    var keys: [String]
    var attribute: ScimAttribute
    /// The elements a `[filter]` selects (multi-valued complex attributes only), relative to one element.
    var filter: ScimFilter?
    /// The sub-attribute named by `attr.sub` or `attr[filter].sub`.
    var subAttribute: ScimAttribute?

    /// The canonical path, for error messages: `emails[type eq "work"].value`.
    var name: String {
        var text = keys.joined(separator: ":")
        if let filter { text += "[\(filter)]" }
        if let subAttribute { text += ".\(subAttribute.name)" }
        return text
    }
}

extension ScimPatchEngine {
    /// Resolves an operation's path. - Throws: 400 `mutability` for read-only attributes (`id`, `meta`, `groups`,
    /// `manager.displayName`), 400 `invalidPath` for a sub-attribute of a simple attribute or a filter on an attribute
    /// that is not multi-valued complex, 400 `invalidFilter` for a filter that does not type-check.
    func target(of path: ScimPatchPath) throws(ScimError) -> PatchTarget {
        let reference = path.attribute
        if reference.subAttribute != nil, path.valueFilter != nil || path.subAttribute != nil {
            throw .badRequest(
                .invalidPath, "\(path): a sub-attribute goes after the filter, as in emails[type eq \"work\"].value")
        }
        // An extension named by its URN alone parses as schema `urn:…:2.0` and attribute `User`.
        if let schema = reference.schema, reference.subAttribute == nil, path.valueFilter == nil,
            path.subAttribute == nil, let ext = resourceType.extension("\(schema):\(reference.attribute)")
        {
            return .extensionObject(ext)
        }
        if let urn = reference.schema, !resourceType.isCore(urn), resourceType.extension(urn) == nil {
            return .ignored
        }
        let subName = reference.subAttribute ?? path.subAttribute
        if isGroup, reference.attribute.equalsIgnoringASCIICase("members") {
            return .members(filter: path.valueFilter, subAttribute: subName)
        }
        guard let resolved = resourceType.resolve(schema: reference.schema, attribute: reference.attribute) else {
            return .ignored
        }
        let attribute = resolved.attribute
        var location = PatchLocation(keys: resolved.keys, attribute: attribute)
        guard attribute.mutability != .writeOnly else { return .ignored }
        guard !attribute.isReadOnly else { throw .badRequest(.mutability, "\(location.name) is read-only") }
        if let subName {
            guard attribute.type == .complex else {
                throw .badRequest(.invalidPath, "\(location.name) is not complex and has no sub-attribute \(subName)")
            }
            guard let sub = attribute.subAttribute(subName), sub.mutability != .writeOnly else { return .ignored }
            location.subAttribute = sub
            guard !sub.isReadOnly else { throw .badRequest(.mutability, "\(location.name) is read-only") }
        }
        if let filter = path.valueFilter {
            guard attribute.type == .complex, attribute.multiValued else {
                throw .badRequest(.invalidPath, "\(location.name) is not multi-valued complex; [filter] does not apply")
            }
            try ScimFilterEvaluator.validate(filter, elementOf: attribute)
            location.filter = filter
        }
        return .attribute(location)
    }

    /// Resolves a key of a path-less `add`/`replace` value: an attribute name, an extension URN (its object), or a
    /// URN-qualified attribute name (`urn:…:enterprise:2.0:User:department`). Dotted keys (`name.givenName`) are not
    /// attribute names; ``ScimQuirks`` expands them into objects before this runs.
    func target(ofKey key: String) throws(ScimError) -> PatchTarget {
        if key.equalsIgnoringASCIICase("schemas") { return .ignored }
        if let ext = resourceType.extension(key) { return .extensionObject(ext) }
        var reference = ScimAttributePath(attribute: key)
        if key.utf8.count > 4, key.prefix(4).lowercased() == "urn:", let colon = key.lastIndex(of: ":") {
            reference = ScimAttributePath(
                schema: String(key[..<colon]), attribute: String(key[key.index(after: colon)...]))
        }
        return try target(of: ScimPatchPath(attribute: reference))
    }

    /// The attribute of an extension named by a key of that extension's object.
    func target(ofKey key: String, in schema: ScimSchema) throws(ScimError) -> PatchTarget {
        try target(of: ScimPatchPath(attribute: ScimAttributePath(schema: schema.id, attribute: key)))
    }

    var isGroup: Bool { ScimURN.same(resourceType.schema.id, ScimURN.group) }
}

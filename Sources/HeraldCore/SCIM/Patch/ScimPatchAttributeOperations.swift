/// `add`, `replace` and `remove` on one attribute of the stored resource (see ``ScimPatchEngine`` for the rules).
extension PatchSession {
    mutating func apply(_ op: ScimPatchOp, at location: PatchLocation, value: JSONValue?) throws(ScimError) {
        if op != .remove, value == nil { throw .badRequest(.invalidValue, "\(op.rawValue) needs a value") }
        if location.filter != nil {
            try applyFiltered(op, at: location, value: value)
        } else if let sub = location.subAttribute {
            try applySubAttribute(op, sub, at: location, value: value)
        } else if location.attribute.multiValued {
            try applyMultiValued(op, at: location, value: value)
        } else if location.attribute.type == .complex {
            try applyComplex(op, at: location, value: value)
        } else {
            try applySimple(op, at: location, value: value)
        }
    }

    private mutating func applySimple(_ op: ScimPatchOp, at location: PatchLocation, value: JSONValue?)
        throws(ScimError)
    {
        let new = op == .remove ? nil : try normalized(value, of: location.attribute, location.name)
        if op == .add, new == nil { return }
        try Self.checkImmutable(location.attribute, old: stored(location.keys), new: new, location.name)
        store(new, at: location.keys)
    }

    private mutating func applyMultiValued(_ op: ScimPatchOp, at location: PatchLocation, value: JSONValue?)
        throws(ScimError)
    {
        let attribute = location.attribute
        if op == .remove {
            if let value, value != .null {
                throw .badRequest(
                    .invalidValue,
                    "remove takes no value; name the elements to remove with a filter, as in "
                        + "\(attribute.name)[value eq \"…\"]")
            }
            store(nil, at: location.keys)
            return
        }
        let new = try normalized(value, of: attribute, location.name)
        guard op == .add else {
            store(new, at: location.keys)
            return
        }
        guard case .array(let additions)? = new else { return }
        var elements = Self.elements(stored(location.keys))
        // RFC 7644 §3.5.2.1: a new primary value makes every existing one non-primary.
        if additions.contains(where: Self.isPrimary) { elements = elements.map(Self.withoutPrimary) }
        for element in additions where !elements.contains(element) { elements.append(element) }
        store(.array(elements), at: location.keys)
    }

    static func isPrimary(_ element: JSONValue) -> Bool { element.objectValue?["primary"] == .bool(true) }

    static func withoutPrimary(_ element: JSONValue) -> JSONValue {
        guard var object = element.objectValue, object["primary"] == .bool(true) else { return element }
        object["primary"] = .bool(false)
        return .object(object)
    }

    /// A single-valued complex attribute: the given sub-attributes are merged in (RFC 7644 §3.5.2.1, §3.5.2.3).
    private mutating func applyComplex(_ op: ScimPatchOp, at location: PatchLocation, value: JSONValue?)
        throws(ScimError)
    {
        if op == .remove || value == .null {
            if op != .add { store(nil, at: location.keys) }
            return
        }
        let fields = stored(location.keys)?.objectValue ?? [:]
        let merged = try merging(value, into: fields, of: location.attribute, op, location.name)
        store(.object(merged), at: location.keys)
    }

    /// `attr.sub`: on a complex attribute, or on every element of a multi-valued one.
    private mutating func applySubAttribute(
        _ op: ScimPatchOp, _ sub: ScimAttribute, at location: PatchLocation, value: JSONValue?
    ) throws(ScimError) {
        guard location.attribute.multiValued else {
            let fields = stored(location.keys)?.objectValue ?? [:]
            store(.object(try setting(sub, in: fields, op, value, location.name)), at: location.keys)
            return
        }
        var elements = Self.elements(stored(location.keys))
        if elements.isEmpty {
            if op == .remove { return }
            throw .badRequest(.noTarget, "\(location.name): \(location.attribute.name) has no elements")
        }
        for index in elements.indices {
            guard case .object(let fields) = elements[index] else { continue }
            elements[index] = .object(try setting(sub, in: fields, op, value, location.name))
        }
        store(.array(elements), at: location.keys)
    }

    /// `attr[filter]` and `attr[filter].sub`.
    private mutating func applyFiltered(_ op: ScimPatchOp, at location: PatchLocation, value: JSONValue?)
        throws(ScimError)
    {
        guard let filter = location.filter else { return }
        let attribute = location.attribute
        var elements = Self.elements(stored(location.keys))
        var matched: [Int] = []
        for (index, element) in elements.enumerated() {
            guard case .object(let fields) = element else { continue }
            if try ScimFilterEvaluator.matches(filter, element: fields, of: attribute) { matched.append(index) }
        }
        if matched.isEmpty {
            if op == .remove { return }
            guard engine.createsMissingFilteredEntries, let seed = try seedElement(from: filter, of: attribute) else {
                throw .badRequest(.noTarget, "\(location.name) matches no element")
            }
            let element =
                if let sub = location.subAttribute {
                    try setting(sub, in: seed, .replace, value, location.name)
                } else {
                    try merging(value, into: seed, of: attribute, .replace, location.name)
                }
            // A value that sets nothing (`""`, `null`) creates nothing.
            if element == seed { return }
            if Self.isPrimary(.object(element)) { elements = elements.map(Self.withoutPrimary) }
            elements.append(.object(element))
            store(.array(elements), at: location.keys)
            fire(.filteredEntryCreated)
            return
        }
        var removed: Set<Int> = []
        for index in matched {
            guard case .object(let fields) = elements[index] else { continue }
            if let sub = location.subAttribute {
                elements[index] = .object(try setting(sub, in: fields, op, value, location.name))
            } else if op == .add {
                elements[index] = .object(try merging(value, into: fields, of: attribute, .add, location.name))
            } else if op == .replace, let value, value != .null,
                let element = try normalizedElement(value, of: attribute, location.name)
            {
                elements[index] = .object(element)
            } else {
                removed.insert(index)
            }
        }
        // One primary value at most (RFC 7643 §2.4): the elements this operation made primary win.
        let primaries = Set(matched.filter { !removed.contains($0) && Self.isPrimary(elements[$0]) })
        if !primaries.isEmpty {
            for index in elements.indices where !primaries.contains(index) {
                elements[index] = Self.withoutPrimary(elements[index])
            }
        }
        store(.array(elements.enumerated().filter { !removed.contains($0.offset) }.map(\.element)), at: location.keys)
    }

    // MARK: Sub-attributes

    /// Applies `op` with `value` to one sub-attribute of a complex value's fields.
    private func setting(
        _ sub: ScimAttribute, in fields: [String: JSONValue], _ op: ScimPatchOp, _ value: JSONValue?, _ name: String
    ) throws(ScimError) -> [String: JSONValue] {
        var fields = fields
        let old = fields[sub.name]
        let new = op == .remove ? nil : try normalized(value, of: sub, name)
        if op == .add, new == nil { return fields }
        try Self.checkImmutable(sub, old: old, new: new, name)
        fields[sub.name] = new
        return fields
    }

    /// Merges an object of sub-attributes into a complex value; unknown and read-only sub-attributes are ignored,
    /// as the normalizer ignores them, and `null` clears one (for `replace`).
    private func merging(
        _ value: JSONValue?, into fields: [String: JSONValue], of attribute: ScimAttribute, _ op: ScimPatchOp,
        _ name: String
    ) throws(ScimError) -> [String: JSONValue] {
        guard case .object(let given)? = value else { throw .badRequest(.invalidValue, "\(name) must be an object") }
        var fields = fields
        for key in given.keys.sorted() {
            guard let sub = attribute.subAttribute(key), !sub.isReadOnly, sub.mutability != .writeOnly else { continue }
            fields = try setting(sub, in: fields, op, given[key], "\(name).\(sub.name)")
        }
        return fields
    }

    /// A new element built from the `eq` terms of an `and`-only filter (`type eq "work"` → `{"type": "work"}`), or
    /// nil when the filter says something else (then there is nothing sensible to create).
    private func seedElement(from filter: ScimFilter, of attribute: ScimAttribute) throws(ScimError)
        -> [String: JSONValue]?
    {
        var fields: [String: JSONValue] = [:]
        var pending = [filter]
        while let next = pending.popLast() {
            switch next {
            case .and(let left, let right):
                pending += [right, left]
            case .compare(let path, .eq, let literal) where path.schema == nil && path.subAttribute == nil:
                guard let sub = attribute.subAttribute(path.attribute), !sub.isReadOnly,
                    let value = try normalized(literal.jsonValue, of: sub, "\(attribute.name).\(sub.name)")
                else { return nil }
                fields[sub.name] = value
            default:
                return nil
            }
        }
        return fields
    }
}

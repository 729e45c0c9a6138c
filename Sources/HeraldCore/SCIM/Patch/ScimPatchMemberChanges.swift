/// A group's `members` in PATCH: operations become ``ScimMemberChange``s for the store, and the membership is never
/// read, so a change costs what it names.
extension ScimPatchEngine {
    /// The Group schema's `members` attribute (the scope of member filters).
    static let membersAttribute = ScimSchemas.group.attribute("members")

    /// The change an operation on `members` asks for; nil when it changes nothing (`add` of no members).
    /// - Throws: 400 `mutability` for a member's sub-attribute (`members[…].display`, `members.value`: they are
    ///   immutable) or a filtered `add`/`replace`; 400 `invalidValue` for a `remove` with a value or a malformed
    ///   member; 400 `invalidFilter` for a filter that does not type-check.
    func memberChange(_ op: ScimPatchOp, filter: ScimFilter?, subAttribute: String?, value: JSONValue?)
        throws(ScimError) -> ScimMemberChange?
    {
        guard let attribute = Self.membersAttribute else { return nil }
        if subAttribute != nil || (filter != nil && op != .remove) {
            throw .badRequest(
                .mutability, "a member's value, type and display are immutable; add, replace or remove whole members")
        }
        switch op {
        case .add:
            let members = try members(value)
            return members.isEmpty ? nil : .add(members)
        case .replace:
            return .replace(try members(value))
        case .remove:
            if let value, value != .null {
                throw .badRequest(
                    .invalidValue, "remove takes no value; name the members to remove, as in members[value eq \"id\"]")
            }
            guard let filter else { return .removeAll }
            try ScimFilterEvaluator.validate(filter, elementOf: attribute)
            if let ids = Self.memberIds(in: filter) { return .remove(ids: ids) }
            return .removeMatching(filter)
        }
    }

    /// The ids of `value eq "a" or value eq "b" …`, or nil for any other filter.
    static func memberIds(in filter: ScimFilter) -> [String]? {
        var ids: [String] = []
        var pending = [filter]
        while let next = pending.popLast() {
            switch next {
            case .or(let left, let right):
                pending += [right, left]
            case .compare(let path, .eq, .string(let id))
            where path.schema == nil && path.subAttribute == nil && path.attribute.equalsIgnoringASCIICase("value"):
                ids.append(id)
            default:
                return nil
            }
        }
        return ids
    }

    /// The members of an `add`/`replace` value: an array of `{value, display?, type?, $ref?}` (or one such object).
    /// `value` is required; `type`, when given, is `User` or `Group` in any case; `$ref` is derived, not kept.
    func members(_ value: JSONValue?) throws(ScimError) -> [ScimMember] {
        guard let attribute = Self.membersAttribute else { return [] }
        let elements = PatchSession.elements(value)
        var members: [ScimMember] = []
        members.reserveCapacity(elements.count)
        for (index, element) in elements.enumerated() {
            let label = "members[\(index)]"
            guard case .object = element else { throw .badRequest(.invalidValue, "\(label) must be an object") }
            let fields = try normalizer.value(element, of: attribute, path: label)
            guard case .array(let normalized)? = fields, case .object(let member)? = normalized.first,
                case .string(let id)? = member["value"], !id.isEmpty
            else {
                throw .badRequest(.invalidValue, "\(label).value is required: the id of the member")
            }
            var type: String?
            if case .string(let given)? = member["type"] {
                guard let canonical = ["User", "Group"].first(where: { $0.equalsIgnoringASCIICase(given) }) else {
                    throw .badRequest(.invalidValue, "\(label).type must be User or Group")
                }
                type = canonical
            }
            members.append(ScimMember(value: id, type: type, display: member["display"]?.stringValue))
        }
        return members
    }
}

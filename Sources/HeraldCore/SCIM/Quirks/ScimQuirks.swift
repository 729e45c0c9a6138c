/// The tolerant layer in front of the strict core (``ScimPatchRequest``, ``ScimPatchEngine``,
/// ``ScimResourceNormalizer``): rewrites what Okta, Microsoft Entra and OneLogin actually send into what RFC 7643/7644
/// say, and reports which ``ScimQuirkRule``s fired, for the SCIM request log. Rewrites are guided by the schema (a
/// `"False"` becomes `false` only where the attribute is boolean), and anything a rule does not recognise is left for
/// the strict core to accept or refuse.
public enum ScimQuirks {
    /// Rewrites a PATCH body: `op` case, legacy URNs in paths and values, Entra's member removal by value array,
    /// path-less dotted and URN-qualified keys, read-only keys in path-less values, boolean strings, a bare
    /// `manager` id, `"$ref": null`, and reports the shapes that are only logged (Okta's path-less `active`, an empty
    /// member replace, members without `type`, empty `Operations`).
    ///
    /// When the result reports ``ScimQuirkRule/emptyOperations``, decode it with
    /// `ScimPatchRequest.decode(_:allowsEmptyOperations: true)`.
    public static func patchBody(_ body: [String: JSONValue], type: ScimResourceType)
        -> (body: [String: JSONValue], fired: [ScimQuirkRule])
    {
        var rewriter = QuirkRewriter(type: type)
        guard let key = body.scimKey("Operations"), case .array(let operations)? = body[key] else {
            return (body, [])
        }
        var rewritten: [JSONValue] = []
        rewritten.reserveCapacity(operations.count)
        for operation in operations {
            guard case .object(let fields) = operation else {
                rewritten.append(operation)
                continue
            }
            rewritten += rewriter.operation(fields).map(JSONValue.object)
        }
        if rewritten.isEmpty { rewriter.fire(.emptyOperations) }
        var result = body
        result[key] = .array(rewritten)
        return (result, rewriter.fired)
    }

    /// Rewrites a POST or PUT body: legacy URNs in `schemas` and as extension keys, boolean strings, a bare
    /// `manager` id, `"$ref": null`; reports members without `type`.
    public static func resourceBody(_ body: [String: JSONValue], type: ScimResourceType)
        -> (body: [String: JSONValue], fired: [ScimQuirkRule])
    {
        var rewriter = QuirkRewriter(type: type)
        var result = rewriter.legacyKeys(body)
        if let key = result.scimKey("schemas"), case .array(let schemas)? = result[key] {
            result[key] = .array(rewriter.legacySchemas(schemas))
        }
        result = rewriter.coerceResource(result)
        return (result, rewriter.fired)
    }
}

/// The state of one rewrite: the resource type and the rules fired so far.
struct QuirkRewriter {
    let type: ScimResourceType
    let engine: ScimPatchEngine
    private(set) var fired: [ScimQuirkRule] = []

    init(type: ScimResourceType) {
        self.type = type
        self.engine = ScimPatchEngine(type)
    }

    mutating func fire(_ rule: ScimQuirkRule) {
        if !fired.contains(rule) { fired.append(rule) }
    }

    /// One PATCH operation, rewritten; several for Entra's member removal by value array, none when that array is
    /// empty.
    mutating func operation(_ original: [String: JSONValue]) -> [[String: JSONValue]] {
        var fields = original
        var op: String?
        if let key = fields.scimKey("op"), case .string(let given)? = fields[key] {
            let lowered = given.lowercased()
            if ScimPatchOp(rawValue: lowered) != nil, lowered != given {
                fields[key] = .string(lowered)
                fire(.capitalizedOp)
            }
            op = lowered
        }
        // nil: path-less; `.ignored` also stands for a path the strict core will refuse (it is left as it is).
        var target: PatchTarget?
        if let key = fields.scimKey("path"), let given = fields[key], given != .null {
            target = .ignored
            if case .string(let text) = given {
                let path = legacyPath(text)
                if path != text { fields[key] = .string(path) }
                if let parsed = try? ScimPatchPath.parse(path), let resolved = try? engine.target(of: parsed) {
                    target = resolved
                }
            }
        }
        guard let valueKey = fields.scimKey("value"), let value = fields[valueKey] else { return [fields] }
        switch (op, target) {
        case ("remove", .members(nil, nil)?):
            guard let ids = Self.memberIds(value) else { return [fields] }
            fire(.memberRemoveValueArray)
            return ids.map { id in
                ["op": "remove", "path": .string("members[value eq \(ScimFilterValue.string(id))]")]
            }
        case ("add", nil), ("replace", nil):
            guard case .object(let attributes) = value else { return [fields] }
            let rewritten = pathlessValue(attributes)
            if op == "replace", rewritten.scimKey("active") != nil { fire(.oktaPathlessActiveReplace) }
            if op == "replace", engine.isGroup, case .array(let members)? = rewritten.scimField("members"),
                members.isEmpty
            {
                fire(.memberReplaceEmpty)
            }
            fields[valueKey] = .object(rewritten)
        case ("add", let target?), ("replace", let target?):
            if op == "replace", case .members(nil, nil) = target, case .array(let members) = value, members.isEmpty {
                fire(.memberReplaceEmpty)
            }
            fields[valueKey] = coerce(value, at: target)
        default:
            break
        }
        return [fields]
    }

    /// The ids of Entra's `[{"value": "id"}, …]`; nil unless every element is an object with a string `value`.
    private static func memberIds(_ value: JSONValue) -> [String]? {
        guard case .array(let elements) = value else { return nil }
        var ids: [String] = []
        for element in elements {
            guard case .object(let member) = element, case .string(let id)? = member.scimField("value") else {
                return nil
            }
            ids.append(id)
        }
        return ids
    }

    /// A path-less value: legacy extension keys, dotted and URN-qualified keys expanded, read-only keys dropped,
    /// then the values coerced.
    private mutating func pathlessValue(_ attributes: [String: JSONValue]) -> [String: JSONValue] {
        var result = expandedKeys(legacyKeys(attributes))
        for key in result.keys {
            guard let resolved = type.resolve(schema: nil, attribute: key), resolved.schemaURN == nil,
                resolved.attribute.isReadOnly
            else { continue }
            result[key] = nil
            fire(.readOnlyInValueIgnored)
        }
        return coerceResource(result)
    }

    /// Coerces the value of a pathed `add`/`replace` by what its path names.
    private mutating func coerce(_ value: JSONValue, at target: PatchTarget) -> JSONValue {
        switch target {
        case .ignored:
            return value
        case .members(let filter, let subAttribute):
            guard filter == nil, subAttribute == nil, let members = ScimPatchEngine.membersAttribute else {
                return value
            }
            return coerce(value, as: members)
        case .extensionObject(let schema):
            guard case .object(let fields) = value else { return value }
            return .object(coerceExtension(fields, schema))
        case .attribute(let location):
            if let sub = location.subAttribute { return coerce(value, as: sub) }
            if location.filter != nil { return coerceSingle(value, as: location.attribute) }
            return coerce(value, as: location.attribute)
        }
    }
}

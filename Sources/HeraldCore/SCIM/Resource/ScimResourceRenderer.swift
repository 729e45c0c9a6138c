/// Renders a stored resource as the client sees it (RFC 7643 §3): `schemas`, `id`, the attributes, `meta`, and a
/// user's `groups` or a group's `members` (each with `$ref` when the base URL is known).
public enum ScimResourceRenderer {
    /// - Parameter baseURL: the SCIM base URL (`https://host/scim/v2`) for `meta.location` and `$ref`; nil leaves
    ///   them out (events carry the resource without them).
    public static func render(_ stored: ScimStoredResource, baseURL: String?) -> [String: JSONValue] {
        var resource = stored.attributes
        var schemas: [JSONValue] = [.string(stored.type.schema.id)]
        for schema in stored.type.extensions where resource[schema.id] != nil {
            schemas.append(.string(schema.id))
        }
        resource["schemas"] = .array(schemas)
        resource["id"] = .string(stored.id)
        var meta: [String: JSONValue] = [
            "resourceType": .string(stored.type.id),
            "created": .string(Timestamp.format(stored.created)),
            "lastModified": .string(Timestamp.format(stored.lastModified)),
            "version": .string(stored.etag),
        ]
        if let baseURL { meta["location"] = .string("\(baseURL)\(stored.type.endpoint)/\(stored.id)") }
        resource["meta"] = .object(meta)
        if !stored.groups.isEmpty {
            resource["groups"] = .array(
                stored.groups.map { group in
                    var entry: [String: JSONValue] = [
                        "value": .string(group.id), "display": .string(group.displayName), "type": "direct",
                    ]
                    if let baseURL { entry["$ref"] = .string("\(baseURL)/Groups/\(group.id)") }
                    return .object(entry)
                })
        }
        if let members = stored.members, !members.isEmpty {
            resource["members"] = .array(members.map { member(render: $0, baseURL: baseURL) })
        }
        return resource
    }

    /// One entry of a group's `members`.
    public static func member(render member: ScimMember, baseURL: String?) -> JSONValue {
        var entry: [String: JSONValue] = ["value": .string(member.value)]
        if let type = member.type {
            entry["type"] = .string(type)
            if let baseURL { entry["$ref"] = .string("\(baseURL)/\(type == "Group" ? "Groups" : "Users")/\(member.value)") }
        }
        if let display = member.display { entry["display"] = .string(display) }
        return .object(entry)
    }
}

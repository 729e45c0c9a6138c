import Foundation

/// Herald's own event JSON for SIEMs: the webhook body's fields (`id`, `type`, `timestamp`, `org_id`, `data`) plus
/// the severity, the actor, the target and the client.
///
/// Members whose value is unknown are left out, except `data`, which is always an object.
public enum NativeEventMapping {
    /// Bumped when a field is added, renamed or changes meaning.
    public static let mappingVersion = "1"

    /// The event as a JSON object (snake_case keys).
    public static func render(_ event: Event) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "id": .string(event.id),
            "type": .string(event.type),
            "timestamp": .string(Timestamp.format(event.occurredAt)),
            "severity": .string(event.severity.rawValue),
            "data": .object(event.data),
        ]
        object["org_id"] = event.orgId.map(JSONValue.string)
        var actor: [String: JSONValue] = [:]
        actor["id"] = event.actorId.map(JSONValue.string)
        actor["email"] = event.actorEmail.map(JSONValue.string)
        if !actor.isEmpty { object["actor"] = .object(actor) }
        var target: [String: JSONValue] = [:]
        target["type"] = event.targetType.map(JSONValue.string)
        target["id"] = event.targetId.map(JSONValue.string)
        if !target.isEmpty { object["target"] = .object(target) }
        object["user_id"] = event.userId.map(JSONValue.string)
        object["email"] = event.email.map(JSONValue.string)
        object["ip"] = event.ipAddress.map(JSONValue.string)
        object["user_agent"] = event.userAgent.map(JSONValue.string)
        return object
    }

    /// The compact JSON of ``render(_:)`` with sorted keys, byte for byte what
    /// `JSONValue.object(render(event)).serialized(sortedKeys: true)` gives, written without building the object
    /// (the SIEM forwarder's per-event path).
    public static func serialized(_ event: Event) -> [UInt8] {
        var writer = JSONValueWriter(sortedKeys: true)
        writer.output.reserveCapacity(256)
        writer.output.append(JSONByte.openBrace)
        var first = true
        func key(_ name: String) {
            if !first { writer.output.append(JSONByte.comma) }
            first = false
            writer.write(name)
            writer.output.append(JSONByte.colon)
        }
        func member(_ name: String, _ value: String?) {
            guard let value else { return }
            key(name)
            writer.write(value)
        }
        /// An object of the given members (in key order) without the unknown ones; nothing when all are.
        func nested(_ name: String, _ members: [(String, String?)]) {
            guard members.contains(where: { $0.1 != nil }) else { return }
            key(name)
            writer.output.append(JSONByte.openBrace)
            var firstMember = true
            for case (let memberName, let value?) in members {
                if !firstMember { writer.output.append(JSONByte.comma) }
                firstMember = false
                writer.write(memberName)
                writer.output.append(JSONByte.colon)
                writer.write(value)
            }
            writer.output.append(JSONByte.closeBrace)
        }
        // Keys in UTF-8 order: actor, data, email, id, ip, org_id, severity, target, timestamp, type, user_agent,
        // user_id; actor's email, id; target's id, type.
        nested("actor", [("email", event.actorEmail), ("id", event.actorId)])
        key("data")
        writer.write(JSONValue.object(event.data))
        member("email", event.email)
        member("id", event.id)
        member("ip", event.ipAddress)
        member("org_id", event.orgId)
        member("severity", event.severity.rawValue)
        nested("target", [("id", event.targetId), ("type", event.targetType)])
        member("timestamp", Timestamp.format(event.occurredAt))
        member("type", event.type)
        member("user_agent", event.userAgent)
        member("user_id", event.userId)
        writer.output.append(JSONByte.closeBrace)
        return writer.output
    }
}

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
}

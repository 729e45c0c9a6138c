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
    ///
    /// - Parameter dataJSON: the data object's JSON text to copy in place of serializing `event.data`
    ///   (``StoredEvent/spliceableData``: the store's compact, sorted text, so the bytes are the same).
    public static func serialized(_ event: Event, dataJSON: [UInt8]? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        append(event, dataJSON: dataJSON, to: &bytes)
        return bytes
    }

    /// ``serialized(_:dataJSON:)``'s bytes, appended (a syslog message writes its header, then this).
    public static func append(_ event: Event, dataJSON: [UInt8]? = nil, to bytes: inout [UInt8]) {
        var writer = JSONValueWriter(sortedKeys: true)
        swap(&writer.output, &bytes)
        defer { swap(&writer.output, &bytes) }
        writer.output.reserveCapacity(writer.output.count + 320 + (dataJSON?.count ?? 0))
        // Keys in UTF-8 order: actor, data, email, id, ip, org_id, severity, target, timestamp, type, user_agent,
        // user_id; actor's email, id; target's id, type. `data` is always there, so every later key starts with a
        // comma; the keys' bytes are made once (``Key``).
        writer.output.append(JSONByte.openBrace)
        if event.actorEmail != nil || event.actorId != nil {
            writer.output += Key.actor
            nestedPair(&writer, Key.nestedEmail, event.actorEmail, Key.nestedId, Key.id, event.actorId)
            writer.output.append(JSONByte.comma)
        }
        writer.output += Key.data
        if let dataJSON {
            writer.output += dataJSON
        } else {
            writer.write(JSONValue.object(event.data))
        }
        member(&writer, Key.email, event.email)
        member(&writer, Key.id, event.id)
        member(&writer, Key.ip, event.ipAddress)
        member(&writer, Key.orgId, event.orgId)
        member(&writer, Key.severity, event.severity.rawValue)
        if event.targetId != nil || event.targetType != nil {
            writer.output += Key.target
            nestedPair(&writer, Key.nestedId, event.targetId, Key.nestedType, Key.type, event.targetType)
        }
        writer.output += Key.timestamp
        writer.output.append(JSONByte.quote)  // Timestamp.format's bytes: ASCII, nothing to escape
        Timestamp.append(
            wholeSeconds: Int64(Timestamp.clamped(event.occurredAt).rounded(.down)), milliseconds: nil,
            to: &writer.output)
        writer.output.append(JSONByte.quote)
        member(&writer, Key.type, event.type)
        member(&writer, Key.userAgent, event.userAgent)
        member(&writer, Key.userId, event.userId)
        writer.output.append(JSONByte.closeBrace)
    }

    /// `,"name":` and the value, when there is one.
    private static func member(_ writer: inout JSONValueWriter, _ key: [UInt8], _ value: String?) {
        guard let value else { return }
        writer.output += key
        writer.write(value)
    }

    /// The members of a two-member object (`first` sorts before `second`), then the closing brace (`{` is part of
    /// the object's key). `secondAfterFirst` is the second key with its leading comma.
    private static func nestedPair(
        _ writer: inout JSONValueWriter, _ firstKey: [UInt8], _ first: String?, _ secondKey: [UInt8],
        _ secondAfterFirst: [UInt8], _ second: String?
    ) {
        if let first {
            writer.output += firstKey
            writer.write(first)
        }
        if let second {
            writer.output += first == nil ? secondKey : secondAfterFirst
            writer.write(second)
        }
        writer.output.append(JSONByte.closeBrace)
    }

    /// The keys of ``append(_:dataJSON:to:)`` as written: quoted, with their colon (and comma, where one goes).
    private enum Key {
        static let actor = Array(#""actor":{"#.utf8)
        static let data = Array(#""data":"#.utf8)
        static let email = Array(#","email":"#.utf8)
        static let id = Array(#","id":"#.utf8)
        static let ip = Array(#","ip":"#.utf8)
        static let orgId = Array(#","org_id":"#.utf8)
        static let severity = Array(#","severity":"#.utf8)
        static let target = Array(#","target":{"#.utf8)
        static let timestamp = Array(#","timestamp":"#.utf8)
        static let type = Array(#","type":"#.utf8)
        static let userAgent = Array(#","user_agent":"#.utf8)
        static let userId = Array(#","user_id":"#.utf8)
        static let nestedEmail = Array(#""email":"#.utf8)
        static let nestedId = Array(#""id":"#.utf8)
        static let nestedType = Array(#""type":"#.utf8)
    }
}

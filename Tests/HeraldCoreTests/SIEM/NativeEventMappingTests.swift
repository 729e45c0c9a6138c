import Foundation
@testable import HeraldCore
import Testing

@Suite("SIEM schema: native")
struct NativeEventMappingTests {
    typealias F = SiemFixtures

    @Test("an ingested login carries the user, the client and the data; members it lacks are left out")
    func ingestedLogin() {
        #expect(
            NativeEventMapping.render(F.loginSucceeded) == [
                "id": .string(F.id(1)), "type": "auth.login.succeeded", "timestamp": "2025-01-15T10:30:00Z",
                "org_id": "org_acme", "severity": "info", "user_id": "user_jane", "email": "jane@acme.example",
                "ip": "203.0.113.7", "user_agent": "Mozilla/5.0 (X11; Linux x86_64)", "data": ["method": "password"],
            ])
        #expect(
            NativeEventMapping.render(F.loginFailed) == [
                "id": .string(F.id(2)), "type": "auth.login.failed", "timestamp": "2025-01-15T10:30:00Z",
                "org_id": "org_acme", "severity": "medium", "email": "jane@acme.example", "ip": "2001:db8::7",
                "data": ["reason": "bad_password"],
            ])
    }

    @Test("an admin change carries the actor and the target")
    func adminChange() {
        #expect(
            NativeEventMapping.render(F.memberAdded) == [
                "id": .string(F.id(3)), "type": "member.added", "timestamp": "2025-01-15T10:30:00Z",
                "org_id": "org_acme", "severity": "info",
                "actor": ["id": "user_admin", "email": "admin@acme.example"],
                "target": ["type": "user", "id": "user_bob"], "ip": "198.51.100.4", "user_agent": "curl/8.5.0",
                "data": ["user_id": "user_bob", "email": "bob@acme.example", "role": "admin"],
            ])
        #expect(
            NativeEventMapping.render(F.webhookDeleted) == [
                "id": .string(F.id(8)), "type": "webhook.endpoint.deleted", "timestamp": "2025-01-15T10:30:00Z",
                "org_id": "org_acme", "severity": "low", "actor": ["email": "system"],
                "target": ["type": "webhook_endpoint", "id": "wh_1"],
                "data": ["url": "https://hooks.acme.example/herald"],
            ])
    }

    @Test("every event keeps the webhook body's fields, with data always an object")
    func webhookFields() throws {
        for event in F.all + [F.event(10, "organization.suspended", orgId: nil)] {
            let object = NativeEventMapping.render(event)
            #expect(object["id"] == .string(event.id))
            #expect(object["type"] == .string(event.type))
            #expect(object["timestamp"] == .string(Timestamp.format(event.occurredAt)))
            #expect(object["org_id"] == event.orgId.map(JSONValue.string))
            #expect(object["data"] == .object(event.data))
            let keys = Set(object.keys)
            let allowed: Set = [
                "id", "type", "timestamp", "org_id", "severity", "actor", "target", "user_id", "email", "ip",
                "user_agent", "data",
            ]
            #expect(keys.isSubset(of: allowed), "\(keys.subtracting(allowed))")
            #expect(!object.values.contains(.null))
        }
    }

    @Test("serialized(_:) is byte for byte the sorted serialization of render(_:), for every shape of event, also from stored data")
    func serializedMatchesTheRenderedObject() throws {
        var events = F.all + [F.event(10, "organization.suspended", orgId: nil)]
        // Every combination of the optional fields, with values that need escaping and non-ASCII.
        for mask in 0..<256 {
            func pick(_ bit: Int, _ value: String) -> String? { mask & (1 << bit) != 0 ? value : nil }
            var event = F.event(100 + mask, "user.login.failed", orgId: pick(0, "org_\"1"))
            event.actorId = pick(1, "usr_1")
            event.actorEmail = pick(2, "zoë@example.com")
            event.targetType = pick(3, "user")
            event.targetId = pick(4, "usr_\\2")
            event.userId = pick(5, "u3")
            event.email = pick(6, "a\nb@example.com")
            event.ipAddress = pick(7, "203.0.113.9")
            event.userAgent = mask % 3 == 0 ? "Mozilla/5.0 \u{1F600}" : nil
            event.data = mask % 2 == 0 ? [:] : ["nested": ["b": 1, "a": [true, .null, "x"]], "é": "ü"]
            events.append(event)
        }
        for event in events {
            let expected = JSONValue.object(NativeEventMapping.render(event)).serialized(sortedKeys: true)
            #expect(NativeEventMapping.serialized(event) == expected, "\(event.id)")
            // The stored data's text (compact, sorted: what the store writes) copied in gives the same bytes.
            var columns = event
            columns.data = [:]
            let stored = StoredEvent(
                columns: columns, dataJSON: JSONValue.object(event.data).serialized(sortedKeys: true))
            let data = try #require(stored.spliceableData)
            #expect(NativeEventMapping.serialized(columns, dataJSON: data) == expected, "\(event.id)")
            #expect(stored.parsed() == event)
        }
    }
}

@Suite("stored event")
struct StoredEventTests {
    @Test("only an object's text is copied as it is; anything else is parsed (and an unreadable one is empty)")
    func spliceableData() {
        let columns = SiemFixtures.event(1, "user.login", orgId: nil)
        for text in ["", "{", " {}", "{} ", "[1]", "null", "not json"] {
            let stored = StoredEvent(columns: columns, dataJSON: Array(text.utf8))
            #expect(stored.spliceableData == nil, "\(text)")
            #expect(stored.parsed().data.isEmpty, "\(text)")
        }
        let stored = StoredEvent(columns: columns, dataJSON: Array(#"{"a":[1,"x"]}"#.utf8))
        #expect(stored.spliceableData != nil)
        #expect(stored.parsed().data == ["a": [1, "x"]])
    }
}

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
}

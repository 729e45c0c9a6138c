import Foundation
@testable import HeraldCore
import Testing

@Suite("SIEM schema: ECS")
struct ECSEventMappingTests {
    typealias F = SiemFixtures

    static func render(_ event: Event) -> [String: JSONValue] {
        ECSEventMapping.render(event, producer: F.producer)
    }

    static let observer: JSONValue = ["vendor": "Herald", "product": "Herald", "version": "1.2.3"]

    static func event(
        _ n: Int, _ type: String, kind: String = "event", category: [JSONValue], type eventType: [JSONValue],
        outcome: String, severity: Double, dataset: String
    ) -> JSONValue {
        [
            "id": .string(F.id(n)), "kind": .string(kind), "category": .array(category), "type": .array(eventType),
            "action": .string(type), "outcome": .string(outcome), "severity": .number(severity),
            "created": "2025-01-15T10:30:00.623Z", "module": "herald", "dataset": .string(dataset),
        ]
    }

    @Test("auth.login.succeeded: authentication and session start, the user who signed in")
    func loginSucceeded() {
        #expect(
            Self.render(F.loginSucceeded) == [
                "@timestamp": "2025-01-15T10:30:00.123Z", "ecs": ["version": "8.17.0"],
                "event": Self.event(
                    1, "auth.login.succeeded", category: ["authentication", "session"], type: ["start"],
                    outcome: "success", severity: 1, dataset: "herald.auth"),
                "message": "A user signed in.", "observer": Self.observer, "organization": ["id": "org_acme"],
                "user": ["id": "user_jane", "email": "jane@acme.example"],
                "source": ["ip": "203.0.113.7"], "user_agent": ["original": "Mozilla/5.0 (X11; Linux x86_64)"],
                "related": ["user": ["user_jane", "jane@acme.example"], "ip": ["203.0.113.7"]],
                "herald": ["severity": "info", "data": ["method": "password"]],
            ])
    }

    @Test("auth.login.failed: outcome failure")
    func loginFailed() {
        #expect(
            Self.render(F.loginFailed) == [
                "@timestamp": "2025-01-15T10:30:00.123Z", "ecs": ["version": "8.17.0"],
                "event": Self.event(
                    2, "auth.login.failed", category: ["authentication", "session"], type: ["start"],
                    outcome: "failure", severity: 3, dataset: "herald.auth"),
                "message": "A sign-in failed.", "observer": Self.observer, "organization": ["id": "org_acme"],
                "user": ["email": "jane@acme.example"], "source": ["ip": "2001:db8::7"],
                "related": ["user": ["jane@acme.example"], "ip": ["2001:db8::7"]],
                "herald": ["severity": "medium", "data": ["reason": "bad_password"]],
            ])
    }

    @Test("member.added: iam user creation, the admin as user and the member as user.target")
    func memberAdded() {
        #expect(
            Self.render(F.memberAdded) == [
                "@timestamp": "2025-01-15T10:30:00.123Z", "ecs": ["version": "8.17.0"],
                "event": Self.event(
                    3, "member.added", category: ["iam"], type: ["user", "creation"], outcome: "success",
                    severity: 1, dataset: "herald.audit"),
                "message": "A user became a member of an organization.", "observer": Self.observer,
                "organization": ["id": "org_acme"],
                "user": [
                    "id": "user_admin", "email": "admin@acme.example",
                    "target": ["id": "user_bob", "email": "bob@acme.example"],
                ],
                "source": ["ip": "198.51.100.4"], "user_agent": ["original": "curl/8.5.0"],
                "related": [
                    "user": ["user_admin", "admin@acme.example", "user_bob", "bob@acme.example"], "ip": ["198.51.100.4"],
                ],
                "herald": [
                    "severity": "info", "target": ["type": "user", "id": "user_bob"],
                    "data": ["user_id": "user_bob", "email": "bob@acme.example", "role": "admin"],
                ],
            ])
    }

    @Test("directory.user.deactivated: iam user change; a SCIM token's actor is a name")
    func userDeactivated() {
        let document = Self.render(F.userDeactivated)
        #expect(jsonValue(document, "event.category") == ["iam"])
        #expect(jsonValue(document, "event.type") == ["user", "change"])
        #expect(jsonValue(document, "event.severity") == 2)
        #expect(
            document["user"] == [
                "name": "scim:hscim_3f9a1c", "target": ["id": "2819c223", "name": "bjensen@acme.example"],
            ])
        #expect(jsonValue(document, "herald.target") == ["type": "directory_user", "id": "2819c223"])
    }

    @Test("auth.mfa.enrolled: iam user change by the user")
    func mfaEnrolled() {
        let document = Self.render(F.mfaEnrolled)
        #expect(jsonValue(document, "event.category") == ["iam"])
        #expect(jsonValue(document, "event.type") == ["user", "change"])
        #expect(jsonValue(document, "event.outcome") == "success")
        #expect(jsonValue(document, "event.dataset") == "herald.auth")
        #expect(document["user"] == ["id": "user_jane", "email": "jane@acme.example"])
    }

    @Test("risk.impossible_travel: an alert, intrusion_detection info, outcome unknown")
    func impossibleTravel() {
        #expect(
            Self.render(F.impossibleTravel) == [
                "@timestamp": "2025-01-15T10:30:00.123Z", "ecs": ["version": "8.17.0"],
                "event": Self.event(
                    6, "risk.impossible_travel", kind: "alert", category: ["intrusion_detection"], type: ["info"],
                    outcome: "unknown", severity: 4, dataset: "herald.risk"),
                "message": "Two sign-ins too far apart for the time between them.", "observer": Self.observer,
                "organization": ["id": "org_acme"], "user": ["id": "user_jane", "email": "jane@acme.example"],
                "source": ["ip": "203.0.113.99"],
                "related": ["user": ["user_jane", "jane@acme.example"], "ip": ["203.0.113.99"]],
                "herald": ["severity": "high", "data": ["from": "Berlin", "to": "Sydney", "minutes": 40]],
            ])
    }

    @Test("organization.approved and webhook.endpoint.deleted: configuration change and deletion")
    func adminActions() {
        let approved = Self.render(F.organizationApproved)
        #expect(jsonValue(approved, "event.category") == ["configuration"])
        #expect(jsonValue(approved, "event.type") == ["change"])
        #expect(approved["user"] == ["id": "user_owner", "email": "owner@platform.example"])
        #expect(jsonValue(approved, "herald.target") == ["type": "organization", "id": "org_acme"])
        #expect(
            Self.render(F.webhookDeleted) == [
                "@timestamp": "2025-01-15T10:30:00.123Z", "ecs": ["version": "8.17.0"],
                "event": Self.event(
                    8, "webhook.endpoint.deleted", category: ["configuration"], type: ["deletion"],
                    outcome: "success", severity: 2, dataset: "herald.audit"),
                "message": "A webhook endpoint was deleted; its pending deliveries were cancelled.",
                "observer": Self.observer, "organization": ["id": "org_acme"], "user": ["name": "system"],
                "related": ["user": ["system"]],
                "herald": [
                    "severity": "low", "target": ["type": "webhook_endpoint", "id": "wh_1"],
                    "data": ["url": "https://hooks.acme.example/herald"],
                ],
            ])
    }

    /// ECS's allowed `event.category` values and the `event.type` values each expects (ECS 8.17).
    static let expectedTypes: [String: Set<String>] = [
        "authentication": ["start", "end", "info"],
        "session": ["start", "end", "info"],
        "iam": ["admin", "change", "creation", "deletion", "group", "info", "user"],
        "configuration": ["access", "change", "creation", "deletion", "info"],
        "intrusion_detection": ["allowed", "denied", "info"],
        "network": ["access", "allowed", "connection", "denied", "end", "info", "protocol", "start"],
    ]

    @Test("every type gets allowed kind, category, type and outcome values, in pairs ECS expects")
    func allowedValues() {
        for type in EventCatalogue.entries.map(\.type) + F.uncataloguedIngestedTypes {
            let document = Self.render(F.full(type))
            let kind = jsonValue(document, "event.kind")
            #expect(kind == "event" || kind == "alert", "\(type)")
            let outcome = jsonValue(document, "event.outcome")?.stringValue ?? ""
            #expect(["success", "failure", "unknown"].contains(outcome), "\(type)")
            guard case .array(let categories)? = jsonValue(document, "event.category"),
                case .array(let types)? = jsonValue(document, "event.type"), !categories.isEmpty, !types.isEmpty
            else {
                Issue.record("\(type): event.category or event.type missing")
                continue
            }
            for category in categories.compactMap(\.stringValue) {
                let expected = Self.expectedTypes[category]
                #expect(expected != nil, "\(type): category \(category)")
                for eventType in types.compactMap(\.stringValue) {
                    #expect(expected?.contains(eventType) == true, "\(type): \(category)/\(eventType)")
                }
            }
            #expect(jsonValue(document, "event.action") == .string(type))
        }
    }

    @Test("timestamps keep the milliseconds, and an invalid address is no source.ip")
    func timestampsAndAddresses() {
        var event = F.loginSucceeded
        event.occurredAt = Date(millisecondsSince1970: 1_736_937_000_007)
        event.ipAddress = "somewhere"
        let document = Self.render(event)
        #expect(document["@timestamp"] == "2025-01-15T10:30:00.007Z")
        #expect(document["source"] == nil)
        #expect(jsonValue(document, "related.ip") == nil)
    }
}

import Foundation
@testable import HeraldCore
import Testing

@Suite("SIEM schema: OCSF")
struct OCSFEventMappingTests {
    typealias F = SiemFixtures

    static func metadata(_ n: Int, _ type: String, ingested: Bool) -> JSONValue {
        var metadata: [String: JSONValue] = [
            "version": "1.5.0", "product": ["name": "Herald", "vendor_name": "Herald", "version": "1.2.3"],
            "uid": .string(F.id(n)), "tenant_uid": "org_acme", "event_code": .string(type),
            "logged_time": .number(F.createdMilliseconds),
        ]
        if ingested { metadata["original_time"] = "2025-01-15T10:30:00.123Z" }
        return .object(metadata)
    }

    static func render(_ event: Event) -> [String: JSONValue] {
        OCSFEventMapping.render(event, producer: F.producer)
    }

    @Test("auth.login.succeeded: Authentication, Logon, success")
    func loginSucceeded() {
        #expect(
            Self.render(F.loginSucceeded) == [
                "class_uid": 3002, "class_name": "Authentication", "category_uid": 3,
                "category_name": "Identity & Access Management", "activity_id": 1, "activity_name": "Logon",
                "type_uid": 300_201, "type_name": "Authentication: Logon", "severity_id": 1, "severity": "Informational",
                "time": .number(F.occurredMilliseconds), "message": "A user signed in.",
                "metadata": Self.metadata(1, "auth.login.succeeded", ingested: true),
                "status_id": 1, "status": "Success",
                "user": ["uid": "user_jane", "email_addr": "jane@acme.example"],
                "service": ["name": "Herald"],
                "src_endpoint": ["ip": "203.0.113.7"],
                "http_request": ["user_agent": "Mozilla/5.0 (X11; Linux x86_64)"],
                "unmapped": ["method": "password"],
            ])
    }

    @Test("auth.login.failed: Authentication, Logon, failure with the reason; the email names the user")
    func loginFailed() {
        #expect(
            Self.render(F.loginFailed) == [
                "class_uid": 3002, "class_name": "Authentication", "category_uid": 3,
                "category_name": "Identity & Access Management", "activity_id": 1, "activity_name": "Logon",
                "type_uid": 300_201, "type_name": "Authentication: Logon", "severity_id": 3, "severity": "Medium",
                "time": .number(F.occurredMilliseconds), "message": "A sign-in failed.",
                "metadata": Self.metadata(2, "auth.login.failed", ingested: true),
                "status_id": 2, "status": "Failure", "status_detail": "bad_password",
                "user": ["name": "jane@acme.example", "email_addr": "jane@acme.example"],
                "service": ["name": "Herald"],
                "src_endpoint": ["ip": "2001:db8::7"],
                "unmapped": ["reason": "bad_password"],
            ])
    }

    @Test("member.added: Account Change, Create, the member as user and the admin as actor")
    func memberAdded() {
        #expect(
            Self.render(F.memberAdded) == [
                "class_uid": 3001, "class_name": "Account Change", "category_uid": 3,
                "category_name": "Identity & Access Management", "activity_id": 1, "activity_name": "Create",
                "type_uid": 300_101, "type_name": "Account Change: Create", "severity_id": 1, "severity": "Informational",
                "time": .number(F.occurredMilliseconds), "message": "A user became a member of an organization.",
                "metadata": Self.metadata(3, "member.added", ingested: false),
                "status_id": 1, "status": "Success",
                "user": ["uid": "user_bob", "email_addr": "bob@acme.example"],
                "actor": ["user": ["uid": "user_admin", "email_addr": "admin@acme.example"]],
                "src_endpoint": ["ip": "198.51.100.4"],
                "http_request": ["user_agent": "curl/8.5.0"],
                "unmapped": ["user_id": "user_bob", "email": "bob@acme.example", "role": "admin"],
            ])
    }

    @Test("directory.user.deactivated: Account Change, Disable, the SCIM user named by its userName")
    func userDeactivated() {
        #expect(
            Self.render(F.userDeactivated) == [
                "class_uid": 3001, "class_name": "Account Change", "category_uid": 3,
                "category_name": "Identity & Access Management", "activity_id": 5, "activity_name": "Disable",
                "type_uid": 300_105, "type_name": "Account Change: Disable", "severity_id": 2, "severity": "Low",
                "time": .number(F.occurredMilliseconds),
                "message": "A directory user was deactivated (`active` became false).",
                "metadata": Self.metadata(4, "directory.user.deactivated", ingested: false),
                "status_id": 1, "status": "Success",
                "user": ["uid": "2819c223", "name": "bjensen@acme.example"],
                "actor": ["user": ["name": "scim:hscim_3f9a1c"]],
                "src_endpoint": ["ip": "192.0.2.10"],
                "http_request": ["user_agent": "Okta SCIM Client 1.0.0"],
                "unmapped": [
                    "resource": ["id": "2819c223", "userName": "bjensen@acme.example", "active": false], "version": 3,
                ],
            ])
    }

    @Test("auth.mfa.enrolled: Account Change, MFA Factor Enable")
    func mfaEnrolled() {
        #expect(
            Self.render(F.mfaEnrolled) == [
                "class_uid": 3001, "class_name": "Account Change", "category_uid": 3,
                "category_name": "Identity & Access Management", "activity_id": 10,
                "activity_name": "MFA Factor Enable", "type_uid": 300_110,
                "type_name": "Account Change: MFA Factor Enable", "severity_id": 1, "severity": "Informational",
                "time": .number(F.occurredMilliseconds), "message": "A user enrolled an MFA factor.",
                "metadata": Self.metadata(5, "auth.mfa.enrolled", ingested: true),
                "status_id": 1, "status": "Success",
                "user": ["uid": "user_jane", "email_addr": "jane@acme.example"],
                "src_endpoint": ["ip": "203.0.113.7"],
                "unmapped": ["factor": "totp"],
            ])
    }

    @Test("risk.impossible_travel: Detection Finding with finding_info, risk level and the user as evidence")
    func impossibleTravel() {
        #expect(
            Self.render(F.impossibleTravel) == [
                "class_uid": 2004, "class_name": "Detection Finding", "category_uid": 2, "category_name": "Findings",
                "activity_id": 1, "activity_name": "Create", "type_uid": 200_401,
                "type_name": "Detection Finding: Create", "severity_id": 4, "severity": "High",
                "time": .number(F.occurredMilliseconds),
                "message": "Two sign-ins too far apart for the time between them.",
                "metadata": Self.metadata(6, "risk.impossible_travel", ingested: true),
                "status_id": 1, "status": "New", "risk_level_id": 3, "risk_level": "High",
                "finding_info": [
                    "uid": .string(F.id(6)), "title": "risk.impossible_travel",
                    "desc": "Two sign-ins too far apart for the time between them.",
                    "created_time": .number(F.occurredMilliseconds),
                ],
                "evidences": [
                    [
                        "user": ["uid": "user_jane", "email_addr": "jane@acme.example"],
                        "src_endpoint": ["ip": "203.0.113.99"],
                    ]
                ],
                "unmapped": ["from": "Berlin", "to": "Sydney", "minutes": 40],
            ])
    }

    @Test("organization.approved: API Activity, Update, the organization as resource")
    func organizationApproved() {
        #expect(
            Self.render(F.organizationApproved) == [
                "class_uid": 6003, "class_name": "API Activity", "category_uid": 6,
                "category_name": "Application Activity", "activity_id": 3, "activity_name": "Update",
                "type_uid": 600_303, "type_name": "API Activity: Update", "severity_id": 1, "severity": "Informational",
                "time": .number(F.occurredMilliseconds),
                "message": "A platform owner approved a pending organization and assigned a tier.",
                "metadata": Self.metadata(7, "organization.approved", ingested: false),
                "status_id": 1, "status": "Success",
                "actor": ["user": ["uid": "user_owner", "email_addr": "owner@platform.example"]],
                "src_endpoint": ["ip": "198.51.100.1"],
                "http_request": ["user_agent": "curl/8.5.0"],
                "api": ["operation": "organization.approved", "service": ["name": "Herald"]],
                "resources": [["uid": "org_acme", "type": "organization"]],
                "unmapped": ["tier_id": "tier-pro"],
            ])
    }

    @Test("webhook.endpoint.deleted by Herald itself: API Activity, Delete, Herald as the source")
    func webhookDeleted() {
        #expect(
            Self.render(F.webhookDeleted) == [
                "class_uid": 6003, "class_name": "API Activity", "category_uid": 6,
                "category_name": "Application Activity", "activity_id": 4, "activity_name": "Delete",
                "type_uid": 600_304, "type_name": "API Activity: Delete", "severity_id": 2, "severity": "Low",
                "time": .number(F.occurredMilliseconds),
                "message": "A webhook endpoint was deleted; its pending deliveries were cancelled.",
                "metadata": Self.metadata(8, "webhook.endpoint.deleted", ingested: false),
                "status_id": 1, "status": "Success",
                "actor": ["user": ["name": "system"]],
                "src_endpoint": ["name": "Herald"],
                "api": ["operation": "webhook.endpoint.deleted", "service": ["name": "Herald"]],
                "resources": [["uid": "wh_1", "type": "webhook_endpoint"]],
                "unmapped": ["url": "https://hooks.acme.example/herald"],
            ])
    }

    /// The activities each class defines in OCSF 1.5.0 (besides 0 Unknown and 99 Other).
    static let activities: [Int: Set<Int>] = [
        3002: Set(1...7), 3001: Set(1...12), 2004: Set(1...3), 6003: Set(1...4),
    ]

    static var everyType: [String] { EventCatalogue.entries.map(\.type) + F.uncataloguedIngestedTypes }

    @Test("type_uid is class_uid * 100 + activity_id for every catalogued and ingested type")
    func typeUIDRule() throws {
        for type in Self.everyType {
            let object = Self.render(F.full(type))
            guard case .number(let classUID)? = object["class_uid"], case .number(let activity)? = object["activity_id"],
                case .number(let typeUID)? = object["type_uid"], case .number(let category)? = object["category_uid"]
            else {
                Issue.record("\(type): class_uid, activity_id, type_uid or category_uid missing")
                continue
            }
            #expect(typeUID == classUID * 100 + activity, "\(type)")
            #expect(category == (classUID / 1000).rounded(.down), "\(type)")
            let defined = try #require(Self.activities[Int(classUID)], "\(type): unexpected class \(classUID)")
            #expect(defined.contains(Int(activity)) || activity == 99, "\(type): activity \(activity)")
            if activity == 99 { #expect(object["activity_name"] == .string(type), "\(type)") }
        }
    }

    @Test("the classes of the catalogue's families")
    func classesByFamily() {
        let expected: [(String, Double)] = [
            ("auth.login.succeeded", 3002), ("auth.logout", 3002), ("auth.mfa.succeeded", 3002),
            ("auth.mfa.failed", 3002), ("auth.session.expired", 3002),
            ("auth.mfa.enrolled", 3001), ("auth.mfa.disabled", 3001), ("auth.mfa.backup_codes_generated", 3001),
            ("member.added", 3001), ("member.role_updated", 3001), ("member.removed", 3001),
            ("invitation.accepted", 3001), ("user.mfa_force_disabled", 3001), ("platform.owner_promoted", 3001),
            ("directory.user.created", 3001), ("directory.user.deleted", 3001),
            ("risk.suspicious_activity", 2004), ("risk.impossible_travel", 2004),
            ("organization.created", 6003), ("tier.deleted", 6003), ("webhook.endpoint.updated", 6003),
            ("siem.integration.error", 6003), ("scim.token.revoked", 6003), ("apikey.created", 6003),
            ("directory.group.user_added", 6003), ("invitation.created", 6003), ("mail.sent", 6003),
            ("service.created", 6003),
        ]
        for (type, classUID) in expected {
            #expect(Self.render(F.full(type))["class_uid"] == .number(classUID), "\(type)")
        }
    }

    @Test("activities: account changes, logoff, and the verb of admin actions")
    func activities() {
        let expected: [(String, Double)] = [
            ("auth.logout", 2), ("auth.mfa.succeeded", 1), ("auth.session.expired", 99),
            ("directory.user.created", 1), ("directory.user.reactivated", 2), ("directory.user.deleted", 6),
            ("member.removed", 6), ("member.role_updated", 99), ("auth.mfa.disabled", 11),
            ("user.mfa_force_disabled", 11), ("auth.mfa.backup_codes_generated", 99),
            ("organization.created", 1), ("organization.tier_updated", 3), ("organization.deleted", 4),
            ("apikey.revoked", 3), ("scim.token.deleted", 4), ("webhook.endpoint.disabled", 3),
            ("directory.group.user_added", 3), ("directory.group.user_removed", 3), ("mail.sent", 99),
            ("siem.integration.error", 99),
        ]
        for (type, activity) in expected {
            #expect(Self.render(F.full(type))["activity_id"] == .number(activity), "\(type)")
        }
    }

    @Test("every rendering has the attributes OCSF 1.5.0 requires of the base event and of its class")
    func requiredAttributes() {
        let base = ["activity_id", "category_uid", "class_uid", "metadata", "severity_id", "time", "type_uid"]
        let byClass: [Double: [String]] = [
            3002: ["user"], 3001: ["user"], 2004: ["finding_info"], 6003: ["actor", "api", "src_endpoint"],
        ]
        let bare = Self.everyType.map { F.event(11, $0, orgId: nil) }
        for event in F.all + Self.everyType.map({ F.full($0) }) + bare {
            let object = Self.render(event)
            for name in base { #expect(object[name] != nil, "\(event.type): \(name)") }
            #expect(jsonValue(object, "metadata.version") == "1.5.0")
            #expect(jsonValue(object, "metadata.product.name") != nil)
            guard case .number(let classUID)? = object["class_uid"] else { continue }
            for name in byClass[classUID] ?? [] { #expect(object[name] != nil, "\(event.type): \(name)") }
            switch classUID {
            case 3002:
                #expect(object["service"] != nil || object["dst_endpoint"] != nil, "\(event.type)")
                #expect(Self.hasUIDOrName(jsonValue(object, "user")), "\(event.type): user")
            case 3001:
                #expect(Self.hasUIDOrName(jsonValue(object, "user")), "\(event.type): user")
            case 2004:
                #expect(jsonValue(object, "finding_info.uid") == .string(event.id))
                #expect(jsonValue(object, "finding_info.title") == .string(event.type))
            case 6003:
                #expect(jsonValue(object, "api.operation") == .string(event.type))
                let endpoint = jsonValue(object, "src_endpoint")?.objectValue ?? [:]
                #expect(endpoint["ip"] != nil || endpoint["name"] != nil, "\(event.type): src_endpoint")
                let actor = jsonValue(object, "actor")?.objectValue ?? [:]
                #expect(actor["user"] != nil || actor["app_name"] != nil, "\(event.type): actor")
            default: Issue.record("\(event.type): unexpected class \(classUID)")
            }
        }
    }

    static func hasUIDOrName(_ user: JSONValue?) -> Bool {
        guard let user = user?.objectValue else { return false }
        return user["uid"] != nil || user["name"] != nil
    }

    @Test("an address that is not an IP address is left out of src_endpoint.ip")
    func invalidAddress() {
        var event = F.loginSucceeded
        event.ipAddress = "not-an-ip"
        #expect(Self.render(event)["src_endpoint"] == nil)
        var admin = F.organizationApproved
        admin.ipAddress = "999.1.1.1"
        #expect(Self.render(admin)["src_endpoint"] == ["name": "Herald"])
    }

    @Test("MFA challenges are logons with is_mfa and the factor")
    func mfaChallenge() {
        let object = Self.render(F.event(12, "auth.mfa.failed", userId: "user_jane", data: ["factor": "totp"]))
        #expect(object["is_mfa"] == true)
        #expect(object["auth_factors"] == [["factor_type_id": 7, "factor_type": "OTP"]])
        #expect(object["status_id"] == 2)
        let other = Self.render(F.event(13, "auth.mfa.succeeded", userId: "user_jane", data: ["factor": "carrier_pigeon"]))
        #expect(other["auth_factors"] == [["factor_type_id": 99, "factor_type": "carrier_pigeon"]])
    }

    @Test("original_time only when the SSO core gave its own time")
    func originalTime() {
        var event = F.loginSucceeded
        event.createdAt = event.occurredAt
        #expect(jsonValue(Self.render(event), "metadata.original_time") == nil)
        #expect(jsonValue(Self.render(F.loginSucceeded), "metadata.original_time") == "2025-01-15T10:30:00.123Z")
    }
}

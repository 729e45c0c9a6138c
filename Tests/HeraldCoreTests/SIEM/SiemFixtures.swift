import Foundation
@testable import HeraldCore

/// Events of every class the SIEM schemas tell apart, with fixed ids and times, and helpers to read renderings.
enum SiemFixtures {
    /// 2025-01-15T10:30:00.123Z.
    static let occurredAt = Date(millisecondsSince1970: 1_736_937_000_123)
    /// Half a second later: when Herald stored it.
    static let createdAt = Date(millisecondsSince1970: 1_736_937_000_623)
    static let occurredMilliseconds = 1_736_937_000_123.0
    static let createdMilliseconds = 1_736_937_000_623.0

    static let producer = SiemProducer(vendor: "Herald", product: "Herald", version: "1.2.3")

    static func id(_ n: Int) -> String {
        let digits = String(n)
        return "0b6f3a4e-0000-4000-8000-" + String(repeating: "0", count: 12 - digits.count) + digits
    }

    static func event(
        _ n: Int, _ type: String, orgId: String? = "org_acme", actorId: String? = nil, actorEmail: String? = nil,
        targetType: String? = nil, targetId: String? = nil, userId: String? = nil, email: String? = nil,
        ip: String? = nil, userAgent: String? = nil, severity: Severity = .info, data: [String: JSONValue] = [:]
    ) -> Event {
        Event(
            sequence: Int64(n), id: id(n), type: type, orgId: orgId, actorId: actorId, actorEmail: actorEmail,
            targetType: targetType, targetId: targetId, userId: userId, email: email, ipAddress: ip,
            userAgent: userAgent, severity: severity, data: data, occurredAt: occurredAt, createdAt: createdAt)
    }

    static let loginSucceeded = event(
        1, "auth.login.succeeded", userId: "user_jane", email: "jane@acme.example", ip: "203.0.113.7",
        userAgent: "Mozilla/5.0 (X11; Linux x86_64)", data: ["method": "password"])
    static let loginFailed = event(
        2, "auth.login.failed", email: "jane@acme.example", ip: "2001:db8::7", severity: .medium,
        data: ["reason": "bad_password"])
    static let memberAdded = event(
        3, "member.added", actorId: "user_admin", actorEmail: "admin@acme.example", targetType: "user",
        targetId: "user_bob", ip: "198.51.100.4", userAgent: "curl/8.5.0",
        data: ["user_id": "user_bob", "email": "bob@acme.example", "role": "admin"])
    static let userDeactivated = event(
        4, "directory.user.deactivated", actorEmail: "scim:hscim_3f9a1c", targetType: "directory_user",
        targetId: "2819c223", ip: "192.0.2.10", userAgent: "Okta SCIM Client 1.0.0", severity: .low,
        data: ["resource": ["id": "2819c223", "userName": "bjensen@acme.example", "active": false], "version": 3])
    static let mfaEnrolled = event(
        5, "auth.mfa.enrolled", userId: "user_jane", email: "jane@acme.example", ip: "203.0.113.7",
        data: ["factor": "totp"])
    static let impossibleTravel = event(
        6, "risk.impossible_travel", userId: "user_jane", email: "jane@acme.example", ip: "203.0.113.99",
        severity: .high, data: ["from": "Berlin", "to": "Sydney", "minutes": 40])
    static let organizationApproved = event(
        7, "organization.approved", actorId: "user_owner", actorEmail: "owner@platform.example",
        targetType: "organization", targetId: "org_acme", ip: "198.51.100.1", userAgent: "curl/8.5.0",
        data: ["tier_id": "tier-pro"])
    /// Recorded by Herald itself (the system actor), with no client.
    static let webhookDeleted = event(
        8, "webhook.endpoint.deleted", actorEmail: "system", targetType: "webhook_endpoint", targetId: "wh_1",
        severity: .low, data: ["url": "https://hooks.acme.example/herald"])

    /// One event of each class, in the order above.
    static let all = [
        loginSucceeded, loginFailed, memberAdded, userDeactivated, mfaEnrolled, impossibleTravel,
        organizationApproved, webhookDeleted,
    ]

    /// An event of `type` with every column set, for sweeps over the catalogue.
    static func full(_ type: String, data: [String: JSONValue] = [:]) -> Event {
        event(
            9, type, actorId: "user_admin", actorEmail: "admin@acme.example", targetType: "user",
            targetId: "user_bob", userId: "user_jane", email: "jane@acme.example", ip: "198.51.100.4",
            userAgent: "curl/8.5.0", data: data)
    }

    /// Ingested types that the catalogue does not list, as the SSO core may post them.
    static let uncataloguedIngestedTypes = [
        "auth.login.locked", "auth.logout.everywhere", "auth.mfa.challenge_sent", "auth.password.changed",
        "auth.session.expired", "risk.suspicious_ip", "audit.service.updated", "audit.export", "service.updated",
    ]
}

/// The value at a dotted path of a JSON object (`metadata.product.name`), or nil.
func jsonValue(_ object: [String: JSONValue], _ path: String) -> JSONValue? {
    var current: JSONValue? = .object(object)
    for key in path.split(separator: ".") {
        guard case .object(let members)? = current else { return nil }
        current = members[String(key)]
    }
    return current
}

extension SiemRendering {
    var object: [String: JSONValue]? {
        if case .object(let object) = self { return object }
        return nil
    }

    var text: String? {
        if case .text(let text) = self { return text }
        return nil
    }
}

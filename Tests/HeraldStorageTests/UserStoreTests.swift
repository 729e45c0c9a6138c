import Foundation
import HeraldCore
import Testing

@testable import HeraldStorage

@Suite struct UserStoreTests {
    @Test func ensureUserLowercasesAndIsIdempotentWithoutEvents() async throws {
        let fixture = try Fixture()
        let user = try await fixture.store.ensureUser(email: "Ada@Example.COM", actor: .system)
        #expect(user.email == "ada@example.com")
        #expect(!user.isPlatformOwner)
        let again = try await fixture.store.ensureUser(email: "ADA@example.com", actor: .system)
        #expect(again.id == user.id)
        #expect(try await fixture.store.user(email: "ada@EXAMPLE.com")?.id == user.id)
        #expect(try await fixture.store.user(id: user.id) == user)
        #expect(try await fixture.eventCount() == 0)
        try await fixture.expectRefusal(.invalidField, field: "email") {
            _ = try await fixture.store.ensureUser(email: "not an email", actor: .system)
        }
    }

    @Test func jwtUserCreatesFindsLinksAndRefuses() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let created = try await store.jwtUser(issuer: "sso", subject: "sub-1", email: "Jo@Example.com")
        #expect(created.email == "jo@example.com")
        #expect(try await store.jwtUser(issuer: "sso", subject: "sub-1", email: nil).id == created.id)
        #expect(try await store.jwtUser(issuer: "sso", subject: "sub-1", email: "other@example.com").id == created.id)

        // A user known by email only is linked on first sight.
        let invited = try await store.ensureUser(email: "invited@example.com", actor: .system)
        let linked = try await store.jwtUser(issuer: "sso", subject: "sub-2", email: "invited@example.com")
        #expect(linked.id == invited.id)
        #expect(try await store.jwtUser(issuer: "sso", subject: "sub-2", email: nil).id == invited.id)

        // The same email under another identity is refused.
        try await fixture.expectRefusal(.forbidden) {
            _ = try await store.jwtUser(issuer: "sso", subject: "sub-3", email: "invited@example.com")
        }
        try await fixture.expectRefusal(.forbidden) {
            _ = try await store.jwtUser(issuer: "other-issuer", subject: "sub-1", email: "jo@example.com")
        }
        // An unknown subject without an email claim cannot be created.
        try await fixture.expectRefusal(.unauthorized) {
            _ = try await store.jwtUser(issuer: "sso", subject: "sub-4", email: nil)
        }
        #expect(try await store.listUsers(limit: 10, offset: 0).total == 2)
    }

    @Test func jwtUserLinksAUserCreatedByIngestWithTheSameSubject() async throws {
        let fixture = try Fixture()
        let service = Actor(userId: "svc", email: "svc@example.com")
        _ = try await fixture.store.ingest(
            [
                IngestedEvent(
                    type: "auth.mfa.enrolled", orgId: nil, userId: "core-7", email: "end@example.com", ipAddress: nil,
                    userAgent: nil, severity: .info, occurredAt: nil, data: [:])
            ], actor: service, idempotencyKey: nil)
        let fromIngest = try #require(try await fixture.store.user(email: "end@example.com"))
        let user = try await fixture.store.jwtUser(issuer: "sso", subject: "core-7", email: "end@example.com")
        #expect(user.id == fromIngest.id)
    }

    @Test func listAndSearchUsers() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        var ids: [String] = []
        for email in ["b@example.com", "a_b@example.com", "a%c@example.com", "zed@other.org"] {
            ids.append(try await store.ensureUser(email: email, actor: .system).id)
            fixture.clock.advance(by: 1)
        }
        let page = try await store.listUsers(limit: 2, offset: 1)
        #expect(page.total == 4)
        #expect(page.items.map(\.id) == Array(ids[1...2]))
        #expect(try await store.searchUsers(query: "example", limit: 10).count == 3)
        #expect(try await store.searchUsers(query: "_", limit: 10).map(\.email) == ["a_b@example.com"])
        #expect(try await store.searchUsers(query: "%", limit: 10).map(\.email) == ["a%c@example.com"])
        #expect(try await store.searchUsers(query: ids[3], limit: 10).map(\.email) == ["zed@other.org"])
        #expect(try await store.searchUsers(query: "EXAMPLE", limit: 1).count == 1)
    }

    @Test func promoteAndDemotePlatformOwners() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let (root, rootActor) = try await fixture.platformOwner()
        let other = try await store.ensureUser(email: "other@example.com", actor: .system)

        let (promoted, event) = try await fixture.expectOneEvent(.platformOwnerPromoted) {
            try await store.promotePlatformOwner(userId: other.id, actor: rootActor)
        }
        #expect(promoted.isPlatformOwner)
        #expect(event.targetType == "user" && event.targetId == other.id && event.orgId == nil)
        #expect(event.actorId == root.id && event.actorEmail == root.email && event.severity == .info)
        try await fixture.expectRefusal(.alreadyPlatformOwner) {
            _ = try await store.promotePlatformOwner(userId: other.id, actor: rootActor)
        }
        try await fixture.expectRefusal(.notFound) {
            _ = try await store.promotePlatformOwner(userId: "nobody", actor: rootActor)
        }
        try await fixture.expectRefusal(.selfDemotion) {
            try await store.demotePlatformOwner(userId: root.id, actor: rootActor)
        }
        try await fixture.expectOneEvent(.platformOwnerDemoted) {
            try await store.demotePlatformOwner(userId: other.id, actor: rootActor)
        }
        #expect(try await store.user(id: other.id)?.isPlatformOwner == false)
        try await fixture.expectRefusal(.notPlatformOwner) {
            try await store.demotePlatformOwner(userId: other.id, actor: rootActor)
        }
        try await fixture.expectRefusal(.notFound) {
            try await store.demotePlatformOwner(userId: "nobody", actor: rootActor)
        }
        // The last owner cannot be demoted, even by the system.
        try await fixture.expectRefusal(.lastPlatformOwner) {
            try await store.demotePlatformOwner(userId: root.id, actor: .system)
        }
    }

    @Test func mfaStatusFromIngestThenForceDisable() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let (_, rootActor) = try await fixture.platformOwner()
        let user = try await store.ensureUser(email: "mfa@example.com", actor: .system)
        #expect(try await store.mfaStatus(userId: user.id) == MFAStatus(enabled: false, hasBackupCodes: false))
        try await fixture.expectRefusal(.notFound) { _ = try await store.mfaStatus(userId: "nobody") }
        try await fixture.expectRefusal(.mfaNotEnabled) {
            try await store.forceDisableMFA(userId: user.id, actor: rootActor)
        }
        try await fixture.expectRefusal(.notFound) {
            try await store.forceDisableMFA(userId: "nobody", actor: rootActor)
        }

        let service = Actor(userId: "svc", email: "svc@example.com")
        func ingest(_ type: String, userId: String?, email: String?) async throws {
            _ = try await store.ingest(
                [
                    IngestedEvent(
                        type: type, orgId: nil, userId: userId, email: email, ipAddress: nil, userAgent: nil,
                        severity: .info, occurredAt: nil, data: [:])
                ], actor: service, idempotencyKey: nil)
        }
        try await ingest("auth.mfa.enrolled", userId: user.id, email: nil)
        #expect(try await store.mfaStatus(userId: user.id) == MFAStatus(enabled: true, hasBackupCodes: false))
        try await ingest("auth.mfa.backup_codes_generated", userId: nil, email: "MFA@example.com")
        #expect(try await store.mfaStatus(userId: user.id) == MFAStatus(enabled: true, hasBackupCodes: true))
        try await ingest("auth.mfa.disabled", userId: user.id, email: nil)
        #expect(try await store.mfaStatus(userId: user.id) == MFAStatus(enabled: false, hasBackupCodes: false))
        try await ingest("auth.mfa.enrolled", userId: user.id, email: nil)
        try await ingest("auth.mfa.backup_codes_generated", userId: user.id, email: nil)

        let (_, event) = try await fixture.expectOneEvent(.userMFAForceDisabled) {
            try await store.forceDisableMFA(userId: user.id, actor: rootActor)
        }
        #expect(event.targetType == "user" && event.targetId == user.id)
        #expect(event.data["email"] == .string("mfa@example.com"))
        #expect(event.data["user_id"] == .string(user.id))
        #expect(try await store.mfaStatus(userId: user.id) == MFAStatus(enabled: false, hasBackupCodes: false))

        // A subject known only to the SSO core is created from its email, and found again by its subject.
        try await ingest("auth.mfa.enrolled", userId: "core-42", email: "new@example.com")
        let created = try #require(try await store.user(email: "new@example.com"))
        #expect(try await store.mfaStatus(userId: created.id).enabled)
        try await ingest("auth.mfa.backup_codes_generated", userId: "core-42", email: nil)
        #expect(try await store.mfaStatus(userId: created.id).hasBackupCodes)
    }

    @Test func suspiciousActivityListsRiskAndSeriousMFAFailures() async throws {
        let fixture = try Fixture()
        let (organization, _, _) = try await fixture.organization()
        let service = Actor(userId: "svc", email: "svc@example.com")
        func event(_ type: String, _ severity: Severity, orgId: String? = nil, data: [String: JSONValue] = [:])
            -> IngestedEvent
        {
            IngestedEvent(
                type: type, orgId: orgId, userId: "u1", email: "u1@example.com", ipAddress: "198.51.100.1",
                userAgent: nil, severity: severity, occurredAt: nil, data: data)
        }
        _ = try await fixture.store.ingest(
            [
                event("risk.impossible_travel", .high, orgId: organization.id, data: ["details": "Paris then Tokyo"]),
                event("auth.mfa.failed", .low),
                event("auth.mfa.failed", .medium, orgId: organization.id),
                event("auth.login.failed", .critical),
                event("risk.suspicious_activity", .critical, data: ["alert_type": "brute_force"]),
            ], actor: service, idempotencyKey: nil)
        let all = try await fixture.store.suspiciousActivity(orgId: nil, limit: 10)
        #expect(all.map(\.alertType) == ["brute_force", "auth.mfa.failed", "impossible_travel"])
        #expect(all.map(\.severity) == [.critical, .medium, .high])
        #expect(all[2].details == "Paris then Tokyo")
        #expect(all[0].details == "risk.suspicious_activity")
        #expect(all[0].userId == "u1" && all[0].email == "u1@example.com")
        let scoped = try await fixture.store.suspiciousActivity(orgId: organization.id, limit: 10)
        #expect(scoped.count == 2)
        #expect(try await fixture.store.suspiciousActivity(orgId: nil, limit: 1).count == 1)
    }

    @Test func setServiceTogglesTheFlag() async throws {
        let fixture = try Fixture()
        let user = try await fixture.store.ensureUser(email: "core@example.com", actor: .system)
        try await fixture.store.setService(userId: user.id, isService: true)
        #expect(try await fixture.store.user(id: user.id)?.isService == true)
        try await fixture.store.setService(userId: user.id, isService: false)
        #expect(try await fixture.store.user(id: user.id)?.isService == false)
        try await fixture.expectRefusal(.notFound) { try await fixture.store.setService(userId: "x", isService: true) }
    }
}

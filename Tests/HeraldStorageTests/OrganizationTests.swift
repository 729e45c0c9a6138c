import Foundation
import HeraldCore
import Testing

@testable import HeraldStorage

@Suite struct OrganizationTests {
    @Test func createPendingWithOwnerMembership() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let owner = try await store.ensureUser(email: "owner@example.com", actor: .system)
        let actor = Fixture.actor(owner)
        let (organization, event) = try await fixture.expectOneEvent(.organizationCreated) {
            try await store.createOrganization(
                slug: "acme", name: "Acme", owner: owner, autoApproveTierId: nil, actor: actor)
        }
        #expect(organization.status == .pending && organization.tierId == nil)
        #expect(organization.ownerUserId == owner.id)
        #expect(event.orgId == organization.id && event.targetType == "organization")
        #expect(event.targetId == organization.id)
        #expect(event.data["slug"] == "acme" && event.data["name"] == "Acme" && event.data["status"] == "pending")
        #expect(event.actorId == owner.id && event.ipAddress == "192.0.2.1" && event.userAgent == "tests")
        #expect(try await store.role(userId: owner.id, orgId: organization.id) == .owner)
        #expect(try await store.organization(slug: "acme") == organization)
        #expect(try await store.organization(id: organization.id) == organization)

        try await fixture.expectRefusal(.alreadyExists, field: "slug") {
            _ = try await store.createOrganization(
                slug: "acme", name: "Other", owner: owner, autoApproveTierId: nil, actor: actor)
        }
        try await fixture.expectRefusal(.invalidField, field: "slug") {
            _ = try await store.createOrganization(
                slug: "Bad Slug", name: "Other", owner: owner, autoApproveTierId: nil, actor: actor)
        }
    }

    @Test func autoApproveCreatesTheFreeTierWithinTheSameEvent() async throws {
        let fixture = try Fixture()
        let owner = try await fixture.store.ensureUser(email: "owner@example.com", actor: .system)
        let (organization, _) = try await fixture.expectOneEvent(.organizationCreated) {
            try await fixture.store.createOrganization(
                slug: "auto", name: "Auto", owner: owner, autoApproveTierId: "free", actor: .system)
        }
        #expect(organization.status == .active && organization.tierId == "free")
        let free = try #require(try await fixture.store.tier(id: "free"))
        #expect(free.displayName == "Free" && free.maxUsers == nil && free.maxServices == nil && free.priceCents == 0)
        // The second one reuses the tier.
        _ = try await fixture.store.createOrganization(
            slug: "auto-2", name: "Auto 2", owner: owner, autoApproveTierId: "free", actor: .system)
        #expect(try await fixture.store.tiers().count == 1)
    }

    @Test func lifecycleTransitions() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let (root, actor) = try await fixture.platformOwner()
        _ = try await store.createTier(
            NewTier(id: "basic", displayName: "Basic", maxServices: 1, maxUsers: 5, priceCents: 0), actor: actor)
        let owner = try await store.ensureUser(email: "owner@example.com", actor: .system)
        let pending = try await store.createOrganization(
            slug: "acme", name: "Acme", owner: owner, autoApproveTierId: nil, actor: Fixture.actor(owner))
        let id = pending.id

        try await fixture.expectRefusal(.invalidState, field: "status") {
            _ = try await store.transitionOrganization(id: id, .suspend, tierId: nil, reason: nil, actor: actor)
        }
        try await fixture.expectRefusal(.invalidState) {
            _ = try await store.transitionOrganization(id: id, .activate, tierId: nil, reason: nil, actor: actor)
        }
        try await fixture.expectRefusal(.unknownTier, field: "tier_id") {
            _ = try await store.transitionOrganization(id: id, .approve, tierId: nil, reason: nil, actor: actor)
        }
        try await fixture.expectRefusal(.unknownTier, field: "tier_id") {
            _ = try await store.transitionOrganization(id: id, .approve, tierId: "gold", reason: nil, actor: actor)
        }
        try await fixture.expectRefusal(.notFound) {
            _ = try await store.transitionOrganization(id: "nope", .approve, tierId: "basic", reason: nil, actor: actor)
        }
        fixture.clock.advance(by: 60)
        let (approved, approval) = try await fixture.expectOneEvent(.organizationApproved) {
            try await store.transitionOrganization(id: id, .approve, tierId: "basic", reason: nil, actor: actor)
        }
        #expect(approved.status == .active && approved.tierId == "basic")
        #expect(approved.approvedBy == root.id && approved.approvedAt == fixture.clock.now.truncatedToMilliseconds)
        #expect(approved.updatedAt > pending.updatedAt)
        #expect(approval.data["tier_id"] == "basic" && approval.orgId == id)
        do {
            _ = try await store.transitionOrganization(id: id, .approve, tierId: "basic", reason: nil, actor: actor)
            Issue.record("approve twice")
        } catch let error as HeraldError {
            #expect(error.code == .invalidState && error.message.contains("active"))
        }

        let (suspended, _) = try await fixture.expectOneEvent(.organizationSuspended) {
            try await store.transitionOrganization(id: id, .suspend, tierId: nil, reason: nil, actor: actor)
        }
        #expect(suspended.status == .suspended)
        let (activated, _) = try await fixture.expectOneEvent(.organizationActivated) {
            try await store.transitionOrganization(id: id, .activate, tierId: nil, reason: nil, actor: actor)
        }
        #expect(activated.status == .active)
        try await fixture.expectRefusal(.invalidState) {
            _ = try await store.transitionOrganization(id: id, .reject, tierId: nil, reason: "no", actor: actor)
        }

        let other = try await store.createOrganization(
            slug: "other", name: "Other", owner: owner, autoApproveTierId: nil, actor: .system)
        let (rejected, rejection) = try await fixture.expectOneEvent(.organizationRejected) {
            try await store.transitionOrganization(id: other.id, .reject, tierId: nil, reason: "spam", actor: actor)
        }
        #expect(rejected.status == .rejected && rejected.rejectedBy == root.id && rejected.rejectionReason == "spam")
        #expect(rejected.rejectedAt != nil && rejection.data["reason"] == "spam")
        try await fixture.expectRefusal(.invalidState) {
            _ = try await store.transitionOrganization(id: other.id, .activate, tierId: nil, reason: nil, actor: actor)
        }
    }

    @Test func updateTierAndName() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let (organization, _, actor) = try await fixture.organization()
        _ = try await store.createTier(
            NewTier(id: "pro", displayName: "Pro", maxServices: 10, maxUsers: 10, priceCents: 100), actor: actor)
        let (moved, event) = try await fixture.expectOneEvent(.organizationTierUpdated) {
            try await store.updateOrganizationTier(
                id: organization.id, tierId: "pro", maxServices: 3, maxUsers: 25, actor: actor)
        }
        #expect(moved.tierId == "pro" && moved.maxServices == 3 && moved.maxUsers == 25)
        #expect(event.data["tier_id"] == "pro" && event.data["max_users"] == 25 && event.orgId == organization.id)
        let cleared = try await store.updateOrganizationTier(
            id: organization.id, tierId: "pro", maxServices: nil, maxUsers: nil, actor: actor)
        #expect(cleared.maxServices == nil && cleared.maxUsers == nil)
        let details = try await store.organizationDetails(id: organization.id)
        #expect(details.tier?.id == "pro" && details.effectiveMaxUsers == 10)
        try await fixture.expectRefusal(.notFound) {
            _ = try await store.updateOrganizationTier(
                id: "nope", tierId: "pro", maxServices: nil, maxUsers: nil, actor: actor)
        }
        do {
            _ = try await store.updateOrganizationTier(
                id: organization.id, tierId: "gold", maxServices: nil, maxUsers: nil, actor: actor)
            Issue.record("unknown tier accepted")
        } catch let error as HeraldError {
            #expect(error.code == .notFound && error.message == "Tier not found")
        }

        let (renamed, rename) = try await fixture.expectOneEvent(.organizationUpdated) {
            try await store.updateOrganization(id: organization.id, name: "Acme Corp", actor: actor)
        }
        #expect(renamed.name == "Acme Corp" && rename.data["previous_name"] == .string(organization.name))
        try await fixture.expectRefusal(.notFound) {
            _ = try await store.updateOrganization(id: "nope", name: "X", actor: actor)
        }
        try await fixture.expectRefusal(.notFound) { _ = try await store.organizationDetails(id: "nope") }
    }

    @Test func deleteCascadesAndKeepsThePlatformEvent() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let (organization, _, actor) = try await fixture.organization()
        let (keep, _, _) = try await fixture.organization(slug: "keep", ownerEmail: "keeper@example.com")
        _ = try await store.addMember(orgId: organization.id, email: "m@example.com", role: .member, actor: actor)
        _ = try await store.createInvitation(
            orgId: organization.id, email: "i@example.com", role: .admin, message: nil, actor: actor)
        _ = try await store.ingest(
            [
                IngestedEvent(
                    type: "auth.login.succeeded", orgId: organization.id, userId: "u", email: nil, ipAddress: nil,
                    userAgent: nil, severity: .info, occurredAt: nil, data: [:])
            ], actor: actor, idempotencyKey: nil)
        let keptEvents = try await fixture.count("SELECT COUNT(*) FROM events WHERE org_id = ?", [keep.id])

        let before = try await fixture.eventCount()
        let ownEvents = try await fixture.count("SELECT COUNT(*) FROM events WHERE org_id = ?", [organization.id])
        #expect(ownEvents == 4)  // organization.created, member.added, invitation.created, auth.login.succeeded
        try await store.deleteOrganization(id: organization.id, actor: actor)
        #expect(try await fixture.eventCount() == before - ownEvents + 1)
        let event = try #require(try await fixture.lastEvent())
        #expect(event.type == "organization.deleted")
        #expect(event.orgId == nil && event.targetType == "organization" && event.targetId == organization.id)
        #expect(event.data["slug"] == "acme")
        for table in ["memberships", "invitations", "events"] {
            #expect(try await fixture.count("SELECT COUNT(*) FROM \(table) WHERE org_id = ?", [organization.id]) == 0)
        }
        #expect(try await fixture.count("SELECT COUNT(*) FROM organizations WHERE id = ?", [organization.id]) == 0)
        #expect(try await fixture.count("SELECT COUNT(*) FROM events WHERE org_id = ?", [keep.id]) == keptEvents)
        #expect(try await store.auditLog(AuditQuery(action: "organization.deleted")).map(\.targetId) == [organization.id])
        #expect(try await store.user(email: "m@example.com") != nil)  // users outlive organizations
        try await fixture.expectRefusal(.notFound) { try await store.deleteOrganization(id: organization.id, actor: actor) }
    }

    @Test func myOrganizationsWithRolesAndStatusFilter() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let (first, owner, actor) = try await fixture.organization(slug: "first")
        fixture.clock.advance(by: 1)
        let second = try await store.createOrganization(
            slug: "second", name: "Second", owner: owner, autoApproveTierId: nil, actor: actor)
        fixture.clock.advance(by: 1)
        let (third, _, thirdActor) = try await fixture.organization(slug: "third", ownerEmail: "t@example.com")
        _ = try await store.addMember(orgId: third.id, email: owner.email, role: .admin, actor: thirdActor)

        let mine = try await store.myOrganizations(userId: owner.id, query: OrganizationQuery())
        #expect(mine.total == 3)
        #expect(mine.items.map(\.organization.id) == [third.id, second.id, first.id])
        #expect(mine.items.map(\.role) == [.admin, .owner, .owner])
        let pending = try await store.myOrganizations(userId: owner.id, query: OrganizationQuery(status: .pending))
        #expect(pending.total == 1 && pending.items.map(\.organization.id) == [second.id])
        let paged = try await store.myOrganizations(userId: owner.id, query: OrganizationQuery(page: 2, limit: 2))
        #expect(paged.total == 3 && paged.items.map(\.organization.id) == [first.id])
        #expect(try await store.role(userId: owner.id, orgId: third.id) == .admin)
        #expect(try await store.role(userId: "nobody", orgId: third.id) == nil)
    }
}

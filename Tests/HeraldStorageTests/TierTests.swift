import Foundation
import HeraldCore
import Testing

@testable import HeraldStorage

@Suite struct TierTests {
    @Test func createUpdateAndDelete() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let (_, actor) = try await fixture.platformOwner()
        let (pro, created) = try await fixture.expectOneEvent(.tierCreated) {
            try await store.createTier(
                NewTier(id: "pro", displayName: "Pro", maxServices: 10, maxUsers: 50, priceCents: 4900), actor: actor)
        }
        #expect(pro.id == "pro" && pro.maxUsers == 50)
        #expect(created.targetType == "tier" && created.targetId == "pro" && created.orgId == nil)
        #expect(created.data["display_name"] == "Pro")
        let generated = try await store.createTier(
            NewTier(id: nil, displayName: "Generated", maxServices: nil, maxUsers: nil, priceCents: 0), actor: actor)
        #expect(!generated.id.isEmpty)
        #expect(try await store.tiers().map(\.id) == [generated.id, "pro"])  // by price
        #expect(try await store.tier(id: "pro") == pro)
        #expect(try await store.tier(id: "nope") == nil)

        try await fixture.expectRefusal(.alreadyExists, field: "id") {
            _ = try await store.createTier(
                NewTier(id: "pro", displayName: "Again", maxServices: nil, maxUsers: nil, priceCents: 0), actor: actor)
        }
        try await fixture.expectRefusal(.invalidField, field: "id") {
            _ = try await store.createTier(
                NewTier(id: "bad id!", displayName: "X", maxServices: nil, maxUsers: nil, priceCents: 0), actor: actor)
        }
        try await fixture.expectRefusal(.invalidField, field: "max_users") {
            _ = try await store.createTier(
                NewTier(id: "neg", displayName: "X", maxServices: nil, maxUsers: -1, priceCents: 0), actor: actor)
        }

        // nil leaves a field alone; .some(nil) clears a limit.
        fixture.clock.advance(by: 5)
        let (updated, _) = try await fixture.expectOneEvent(.tierUpdated) {
            try await store.updateTier(id: "pro", TierPatch(maxServices: .some(nil), priceCents: 5900), actor: actor)
        }
        #expect(updated.displayName == "Pro" && updated.maxServices == nil && updated.maxUsers == 50)
        #expect(updated.priceCents == 5900 && updated.updatedAt > pro.updatedAt)
        let renamed = try await store.updateTier(id: "pro", TierPatch(displayName: "Professional"), actor: actor)
        #expect(renamed.displayName == "Professional" && renamed.priceCents == 5900)
        try await fixture.expectRefusal(.notFound) {
            _ = try await store.updateTier(id: "nope", TierPatch(priceCents: 1), actor: actor)
        }

        try await fixture.expectOneEvent(.tierDeleted) { try await store.deleteTier(id: generated.id, actor: actor) }
        #expect(try await store.tier(id: generated.id) == nil)
        try await fixture.expectRefusal(.notFound) { try await store.deleteTier(id: generated.id, actor: actor) }
    }

    @Test func aTierInUseCannotBeDeleted() async throws {
        let fixture = try Fixture()
        let (organization, _, actor) = try await fixture.organization()
        let tierId = try #require(organization.tierId)
        try await fixture.expectRefusal(.inUse) { try await fixture.store.deleteTier(id: tierId, actor: actor) }
        #expect(try await fixture.store.tier(id: tierId) != nil)
        try await fixture.store.deleteOrganization(id: organization.id, actor: actor)
        try await fixture.store.deleteTier(id: tierId, actor: actor)
        #expect(try await fixture.store.tier(id: tierId) == nil)
    }
}

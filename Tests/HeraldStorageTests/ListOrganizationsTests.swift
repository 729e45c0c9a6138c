import Foundation
import GRDB
import HeraldCore
import Testing

@testable import HeraldStorage

@Suite struct ListOrganizationsTests {
    /// 10,000 organizations inserted in one transaction: org `i` is created at base + i seconds,
    /// every third one is on tier "pro", every fifth one is suspended, and each has its owner as member.
    private func seed(_ fixture: Fixture, count: Int = 10_000) async throws -> [User] {
        let owners = [
            try await fixture.store.ensureUser(email: "o1@example.com", actor: .system),
            try await fixture.store.ensureUser(email: "o2@example.com", actor: .system),
        ]
        _ = try await fixture.store.createTier(
            NewTier(id: "pro", displayName: "Pro", maxServices: 5, maxUsers: 50, priceCents: 100), actor: .system)
        let base = fixture.clock.now.millisecondsSince1970
        let ownerIds = owners.map(\.id)
        try await fixture.database.writer.write { db in
            for index in 0..<count {
                let owner = ownerIds[index % 2]
                let organization = OrganizationRecord(
                    id: String(format: "org-%05d", index), slug: String(format: "org-%05d", index),
                    name: "Company \(index)", ownerUserId: owner,
                    status: index % 5 == 0 ? "suspended" : "active", tierId: index % 3 == 0 ? "pro" : nil,
                    createdAt: base + Int64(index) * 1000, updatedAt: base + Int64(index) * 1000)
                try organization.insert(db)
                try MembershipRecord(orgId: organization.id, userId: owner, role: "owner", joinedAt: base).insert(db)
            }
        }
        return owners
    }

    @Test func tenThousandOrganizationsPageQuickly() async throws {
        let fixture = try Fixture()
        let owners = try await seed(fixture)
        let store = fixture.store
        _ = try await store.listOrganizations(OrganizationQuery(limit: 20))  // warm the statement cache

        let clock = ContinuousClock()
        var page = Page<OrganizationDetails>(items: [], total: 0)
        let elapsed = try await clock.measure {
            page = try await store.listOrganizations(OrganizationQuery(page: 3, limit: 20))
        }
        #expect(elapsed < .milliseconds(200), "page query took \(elapsed)")
        #expect(page.total == 10_000)
        // Newest first: page 3 holds indexes 9959 down to 9940.
        #expect(page.items.map(\.organization.id) == (9940...9959).reversed().map { String(format: "org-%05d", $0) })
        let first = try #require(page.items.first)
        #expect(first.memberCount == 1)
        #expect(first.owner?.id == owners[9959 % 2].id)
        #expect(first.tier == nil)
        #expect(page.items.first(where: { $0.organization.id == "org-09957" })?.tier?.id == "pro")

        let lastPage = try await store.listOrganizations(OrganizationQuery(page: 500, limit: 20))
        #expect(lastPage.items.last?.organization.id == "org-00000")
        #expect(try await store.listOrganizations(OrganizationQuery(page: 501, limit: 20)).items.isEmpty)

        let filterElapsed = try await clock.measure {
            page = try await store.listOrganizations(OrganizationQuery(status: .suspended, tierId: "pro", limit: 20))
        }
        #expect(filterElapsed < .milliseconds(200), "filtered page query took \(filterElapsed)")
        #expect(page.total == 667)  // multiples of 15 below 10,000
        #expect(page.items.allSatisfy { $0.organization.status == .suspended && $0.organization.tierId == "pro" })

        let search = try await store.listOrganizations(OrganizationQuery(search: "COMPANY 999", limit: 20))
        #expect(search.total == 11)  // 999 and 9990...9999
        let bySlug = try await store.listOrganizations(OrganizationQuery(search: "org-0000", limit: 20))
        #expect(bySlug.total == 10)
        let mine = try await store.listOrganizations(OrganizationQuery(memberUserId: owners[1].id, limit: 5))
        #expect(mine.total == 5_000 && mine.items.first?.organization.id == "org-09999")
    }

    @Test func searchEscapesWildcards() async throws {
        let fixture = try Fixture()
        let owner = try await fixture.store.ensureUser(email: "o@example.com", actor: .system)
        _ = try await fixture.store.createOrganization(
            slug: "plain", name: "Plain", owner: owner, autoApproveTierId: nil, actor: .system)
        _ = try await fixture.store.createOrganization(
            slug: "percent", name: "100% Real", owner: owner, autoApproveTierId: nil, actor: .system)
        #expect(try await fixture.store.listOrganizations(OrganizationQuery(search: "%")).total == 1)
        #expect(try await fixture.store.listOrganizations(OrganizationQuery(search: "_")).total == 0)
        #expect(try await fixture.store.listOrganizations(OrganizationQuery(search: "real")).total == 1)
    }

    @Test func recentOrganizationsNewestFirst() async throws {
        let fixture = try Fixture()
        _ = try await seed(fixture, count: 30)
        let recent = try await fixture.store.recentOrganizations(limit: 3)
        #expect(recent.map(\.id) == ["org-00029", "org-00028", "org-00027"])
    }
}

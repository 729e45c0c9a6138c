import Foundation
import HeraldCore
import Testing

@testable import HeraldStorage

@Suite struct AnalyticsTests {
    private let service = Actor(userId: "svc", email: "svc@example.com")
    private let day: TimeInterval = 86_400

    private func event(_ type: String, orgId: String? = nil, userId: String? = nil, at date: Date? = nil)
        -> IngestedEvent
    {
        IngestedEvent(
            type: type, orgId: orgId, userId: userId, email: nil, ipAddress: nil, userAgent: nil, severity: .info,
            occurredAt: date, data: [:])
    }

    @Test func overviewAndStatusBreakdown() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let now = fixture.clock.now
        let (acme, owner, actor) = try await fixture.organization()
        _ = try await store.createOrganization(
            slug: "pending", name: "Pending", owner: owner, autoApproveTierId: nil, actor: actor)
        let serviceUser = try await store.ensureUser(email: "core@example.com", actor: .system)
        try await store.setService(userId: serviceUser.id, isService: true)
        _ = try await store.ingest(
            [
                event("auth.login.succeeded", orgId: acme.id, userId: "u1", at: now.addingTimeInterval(-3600)),
                event("auth.login.succeeded", userId: "u1", at: now.addingTimeInterval(-2 * day)),
                event("auth.login.succeeded", userId: "u2", at: now.addingTimeInterval(-10 * day)),
                event("auth.login.succeeded", userId: "u3", at: now.addingTimeInterval(-40 * day)),
                event("auth.login.failed", userId: "u4", at: now.addingTimeInterval(-60)),
                event("service.created", orgId: acme.id), event("service.created"), event("service.deleted"),
            ], actor: service, idempotencyKey: nil)

        let overview = try await store.overview(now: now)
        #expect(overview.totalOrganizations == 2 && overview.activeOrganizations == 1)
        #expect(overview.totalUsers == 1)  // the owner; the service principal is not counted
        #expect(overview.totalEndUsers == 4)
        #expect(overview.totalServices == 1)
        #expect(overview.totalLogins24h == 1 && overview.totalLogins30d == 3 && overview.uniqueUsers30d == 2)

        let breakdown = try await store.organizationStatusBreakdown()
        #expect(breakdown == [.active: 1, .pending: 1, .suspended: 0, .rejected: 0])

        let empty = try Fixture()
        let zero = try await empty.store.overview(now: now)
        #expect(zero.totalServices == 0 && zero.totalOrganizations == 0)
        _ = try await empty.store.ingest([event("service.deleted")], actor: service, idempotencyKey: nil)
        #expect(try await empty.store.overview(now: now).totalServices == 0)  // floored at 0
    }

    @Test func growthTrendsOnePointPerDayWithCumulativeTotals() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        // The clock starts on 2025-06-15; the series starts on 2025-06-16T12:00:00Z.
        let start = Date(timeIntervalSince1970: 1_750_075_200)
        _ = try await store.ensureUser(email: "early@example.com", actor: .system)
        fixture.clock.advance(by: start.timeIntervalSince(fixture.clock.now) + 2 * day)  // 2025-06-18
        let (_, owner, actor) = try await fixture.organization()
        fixture.clock.advance(by: day)  // 2025-06-19
        _ = try await store.createOrganization(
            slug: "second", name: "Second", owner: owner, autoApproveTierId: nil, actor: actor)
        _ = try await store.ensureUser(email: "late@example.com", actor: .system)

        let points = try await store.growthTrends(start: start, end: start.addingTimeInterval(6 * day))
        #expect(points.count == 7)
        #expect(points.map(\.date) == (16...22).map { "2025-06-\($0)" })
        #expect(points.map(\.newOrganizations) == [0, 0, 1, 1, 0, 0, 0])
        #expect(points.map(\.totalOrganizations) == [0, 0, 1, 2, 2, 2, 2])
        #expect(points.map(\.newUsers) == [0, 0, 1, 1, 0, 0, 0])
        #expect(points.map(\.totalUsers) == [1, 1, 2, 3, 3, 3, 3])
        #expect(try await store.growthTrends(start: start, end: start).count == 1)
        #expect(try await store.growthTrends(start: start, end: start.addingTimeInterval(-day)).isEmpty)
        await #expect(throws: HeraldError.self) {
            _ = try await store.growthTrends(start: start, end: start.addingTimeInterval(4000 * day))
        }
    }

    @Test func loginActivityPerDay() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let dayStart = Date(timeIntervalSince1970: 1_749_945_600)  // 2025-06-15T00:00:00Z
        _ = try await store.ingest(
            [
                event("auth.login.succeeded", userId: "a", at: dayStart.addingTimeInterval(10)),
                event("auth.login.succeeded", userId: "a", at: dayStart.addingTimeInterval(20)),
                event("auth.login.succeeded", userId: "b", at: dayStart.addingTimeInterval(day - 1)),
                event("auth.login.failed", userId: "c", at: dayStart.addingTimeInterval(30)),
                event("auth.login.failed", userId: "c", at: dayStart.addingTimeInterval(2 * day + 5)),
                event("auth.login.succeeded", userId: "z", at: dayStart.addingTimeInterval(-1)),
            ], actor: service, idempotencyKey: nil)
        let points = try await store.loginActivity(
            start: dayStart.addingTimeInterval(3600), end: dayStart.addingTimeInterval(2 * day + 3600))
        #expect(points.map(\.date) == ["2025-06-15", "2025-06-16", "2025-06-17"])
        #expect(points.map(\.totalLogins) == [3, 0, 0])
        #expect(points.map(\.uniqueUsers) == [2, 0, 0])
        #expect(points.map(\.failedLogins) == [1, 0, 1])
    }

    @Test func topOrganizationsByLogins() async throws {
        let fixture = try Fixture()
        let store = fixture.store
        let now = fixture.clock.now
        let (quiet, _, _) = try await fixture.organization(slug: "quiet")
        fixture.clock.advance(by: 1)
        let (busy, _, actor) = try await fixture.organization(slug: "busy", ownerEmail: "busy@example.com")
        fixture.clock.advance(by: 1)
        let (newest, _, _) = try await fixture.organization(slug: "newest", ownerEmail: "new@example.com")
        _ = try await store.addMember(orgId: busy.id, email: "m@example.com", role: .member, actor: actor)
        _ = try await store.ingest(
            [
                event("auth.login.succeeded", orgId: busy.id, userId: "a", at: now),
                event("auth.login.succeeded", orgId: busy.id, userId: "a", at: now),
                event("auth.login.succeeded", orgId: busy.id, userId: "b", at: now),
                event("auth.login.succeeded", orgId: quiet.id, userId: "q", at: now.addingTimeInterval(-31 * day)),
                event("auth.login.succeeded", orgId: newest.id, userId: "n", at: now),
                event("service.created", orgId: busy.id), event("service.created", orgId: busy.id),
                event("service.deleted", orgId: busy.id),
            ], actor: service, idempotencyKey: nil)
        let top = try await store.topOrganizations(now: fixture.clock.now, limit: 10)
        #expect(top.map(\.id) == [busy.id, newest.id, quiet.id])
        #expect(top[0].loginCount30d == 3 && top[0].uniqueUsers30d == 2 && top[0].userCount == 2)
        #expect(top[0].serviceCount == 1 && top[0].slug == "busy")
        #expect(top[2].loginCount30d == 0 && top[2].serviceCount == 0)
        #expect(try await store.topOrganizations(now: fixture.clock.now, limit: 1).map(\.id) == [busy.id])
    }
}

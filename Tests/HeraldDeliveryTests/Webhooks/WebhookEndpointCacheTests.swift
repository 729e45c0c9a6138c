import Foundation
import HeraldCore
import HeraldDelivery
import Testing

@Suite struct WebhookEndpointCacheTests {
    static func target(_ url: String = "https://hooks.example/a") throws -> WebhookEndpointCache.Target {
        let endpoint = WebhookEndpoint(
            id: "wh_1", orgId: "org_1", url: url, description: nil, eventTypes: [], enabled: true, disabledReason: nil,
            rateLimitPerSecond: nil, ordered: false, headers: [:], signing: .v1, failingSince: nil, createdAt: Date(), updatedAt: Date())
        return WebhookEndpointCache.Target(
            endpoint: endpoint, keys: SigningKeys(current: .symmetric(WebhookSecret.generate())), organizationStatus: .active)
    }

    @Test func keepsWhatWasReadUntilInvalidated() throws {
        let cache = WebhookEndpointCache()
        #expect(cache.target("wh_1") == nil)
        cache.keep("wh_1", try Self.target(), ticket: cache.ticket())
        #expect(cache.target("wh_1")?.endpoint.url == "https://hooks.example/a")
        cache.invalidate("wh_1")
        #expect(cache.target("wh_1") == nil)
        cache.keep("wh_1", try Self.target(), ticket: cache.ticket())
        cache.invalidateAll()
        #expect(cache.target("wh_1") == nil)
    }

    @Test func aReadThatRacedAnInvalidationIsNotKept() throws {
        let cache = WebhookEndpointCache()
        let ticket = cache.ticket()
        // A commit changed something while the store was read: what was read may be the old state.
        cache.invalidateAll()
        cache.keep("wh_1", try Self.target(), ticket: ticket)
        #expect(cache.target("wh_1") == nil)
    }

    @Test func entriesExpire() async throws {
        let cache = WebhookEndpointCache(timeToLive: .milliseconds(50))
        cache.keep("wh_1", try Self.target(), ticket: cache.ticket())
        #expect(cache.target("wh_1") != nil)
        try await Task.sleep(for: .milliseconds(80))
        #expect(cache.target("wh_1") == nil)
    }

    @Test func aFullCacheStartsAgain() throws {
        let cache = WebhookEndpointCache(capacity: 2)
        for id in ["a", "b", "c"] { cache.keep(id, try Self.target(), ticket: cache.ticket()) }
        #expect(cache.target("a") == nil && cache.target("b") == nil && cache.target("c") != nil)
    }
}

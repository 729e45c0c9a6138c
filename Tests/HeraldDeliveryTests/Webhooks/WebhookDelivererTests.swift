import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStorage
import Synchronization
import Testing

/// The deliverer against a real HTTP receiver on loopback and the real SQLite store.
@Suite("webhook deliverer", .serialized)
struct WebhookDelivererTests {
    @Test("a delivery is signed over the exact body and verifies; custom headers and user agent are sent")
    func signedDelivery() async throws {
        let fixture = try DeliveryFixture()
        let receiver = try await TestReceiver.start(status: 204)
        defer { Task { await receiver.stop() } }
        let (organization, actor) = try await fixture.organization()
        let (endpoint, secret) = try await fixture.endpoint(
            organization.id, actor, url: receiver.url, headers: ["X-Tenant": "acme"])
        let eventIds = try await fixture.events(organization.id)
        let lease = try await fixture.claim()

        let outcome = await fixture.deliverer().handle(lease)

        #expect(outcome.isSuccess)
        #expect(outcome.attempt?.statusCode == 204)
        let request = try #require(receiver.received.first)
        #expect(receiver.count == 1)
        #expect(request.method == "POST" && request.path == "/hooks")
        #expect(request.body == lease.job.payload, "the stored bytes, not a re-encoding")
        #expect(request.headers["webhook-id"] == eventIds.first)
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.headers["user-agent"] == "Herald-Webhooks/\(HeraldVersion.string)")
        #expect(request.headers["x-tenant"] == "acme")
        #expect(request.headers["webhook-signature"]?.hasPrefix("v1,") == true)
        try verify(request, secret: secret, now: Date())
        #expect(lease.job.destination == endpoint.id)
        await fixture.clients.shutdown()
    }

    @Test("a retry sends the same bytes and id with its own, later timestamp; both verify")
    func retrySameBytesNewTimestamp() async throws {
        let fixture = try DeliveryFixture()
        let receiver = try await TestReceiver.start { _, number in .respond(status: number == 1 ? 500 : 200, body: "oops") }
        defer { Task { await receiver.stop() } }
        let (organization, actor) = try await fixture.organization()
        let (_, secret) = try await fixture.endpoint(organization.id, actor, url: receiver.url)
        try await fixture.events(organization.id)
        let deliverer = fixture.deliverer()

        let first = try await fixture.claim()
        let failed = await deliverer.handle(first)
        let attempt = try #require(failed.attempt)
        #expect(failed.retryAfter == .some(nil))
        #expect(attempt.statusCode == 500 && attempt.outcome == .failure)
        #expect(attempt.error?.hasPrefix("HTTP 500") == true)
        #expect(attempt.responseExcerpt == "oops")
        #expect(try await fixture.jobs.retry(first, at: fixture.clock.now, attempt: attempt))

        fixture.clock.advance(by: 30)
        let second = try await fixture.claim()
        #expect(second.attempt == 2)
        #expect(await deliverer.handle(second).isSuccess)

        let requests = receiver.received
        #expect(requests.count == 2)
        #expect(requests[0].body == requests[1].body)
        #expect(requests[0].headers["webhook-id"] == requests[1].headers["webhook-id"])
        let t1 = try #require(requests[0].headers["webhook-timestamp"].flatMap { Int($0) })
        let t2 = try #require(requests[1].headers["webhook-timestamp"].flatMap { Int($0) })
        #expect(t2 - t1 >= 29)
        try verify(requests[0], secret: secret, now: Date(timeIntervalSince1970: TimeInterval(t1)))
        try verify(requests[1], secret: secret, now: Date(timeIntervalSince1970: TimeInterval(t2)))
        await fixture.clients.shutdown()
    }

    @Test("410 Gone ends the delivery and disables the endpoint")
    func goneDisables() async throws {
        let fixture = try DeliveryFixture()
        let receiver = try await TestReceiver.start(status: 410)
        defer { Task { await receiver.stop() } }
        let (organization, actor) = try await fixture.organization()
        let (endpoint, _) = try await fixture.endpoint(organization.id, actor, url: receiver.url)
        try await fixture.events(organization.id)

        let outcome = await fixture.deliverer().handle(try await fixture.claim())

        #expect(outcome.deadReason == "410 Gone")
        #expect(outcome.attempt?.statusCode == 410 && outcome.attempt?.outcome == .dead)
        let stored = try #require(try await fixture.store.endpointForDelivery(id: endpoint.id))
        #expect(!stored.enabled)
        #expect(stored.disabledReason == "410 Gone")
        await fixture.clients.shutdown()
    }

    @Test("429 and 503 with Retry-After (seconds or HTTP date) retry no earlier than asked")
    func retryAfterHonoured() async throws {
        let fixture = try DeliveryFixture()
        let date = Date().addingTimeInterval(300)
        let receiver = try await TestReceiver.start { _, number in
            number == 1
                ? .respond(status: 429, headers: [("Retry-After", "120")])
                : .respond(status: 503, headers: [("Retry-After", Self.httpDate(date))])
        }
        defer { Task { await receiver.stop() } }
        let (organization, actor) = try await fixture.organization()
        _ = try await fixture.endpoint(organization.id, actor, url: receiver.url)
        try await fixture.events(organization.id)
        let deliverer = fixture.deliverer()

        let first = try await fixture.claim()
        let tooMany = await deliverer.handle(first)
        #expect(tooMany.retryAfter == .some(.seconds(120)))
        #expect(tooMany.attempt?.statusCode == 429)
        #expect(tooMany.attempt?.error?.contains("Retry-After 120 s") == true)
        // The webhook policy keeps the peer's wait (within its cap), longer than the 5 s of the schedule.
        let delay = try #require(RetryPolicy.webhook.delay(afterAttempt: 1, retryAfter: .seconds(120)))
        #expect(delay == .seconds(120))
        _ = try await fixture.jobs.retry(first, at: fixture.clock.now, attempt: try #require(tooMany.attempt))

        let unavailable = await deliverer.handle(try await fixture.claim())
        let after = try #require(unavailable.retryAfter ?? nil)
        #expect(abs(after.inSeconds - 300) < 3, "\(after)")
        await fixture.clients.shutdown()
    }

    @Test("an endpoint that never answers times out as a failed attempt, retried")
    func timeoutRetries() async throws {
        let fixture = try DeliveryFixture()
        let receiver = try await TestReceiver.start { _, _ in .hang }
        defer { Task { await receiver.stop() } }
        let (organization, actor) = try await fixture.organization()
        _ = try await fixture.endpoint(organization.id, actor, url: receiver.url)
        try await fixture.events(organization.id)

        let start = ContinuousClock.now
        let outcome = await fixture.deliverer(configuration: DeliveryFixture.configuration(requestTimeout: 0.5))
            .handle(try await fixture.claim())
        let elapsed = ContinuousClock.now - start

        #expect(outcome.retryAfter == .some(nil))
        let attempt = try #require(outcome.attempt)
        #expect(attempt.outcome == .timeout)
        #expect(attempt.statusCode == nil)
        #expect(attempt.error?.contains("timed out") == true, "\(attempt.error ?? "")")
        #expect(elapsed < .seconds(4), "\(elapsed)")
        #expect(receiver.count == 1, "the request arrived; the answer never came")
        await fixture.clients.shutdown()
    }

    @Test("a 302 is not followed: a failed attempt naming the redirect")
    func redirectNotFollowed() async throws {
        let fixture = try DeliveryFixture()
        let receiver = try await TestReceiver.start { request, _ in
            .respond(status: 302, headers: [("Location", "/elsewhere")])
        }
        defer { Task { await receiver.stop() } }
        let (organization, actor) = try await fixture.organization()
        _ = try await fixture.endpoint(organization.id, actor, url: receiver.url)
        try await fixture.events(organization.id)

        let outcome = await fixture.deliverer().handle(try await fixture.claim())

        #expect(outcome.retryAfter == .some(nil))
        #expect(outcome.attempt?.statusCode == 302)
        #expect(outcome.attempt?.error?.contains("redirect to /elsewhere not followed") == true)
        #expect(receiver.received.map(\.path) == ["/hooks"])
        await fixture.clients.shutdown()
    }

    @Test("without an allow-list, loopback is refused before any request, as a failed attempt with the guard's message")
    func ssrfRefusal() async throws {
        let fixture = try DeliveryFixture()
        let receiver = try await TestReceiver.start(status: 200)
        defer { Task { await receiver.stop() } }
        let (organization, actor) = try await fixture.organization()
        _ = try await fixture.endpoint(organization.id, actor, url: receiver.url)
        try await fixture.events(organization.id)

        let outcome = await fixture.deliverer(allowList: []).handle(try await fixture.claim())

        #expect(outcome.retryAfter == .some(nil), "retried per schedule")
        let attempt = try #require(outcome.attempt)
        #expect(attempt.outcome == .failure && attempt.statusCode == nil)
        let error = attempt.error ?? ""
        #expect(error.hasPrefix("outbound URL refused: address 127.0.0.1"), "\(error)")
        #expect(error.contains("loopback"), "\(error)")
        #expect(receiver.count == 0)
        await fixture.clients.shutdown()
    }

    @Test("a suspended organization's delivery is held without a request, then goes out after activation")
    func suspendedOrganizationHeld() async throws {
        let fixture = try DeliveryFixture()
        let receiver = try await TestReceiver.start(status: 200)
        defer { Task { await receiver.stop() } }
        let (organization, actor) = try await fixture.organization()
        _ = try await fixture.endpoint(organization.id, actor, url: receiver.url)
        try await fixture.events(organization.id)
        let (platform, _) = try await platformOwner(fixture)
        let deliverer = fixture.deliverer()
        // Claimed just before the suspension: the deliverer holds it.
        let lease = try await fixture.claim()
        _ = try await fixture.store.transitionOrganization(
            id: organization.id, .suspend, tierId: nil, reason: nil, actor: platform)

        let outcome = await deliverer.handle(lease)
        let until = try #require(outcome.postponedUntil)
        #expect(until.timeIntervalSince(fixture.clock.now) > 50)
        #expect(receiver.count == 0)
        #expect(try await fixture.jobs.postpone(lease, until: until))
        #expect(try await fixture.jobs.job(id: lease.job.id)?.attempts == 0, "a hold is not an attempt")
        // While the organization is suspended the queue does not claim its jobs at all.
        let held = try await fixture.jobs.claim(
            limit: 1, owner: "test", leaseDuration: .seconds(60), now: fixture.clock.now.addingTimeInterval(61))
        #expect(held.isEmpty)

        _ = try await fixture.store.transitionOrganization(
            id: organization.id, .activate, tierId: nil, reason: nil, actor: platform)
        #expect(await deliverer.handle(try await fixture.claim(ahead: 61)).isSuccess)
        #expect(receiver.count == 1)
        await fixture.clients.shutdown()
    }

    @Test("a disabled or deleted endpoint ends its deliveries without a request")
    func disabledAndDeletedEndpoints() async throws {
        let fixture = try DeliveryFixture()
        let receiver = try await TestReceiver.start(status: 200)
        defer { Task { await receiver.stop() } }
        let (organization, actor) = try await fixture.organization()
        let (endpoint, _) = try await fixture.endpoint(organization.id, actor, url: receiver.url)
        try await fixture.events(organization.id, count: 2)
        let deliverer = fixture.deliverer()

        _ = try await fixture.store.updateEndpoint(
            orgId: organization.id, id: endpoint.id, WebhookEndpointPatch(enabled: false), actor: actor)
        let disabled = await deliverer.handle(try await fixture.claim())
        #expect(disabled.deadReason == "endpoint disabled")
        #expect(disabled.attempt?.error == "endpoint disabled")

        let lease = try await fixture.claim()
        // Deleting cancels pending deliveries; one already leased still finds its endpoint gone.
        try await fixture.store.deleteEndpoint(orgId: organization.id, id: endpoint.id, actor: actor)
        #expect(await deliverer.handle(lease).deadReason == "endpoint deleted")
        #expect(receiver.count == 0)
        await fixture.clients.shutdown()
    }

    @Test("failures for longer than the auto-disable window disable the endpoint and end the delivery")
    func autoDisable() async throws {
        let fixture = try DeliveryFixture()
        let receiver = try await TestReceiver.start(status: 500)
        defer { Task { await receiver.stop() } }
        let (organization, actor) = try await fixture.organization()
        let (endpoint, _) = try await fixture.endpoint(organization.id, actor, url: receiver.url)
        try await fixture.events(organization.id)
        let deliverer = fixture.deliverer(configuration: DeliveryFixture.configuration(autoDisableAfter: 3600))

        let first = try await fixture.claim()
        let failed = await deliverer.handle(first)
        #expect(failed.retryAfter == .some(nil))
        _ = try await fixture.jobs.retry(first, at: fixture.clock.now, attempt: try #require(failed.attempt))
        #expect(try await fixture.store.endpointForDelivery(id: endpoint.id)?.failingSince != nil)

        fixture.clock.advance(by: 3601)
        let outcome = await deliverer.handle(try await fixture.claim())
        #expect(outcome.deadReason?.hasPrefix("endpoint disabled: every attempt failed for 1 hour") == true)
        let stored = try #require(try await fixture.store.endpointForDelivery(id: endpoint.id))
        #expect(!stored.enabled)
        #expect(stored.disabledReason?.contains("HTTP 500") == true)
        await fixture.clients.shutdown()
    }

    @Test("a host name is re-vetted on every attempt and the client follows the vetted address")
    func pinnedClientFollowsVetting() async throws {
        let fixture = try DeliveryFixture()
        let first = try await TestReceiver.start(status: 200)
        defer { Task { await first.stop() } }
        let second = try await TestReceiver.start(host: "127.0.0.2", port: first.port, status: 200)
        defer { Task { await second.stop() } }
        let answer = Mutex("127.0.0.1")
        let resolver = OutboundResolver { host in
            guard host == "hooks.invalid" else { return [] }
            return [answer.withLock { $0 }]
        }
        let (organization, actor) = try await fixture.organization()
        _ = try await fixture.endpoint(organization.id, actor, url: "http://hooks.invalid:\(first.port)/hooks")
        try await fixture.events(organization.id, count: 2)
        let deliverer = fixture.deliverer(resolver: resolver)

        #expect(await deliverer.handle(try await fixture.claim()).isSuccess)
        #expect(first.count == 1 && second.count == 0)
        #expect(first.received.first?.headers["host"] == "hooks.invalid:\(first.port)")
        #expect(await fixture.clients.pinnedCount == 1)

        answer.withLock { $0 = "127.0.0.2" }
        #expect(await deliverer.handle(try await fixture.claim()).isSuccess)
        #expect(first.count == 1 && second.count == 1)
        #expect(await fixture.clients.pinnedCount == 1, "the old pin was retired")

        answer.withLock { $0 = "10.1.2.3" }
        try await fixture.events(organization.id)
        let refused = await deliverer.handle(try await fixture.claim())
        #expect(refused.attempt?.error?.contains("10.1.2.3 (resolved from hooks.invalid) is in the private range") == true)
        await fixture.clients.shutdown()
    }

    static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    func platformOwner(_ fixture: DeliveryFixture) async throws -> (Actor, User) {
        let user = try await fixture.store.ensureUser(email: "root@example.com", actor: .system)
        let promoted = try await fixture.store.promotePlatformOwner(userId: user.id, actor: .system)
        return (Actor(userId: promoted.id, email: promoted.email, ipAddress: nil, userAgent: nil), promoted)
    }
}

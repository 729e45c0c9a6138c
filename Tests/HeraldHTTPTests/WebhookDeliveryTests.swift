import Foundation
import HeraldCore
import Hummingbird
import Testing

@Suite struct WebhookDeliveryTests {
    static let deliveryFields: Set<String> = ["id", "event_id", "event_type", "status", "attempts", "next_attempt_at"]

    @Test func fanOutDeliveriesResendAndReplay() async throws {
        let fixture = try await WebhookFixture()
        try await fixture.api.run { client in
            try await fixture.seed(client)
            let base = "/api/organizations/acme/webhooks"
            let endpoint = try await fixture.createEndpoint(
                client, json: #"{"url":"https://hooks.example.com/members","event_types":["member.*"]}"#)
            let id = try #require(endpoint["id"] as? String)
            // globex's events never reach acme's endpoint.
            _ = try await fixture.createEndpoint(client, slug: "globex", key: fixture.outsiderKey)
            try #require(try await client.call(.post, "/api/organizations/acme/members", key: fixture.adminKey,
                                               json: #"{"email":"late@acme.example","role":"member"}"#).status == 201)
            #expect(try await fixture.api.store.fanOut(batchSize: 1000).jobsEnqueued > 0)

            // The admin and member added before the endpoint existed, and the late one: three member.added.
            let listed = try await client.call(.get, "\(base)/\(id)/deliveries", key: fixture.adminKey)
            #expect(listed.status == 200)
            #expect(listed.json["total"] as? Int == 3)
            #expect(listed.json["page"] as? Int == 1)
            #expect(listed.json["limit"] as? Int == 20)
            let deliveries = try #require(listed.json["deliveries"] as? [[String: Any]])
            #expect(deliveries.count == 3)
            for delivery in deliveries {
                #expect(Set(delivery.keys) == Self.deliveryFields)
                #expect(delivery["event_type"] as? String == "member.added")
                #expect(delivery["status"] as? String == "pending")
                #expect((delivery["attempts"] as? [Any])?.isEmpty == true)
                #expect(delivery["next_attempt_at"] as? String != nil)
            }
            let eventIds = Set(deliveries.compactMap { $0["event_id"] as? String })
            #expect(eventIds.count == 3)

            // Filters and pagination.
            let page = try await client.call(.get, "\(base)/\(id)/deliveries?limit=2&page=2", key: fixture.ownerKey)
            #expect((page.json["deliveries"] as? [Any])?.count == 1)
            #expect(page.json["total"] as? Int == 3)
            #expect(try await client.call(.get, "\(base)/\(id)/deliveries?status=succeeded", key: fixture.ownerKey)
                .json["total"] as? Int == 0)
            #expect(try await client.call(.get, "\(base)/\(id)/deliveries?status=pending", key: fixture.ownerKey)
                .json["total"] as? Int == 3)
            for query in ["status=done", "limit=0", "limit=101", "page=0", "limit=x"] {
                let response = try await client.call(.get, "\(base)/\(id)/deliveries?\(query)", key: fixture.ownerKey)
                #expect(response.status == 400, "\(query)")
                #expect(response.errorField == String(query.prefix { $0 != "=" }), "\(query)")
            }
            #expect(try await client.call(.get, "\(base)/\(id)/deliveries", key: fixture.memberKey).status == 403)
            #expect(try await client.call(.get, "\(base)/nope/deliveries", key: fixture.ownerKey).status == 404)

            // Resend: a new delivery of the same event.
            let first = try #require(deliveries.first)
            let deliveryId = try #require(first["id"] as? String)
            let wakesBefore = fixture.api.wakes.value
            let resent = try await client.call(.post, "\(base)/\(id)/deliveries/\(deliveryId)/resend", key: fixture.adminKey)
            #expect(resent.status == 202)
            #expect(Set(resent.json.keys) == Self.deliveryFields)
            #expect(resent.json["id"] as? String != deliveryId)
            #expect(resent.json["event_id"] as? String == first["event_id"] as? String)
            #expect(resent.json["status"] as? String == "pending")
            #expect(fixture.api.wakes.value == wakesBefore + 1)
            #expect(try await client.call(.post, "\(base)/\(id)/deliveries/\(deliveryId)/resend",
                                         key: fixture.memberKey).status == 403)
            for missing in ["999999", "abc", "-1"] {
                #expect(try await client.call(.post, "\(base)/\(id)/deliveries/\(missing)/resend",
                                             key: fixture.ownerKey).status == 404, "\(missing)")
            }

            // Replay: every matching event since the time given.
            let replayed = try await client.call(.post, "\(base)/\(id)/replay", key: fixture.ownerKey,
                                                 json: #"{"since":"2000-01-01T00:00:00Z"}"#)
            #expect(replayed.status == 202)
            #expect(replayed.json as NSDictionary == ["enqueued": 3] as NSDictionary)
            let future = try await client.call(.post, "\(base)/\(id)/replay", key: fixture.ownerKey,
                                               json: #"{"since":"2999-01-01T00:00:00Z"}"#)
            #expect(future.json["enqueued"] as? Int == 0)
            for body in [#"{"since":"yesterday"}"#, #"{}"#, #"{"since":5}"#] {
                let response = try await client.call(.post, "\(base)/\(id)/replay", key: fixture.ownerKey, json: body)
                #expect(response.status == 400, "\(body)")
                #expect(response.errorField == "since", "\(body)")
            }
            #expect(try await client.call(.post, "\(base)/\(id)/replay", key: fixture.memberKey,
                                         json: #"{"since":"2000-01-01T00:00:00Z"}"#).status == 403)
            #expect(try await client.call(.get, "\(base)/\(id)/deliveries", key: fixture.ownerKey).json["total"] as? Int == 7)
        }
    }

    @Test func testPingWithoutADelivererAnswersFalseAfterTheTimeout() async throws {
        let fixture = try await WebhookFixture { $0.webhooks.requestTimeoutSeconds = 0.05 }
        try await fixture.api.run { client in
            try await fixture.seed(client)
            let base = "/api/organizations/acme/webhooks"
            let id = try #require(try await fixture.createEndpoint(client)["id"] as? String)
            #expect(try await client.call(.post, "\(base)/\(id)/test", key: fixture.memberKey).status == 403)
            #expect(try await client.call(.post, "\(base)/nope/test", key: fixture.ownerKey).status == 404)

            let started = ContinuousClock.now
            let response = try await client.call(.post, "\(base)/\(id)/test", key: fixture.adminKey)
            let waited = ContinuousClock.now - started
            #expect(response.status == 200)
            #expect(Set(response.json.keys) == ["success", "job_id", "delivery_id"])
            #expect(response.json["success"] as? Bool == false)
            let jobId = try #require(response.json["job_id"] as? String)
            #expect(response.json["delivery_id"] as? String == jobId)
            #expect(waited >= .seconds(5) && waited < .seconds(30), "\(waited)")
            #expect(fixture.api.wakes.value >= 1)

            // The ping is a delivery of that endpoint only, still queued; it is not an event.
            let deliveries = try await client.call(.get, "\(base)/\(id)/deliveries", key: fixture.ownerKey)
            let ping = try #require((deliveries.json["deliveries"] as? [[String: Any]])?.first)
            #expect(ping["id"] as? String == jobId)
            #expect(ping["event_type"] as? String == "webhook.test")
            #expect(ping["status"] as? String == "pending")
            let numericId = try #require(Int64(jobId))
            let job = try #require(try await fixture.api.jobs.job(id: numericId))
            #expect(job.kind == .webhookDelivery)
            let audit = try await client.call(.get, "/api/organizations/acme/audit-logs?action=webhook.test", key: fixture.ownerKey)
            #expect(audit.array.isEmpty)
        }
    }
}

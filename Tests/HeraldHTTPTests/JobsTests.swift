import Foundation
import HeraldCore
import Hummingbird
import Testing

@Suite struct JobsTests {
    static let jobFields: Set<String> = [
        "id", "kind", "org_id", "destination", "state", "attempts", "max_attempts", "run_at", "last_error",
        "created_at", "updated_at", "finished_at",
    ]

    @Test func listFiltersAndRetryOfADeadJob() async throws {
        let fixture = try await WebhookFixture()
        let api = fixture.api
        try await api.run { client in
            try await fixture.seed(client)
            let orgId = try #require(
                try await client.call(.get, "/api/organizations/acme", key: fixture.ownerKey).json["id"] as? String)
            let endpointId = try #require(try await fixture.createEndpoint(
                client, json: #"{"url":"https://hooks.example.com/j","event_types":["member.added"]}"#)["id"] as? String)
            #expect(try await api.store.fanOut(batchSize: 1000).jobsEnqueued == 2)

            // One delivery fails for good.
            let lease = try #require(
                try await api.jobs.claim(limit: 1, owner: "test", leaseDuration: .seconds(60), now: Date()).first)
            #expect(try await api.jobs.dead(
                lease, attempt: JobAttempt(lease, startedAt: Date(), outcome: .dead, statusCode: 500, error: "HTTP 500",
                                           responseExcerpt: "oops"),
                reason: "HTTP 500"))

            let all = try await client.call(.get, "/api/platform/jobs", key: api.ownerKey)
            #expect(all.status == 200)
            #expect(all.json["total"] as? Int == 2)
            #expect(all.json["page"] as? Int == 1)
            #expect(all.json["limit"] as? Int == 20)
            let dead = try await client.call(.get, "/api/platform/jobs?state=dead", key: api.ownerKey)
            #expect(dead.json["total"] as? Int == 1)
            let job = try #require((dead.json["jobs"] as? [[String: Any]])?.first)
            #expect(Set(job.keys) == Self.jobFields)
            #expect(job["id"] as? String == String(lease.job.id))
            #expect(job["kind"] as? String == "webhook.delivery")
            #expect(job["org_id"] as? String == orgId)
            #expect(job["destination"] as? String == endpointId)
            #expect(job["state"] as? String == "dead")
            #expect(job["attempts"] as? Int == 1)
            #expect(job["last_error"] as? String == "HTTP 500")
            #expect(job["finished_at"] as? String != nil)
            #expect(try await client.call(.get, "/api/platform/jobs?kind=webhook.delivery&org_id=\(orgId)",
                                         key: api.ownerKey).json["total"] as? Int == 2)
            #expect(try await client.call(.get, "/api/platform/jobs?kind=mail.send", key: api.ownerKey)
                .json["total"] as? Int == 0)
            #expect(try await client.call(.get, "/api/platform/jobs?org_id=other", key: api.ownerKey)
                .json["total"] as? Int == 0)
            #expect(try await client.call(.get, "/api/platform/jobs?state=available&limit=1", key: api.ownerKey)
                .json["total"] as? Int == 1)
            for query in ["state=zombie", "limit=0", "limit=101", "page=0"] {
                let response = try await client.call(.get, "/api/platform/jobs?\(query)", key: api.ownerKey)
                #expect(response.status == 400, "\(query)")
                #expect(response.errorField == String(query.prefix { $0 != "=" }), "\(query)")
            }

            // The failed attempt shows in the endpoint's delivery log.
            let deliveries = try await client.call(
                .get, "/api/organizations/acme/webhooks/\(endpointId)/deliveries?status=dead", key: fixture.ownerKey)
            let delivery = try #require((deliveries.json["deliveries"] as? [[String: Any]])?.first)
            let attempt = try #require((delivery["attempts"] as? [[String: Any]])?.first)
            #expect(Set(attempt.keys) == ["at", "status_code", "duration_ms", "error", "response_excerpt"])
            #expect(attempt["status_code"] as? Int == 500)
            #expect(attempt["error"] as? String == "HTTP 500")
            #expect(attempt["response_excerpt"] as? String == "oops")

            // Platform owners only.
            #expect(try await client.call(.get, "/api/platform/jobs", key: fixture.ownerKey).status == 403)
            #expect(try await client.call(.post, "/api/platform/jobs/\(lease.job.id)/retry",
                                         key: fixture.ownerKey).status == 403)

            // Retry: dead jobs only.
            let wakesBefore = api.wakes.value
            let retried = try await client.call(.post, "/api/platform/jobs/\(lease.job.id)/retry", key: api.ownerKey)
            #expect(retried.status == 200)
            #expect(Set(retried.json.keys) == Self.jobFields)
            #expect(retried.json["state"] as? String == "available")
            #expect(api.wakes.value == wakesBefore + 1)
            let again = try await client.call(.post, "/api/platform/jobs/\(lease.job.id)/retry", key: api.ownerKey)
            #expect(again.status == 400)
            #expect(again.errorCode == "invalid_state")
            for missing in ["999999", "abc", "0"] {
                #expect(try await client.call(.post, "/api/platform/jobs/\(missing)/retry", key: api.ownerKey).status == 404)
            }
            #expect(try await client.call(.get, "/api/platform/jobs?state=dead", key: api.ownerKey)
                .json["total"] as? Int == 0)
        }
    }
}

import Foundation
import HeraldCore
import Testing

@testable import herald

@Suite("webhooks configuration")
struct WebhooksConfigurationTests {
    @Test func everyWebhooksKeyFromTheFile() async throws {
        let (configuration, problems) = try await evaluate(yaml: 
            """
            webhooks:
              retry_schedule_seconds: [1, 2.5, 60]
              retry_jitter: 0
              request_timeout_seconds: 30
              connect_timeout_seconds: 2.5
              auto_disable_after_seconds: 3600
              rotation_grace_seconds: 0
              concurrency_per_endpoint: 2
              workers: 8
            outbound:
              allowlist: [127.0.0.0/8]
            """)
        #expect(problems.isEmpty, "\(problems)")
        let webhooks = configuration.webhooks
        #expect(webhooks.retryScheduleSeconds == [1, 2.5, 60])
        #expect(webhooks.retryJitter == 0)
        #expect(webhooks.requestTimeoutSeconds == 30)
        #expect(webhooks.connectTimeoutSeconds == 2.5)
        #expect(webhooks.autoDisableAfterSeconds == 3600)
        #expect(webhooks.rotationGraceSeconds == 0)
        #expect(webhooks.concurrencyPerEndpoint == 2)
        #expect(webhooks.workers == 8)
        #expect(configuration.outboundAllowlist == ["127.0.0.0/8"])
    }

    @Test func environmentTwins() async throws {
        let (configuration, problems) = try await evaluate(yaml: 
            "log:\n  level: info\n", environment: [
                "HERALD_WEBHOOKS_RETRY_SCHEDULE_SECONDS": "0.1,0.2", "HERALD_WEBHOOKS_WORKERS": "3",
                "HERALD_OUTBOUND_ALLOWLIST": "127.0.0.0/8,::1/128",
            ])
        #expect(problems.isEmpty, "\(problems)")
        #expect(configuration.webhooks.retryScheduleSeconds == [0.1, 0.2])
        #expect(configuration.webhooks.workers == 3)
        #expect(configuration.outboundAllowlist == ["127.0.0.0/8", "::1/128"])
    }

    @Test func badValuesAreProblemsAndKeepTheDefaults() async throws {
        let (configuration, problems) = try await evaluate(yaml: 
            """
            webhooks:
              retry_schedule_seconds: [5, soon, -1]
              retry_jitter: 1.5
              request_timeout_seconds: 0
              connect_timeout_seconds: 20
              auto_disable_after_seconds: never
              rotation_grace_seconds: -1
              concurrency_per_endpoint: 0
              workers: many
            """)
        #expect(problems.map(\.key) == [
            "webhooks.retry_schedule_seconds", "webhooks.retry_schedule_seconds", "webhooks.retry_jitter",
            "webhooks.request_timeout_seconds", "webhooks.connect_timeout_seconds",
            "webhooks.auto_disable_after_seconds", "webhooks.rotation_grace_seconds",
            "webhooks.concurrency_per_endpoint", "webhooks.workers",
        ], "\(problems)")
        #expect(problems.map(\.description).contains { $0.contains("\"soon\" must be a number of seconds") })
        #expect(configuration.webhooks.retryScheduleSeconds == WebhooksConfiguration().retryScheduleSeconds)
        #expect(configuration.webhooks.workers == 64 && configuration.webhooks.concurrencyPerEndpoint == 4)
    }
}

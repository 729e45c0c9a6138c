import Foundation
import HeraldCore
import Testing

@testable import herald

@Suite("retention configuration")
struct RetentionConfigurationTests {
    @Test func defaultsKeepAWeekOfJobsAndAYearOfEvents() {
        let retention = HeraldConfiguration().retention
        #expect(retention.finishedJobsSeconds == 604_800)
        #expect(retention.eventsSeconds == 31_536_000)
        #expect(retention.intervalSeconds == 3600)
    }

    @Test func fileAndEnvironment() async throws {
        let (configuration, problems) = try await evaluate(yaml: 
            """
            retention:
              finished_jobs_seconds: 86400
              events_seconds: 0
              interval_seconds: 600
            """, environment: ["HERALD_RETENTION_INTERVAL_SECONDS": "60"])
        #expect(problems.isEmpty, "\(problems)")
        #expect(configuration.retention.finishedJobsSeconds == 86_400)
        #expect(configuration.retention.eventsSeconds == 0)
        #expect(configuration.retention.intervalSeconds == 60, "the environment wins over the file")
    }

    @Test func badValuesAreProblemsNamingTheirKey() async throws {
        let (configuration, problems) = try await evaluate(yaml: 
            """
            retention:
              finished_jobs_seconds: -1
              events_seconds: soon
              interval_seconds: 0
            """)
        #expect(Set(problems.map(\.key)) == [
            "retention.finished_jobs_seconds", "retention.events_seconds", "retention.interval_seconds",
        ])
        #expect(configuration.retention == RetentionConfiguration(), "bad values keep the defaults")
    }
}

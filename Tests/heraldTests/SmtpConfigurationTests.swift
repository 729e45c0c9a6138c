import Foundation
import HeraldCore
import Testing

@testable import herald

@Suite("smtp configuration")
struct SmtpConfigurationTests {
    @Test func concurrencyKeysFromTheFileAndTheEnvironment() async throws {
        let (configuration, problems) = try await evaluate(yaml:
            """
            smtp:
              workers: 12
              connections_per_server: 3
              connect_timeout_seconds: 2.5
            """)
        #expect(problems.isEmpty, "\(problems)")
        #expect(configuration.smtp.workers == 12)
        #expect(configuration.smtp.connectionsPerServer == 3)
        #expect(configuration.smtp.connectTimeoutSeconds == 2.5)

        let (fromEnvironment, envProblems) = try await evaluate(
            yaml: "log:\n  level: info\n",
            environment: ["HERALD_SMTP_WORKERS": "5", "HERALD_SMTP_CONNECTIONS_PER_SERVER": "2"])
        #expect(envProblems.isEmpty, "\(envProblems)")
        #expect(fromEnvironment.smtp.workers == 5)
        #expect(fromEnvironment.smtp.connectionsPerServer == 2)
    }

    @Test func badConcurrencyValuesAreProblemsAndKeepTheDefaults() async throws {
        let (configuration, problems) = try await evaluate(yaml:
            """
            smtp:
              workers: 0
              connections_per_server: lots
            """)
        #expect(problems.map(\.key) == ["smtp.workers", "smtp.connections_per_server"], "\(problems)")
        #expect(configuration.smtp.workers == 64)
        #expect(configuration.smtp.connectionsPerServer == 20)
    }
}

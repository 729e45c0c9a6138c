import ArgumentParser
import Foundation

/// `herald check-config`: validates a configuration and prints every problem with its key.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config", abstract: "Validate the configuration; print every problem with its key.")

    @Option(name: .long, help: "The YAML configuration file.")
    var config: String?

    func run() async throws {
        let problems = await ConfigurationLoader.problems(configFile: config)
        guard !problems.isEmpty else {
            print("configuration OK")
            return
        }
        for problem in problems { print(problem.description) }
        throw ExitCode.failure
    }
}

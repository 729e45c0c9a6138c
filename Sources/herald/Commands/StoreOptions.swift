import ArgumentParser
import HeraldCore

/// `--config` and `--state-dir`, shared by every command that opens the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The YAML configuration file.")
    var config: String?

    @Option(name: .customLong("state-dir"), help: "The state directory (default $STATE_DIRECTORY or ./var).")
    var stateDir: String?

    /// The configuration with these options (and `extra` CLI overrides) applied.
    func loadConfiguration(extra: [String: String] = [:]) async throws -> HeraldConfiguration {
        var overrides = extra
        if let stateDir { overrides["state_dir"] = stateDir }
        do {
            return try await ConfigurationLoader.load(configFile: config, overrides: overrides)
        } catch let problems as ConfigurationProblems {
            throw ValidationError(problems.description)
        }
    }
}

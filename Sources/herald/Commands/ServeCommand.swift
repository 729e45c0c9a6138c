import ArgumentParser

/// `herald serve`: runs the daemon until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the daemon.")

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("public-address"), help: "HOST:PORT of the public listener (port 0 = any free port).")
    var publicAddress: String?

    @Option(name: .customLong("admin-address"), help: "HOST:PORT of the admin listener (port 0 = any free port).")
    var adminAddress: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    @Option(name: .customLong("log-format"), help: "text or json.")
    var logFormat: String?

    func run() async throws {
        var overrides: [String: String] = [:]
        overrides["public.address"] = publicAddress
        overrides["admin.address"] = adminAddress
        overrides["log.level"] = logLevel
        overrides["log.format"] = logFormat
        let configuration = try await store.loadConfiguration(extra: overrides)
        try await Daemon(configuration: configuration, configFile: store.config, overrides: overrides).run()
    }
}

import ArgumentParser

/// `herald migrate`: brings the database schema up to date and exits.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply database migrations.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let configuration = try await store.loadConfiguration()
        let state = try StateDirectory(path: configuration.stateDirectory)
        let database = try state.openDatabase(synchronous: configuration.databaseSynchronous)
        try database.migrate()
        printError("migrated \(state.databasePath)")
    }
}

import ArgumentParser
import Foundation

/// `herald backup FILE`: an online, consistent copy of the database (safe while the daemon runs).
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup", abstract: "Write an online SQLite backup.")

    @Argument(help: "The backup file to write (must not exist).")
    var file: String

    @OptionGroup var store: StoreOptions

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: file) else {
            throw ValidationError("\(file) exists already; choose a new file")
        }
        let configuration = try await store.loadConfiguration()
        let state = try StateDirectory(path: configuration.stateDirectory)
        let database = try state.openDatabase(synchronous: configuration.databaseSynchronous)
        try database.migrate()
        try database.backup(to: file)
        printError("backed up \(state.databasePath) to \(file)")
    }
}

/// Writes a line to standard error (notes; standard output is kept for values scripts capture).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

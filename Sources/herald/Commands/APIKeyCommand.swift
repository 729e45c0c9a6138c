import ArgumentParser
import HeraldCore
import HeraldStorage

/// `herald apikey create|list|revoke`: API keys, managed on the host.
struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey", abstract: "Create, list and revoke API keys.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key (and its user when new); prints the key alone on stdout.")

        @Option(help: "The user's email address.") var email: String
        @Flag(name: .customLong("platform-owner"), help: "Make the user a platform owner.") var platformOwner = false
        @Flag(help: "Mark the user as a service (the SSO core's ingest identity).") var service = false
        @Option(help: "A name for the key.") var name: String = "cli"
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let email = try Validation.email(self.email)
            try Validation.name(name)
            let sqlite = try await openStore(store)
            var user = try await sqlite.ensureUser(email: email, actor: .system)
            if platformOwner, !user.isPlatformOwner {
                user = try await sqlite.promotePlatformOwner(userId: user.id, actor: .system)
            }
            if service { try await sqlite.setService(userId: user.id, isService: true) }
            let created = try await sqlite.createAPIKey(userId: user.id, name: name, actor: .system)
            printError("created API key \(created.key.id) (\(created.key.prefix)…) for \(email)")
            print(created.secret)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let sqlite = try await openStore(store)
            let keys = try await sqlite.listAPIKeys(userId: nil)
            print("ID\tPREFIX\tNAME\tUSER\tCREATED\tLAST USED")
            for key in keys {
                let email = try await sqlite.user(id: key.userId)?.email ?? key.userId
                let lastUsed = key.lastUsedAt.map(Timestamp.format) ?? "never"
                print("\(key.id)\t\(key.prefix)\t\(key.name)\t\(email)\t\(Timestamp.format(key.createdAt))\t\(lastUsed)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key.")
        @Argument(help: "The key's id.") var id: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let sqlite = try await openStore(store)
            do {
                try await sqlite.revokeAPIKey(id: id, userId: nil, actor: .system)
            } catch let error as HeraldError where error.code == .notFound {
                throw ValidationError("no API key with id \(id)")
            }
            printError("revoked API key \(id)")
        }
    }
}

/// Opens and migrates the store that the configuration names.
private func openStore(_ options: StoreOptions) async throws -> SQLiteStore {
    let configuration = try await options.loadConfiguration()
    let state = try StateDirectory(path: configuration.stateDirectory)
    let database = try state.openDatabase(synchronous: configuration.databaseSynchronous)
    try database.migrate()
    return database.store()
}

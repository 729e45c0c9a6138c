import ArgumentParser
import HeraldCore

/// The `herald` command: the daemon and its operator tools.
@main
struct Herald: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "The integration daemon of the SSO platform: SCIM, webhooks, SIEM forwarding, mail, admin API.",
        version: HeraldVersion.string,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, CheckConfigCommand.self, BackupCommand.self, APIKeyCommand.self,
        ])
}

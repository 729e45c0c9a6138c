import Foundation
import Testing

/// The operator commands of API.md against a state directory.
@Suite struct CommandLineTests {
    @Test func versionPrintsTheRelease() throws {
        let (status, stdout, _) = try HeraldProcess.run(["--version"])
        #expect(status == 0)
        #expect(stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test func apikeyCreatePrintsOnlyTheKeyAndListAndRevokeWork() throws {
        let state = try HeraldProcess()
        let (status, stdout, stderr) = try HeraldProcess.run([
            "apikey", "create", "--email", "core@sso.example", "--service", "--name", "sso-core", "--state-dir",
            state.stateDirectory,
        ])
        #expect(status == 0, "\(stderr)")
        let key = stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(key.hasPrefix("hk_") && !key.contains(" ") && stdout.split(separator: "\n").count == 1)
        let (_, list, _) = try HeraldProcess.run(["apikey", "list", "--state-dir", state.stateDirectory])
        let line = try #require(list.split(separator: "\n").first { $0.contains("core@sso.example") })
        #expect(line.contains("sso-core"))
        let id = String(line.split(separator: "\t")[0])
        #expect(try HeraldProcess.run(["apikey", "revoke", id, "--state-dir", state.stateDirectory]).0 == 0)
        let (again, _, message) = try HeraldProcess.run(["apikey", "revoke", id, "--state-dir", state.stateDirectory])
        #expect(again != 0)
        #expect(message.contains("no API key"))
        let badEmail = try HeraldProcess.run(["apikey", "create", "--email", "not an email", "--state-dir", state.stateDirectory])
        #expect(badEmail.0 != 0)
    }

    @Test func checkConfigPrintsEveryProblemWithItsKey() throws {
        let state = try HeraldProcess()
        let file = state.stateDirectory + "/bad.yaml"
        try """
        public:
          address: "nowhere"
        log:
          level: loud
        limits:
          max_body_bytes: -5
        colour: blue
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let (status, stdout, _) = try HeraldProcess.run(["check-config", "--config", file])
        #expect(status != 0)
        for key in ["public.address", "log.level", "limits.max_body_bytes", "colour"] {
            #expect(stdout.contains(key + ":"), "\(key) missing in: \(stdout)")
        }
        let example = HeraldProcess.packageRoot.appendingPathComponent("etc/herald.example.yaml").path
        let (good, output, _) = try HeraldProcess.run(["check-config", "--config", example])
        #expect(good == 0, "\(output)")
    }

    @Test func migrateAndOnlineBackup() throws {
        let state = try HeraldProcess()
        #expect(try HeraldProcess.run(["migrate", "--state-dir", state.stateDirectory]).0 == 0)
        _ = try HeraldProcess.run(["apikey", "create", "--email", "a@b.example", "--state-dir", state.stateDirectory])
        let backup = state.stateDirectory + "/copy.sqlite"
        let (status, _, stderr) = try HeraldProcess.run(["backup", backup, "--state-dir", state.stateDirectory])
        #expect(status == 0, "\(stderr)")
        let header = try #require(FileManager.default.contents(atPath: backup)).prefix(15)
        #expect(String(decoding: header, as: UTF8.self) == "SQLite format 3")
        #expect(try HeraldProcess.run(["backup", backup, "--state-dir", state.stateDirectory]).0 != 0)
    }
}

/// One daemon per state directory.
@Suite struct StateLockTests {
    @Test func aSecondDaemonOnTheSameStateDirectoryIsRefused() async throws {
        let first = try HeraldProcess()
        _ = try await first.serve()
        let (status, _, stderr) = try HeraldProcess.run([
            "serve", "--state-dir", first.stateDirectory, "--public-address", "127.0.0.1:0", "--admin-address",
            "127.0.0.1:0",
        ])
        #expect(status != 0)
        #expect(stderr.contains("another herald serves"), "\(stderr)")
        #expect(first.process.isRunning)
        _ = try await first.stop()
    }
}

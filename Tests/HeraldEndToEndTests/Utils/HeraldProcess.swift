import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `herald` binary, run as a child process with a temporary state directory.
final class HeraldProcess: @unchecked Sendable {  // mutated only by the test that owns it, never concurrently
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static var binary: String { packageRoot.appendingPathComponent(".build/debug/herald").path }

    let stateDirectory: String
    /// The current `herald serve` child (a new one after each ``restart(environment:)``).
    private(set) var process = Process()
    private(set) var output = Pipe()
    /// How many times ``restart(environment:)`` started the daemon again.
    private(set) var restarts = 0

    init() throws {
        stateDirectory = FileManager.default.temporaryDirectory
            .appendingPathComponent("herald-e2e-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    /// Runs a command to completion and returns its exit status, stdout and stderr.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    /// Starts `herald serve` on free ports and waits for `addresses.json`.
    func serve(environment: [String: String] = [:]) async throws -> (public: String, admin: String) {
        process.standardOutput = output
        process.standardError = output
        return try await launch(environment: environment)
    }

    /// Runs `herald serve` (arguments and output already set) and waits for `addresses.json`.
    private func launch(environment: [String: String]) async throws -> (public: String, admin: String) {
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = [
            "serve", "--state-dir", stateDirectory, "--public-address", "127.0.0.1:0", "--admin-address",
            "127.0.0.1:0", "--log-level", "warning",
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        try process.run()
        let file = stateDirectory + "/addresses.json"
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let data = FileManager.default.contents(atPath: file), !data.isEmpty,
                let json = try? JSONSerialization.jsonObject(with: data) as? [String: String],
                let publicURL = json["public"], let adminURL = json["admin"]
            {
                return (publicURL, adminURL)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ProcessError(message: "herald did not write \(file)")
    }

    /// Sends a signal and waits (bounded) for the process to exit; returns the elapsed time.
    func stop(signal: Int32 = SIGTERM, within limit: Duration = .seconds(30)) async throws -> Duration {
        let start = ContinuousClock.now
        kill(process.processIdentifier, signal)
        while process.isRunning {
            guard ContinuousClock.now - start < limit else { throw ProcessError(message: "herald did not exit") }
            try await Task.sleep(for: .milliseconds(10))
        }
        return ContinuousClock.now - start
    }

    /// Starts `herald serve` again on the same state directory after the previous run exited (e.g. after
    /// `stop(signal: SIGKILL)`), on new free ports. This run's output goes to `<state>/serve-<n>.log`
    /// (see ``restartLog(_:)``), so that nothing blocks on an unread pipe.
    func restart(environment: [String: String] = [:]) async throws -> (public: String, admin: String) {
        if process.isRunning { throw ProcessError(message: "herald is still running (pid \(process.processIdentifier))") }
        restarts += 1
        // The previous run's addresses would be read back at once.
        try? FileManager.default.removeItem(atPath: stateDirectory + "/addresses.json")
        let logPath = stateDirectory + "/serve-\(restarts).log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logPath) else {
            throw ProcessError(message: "cannot open \(logPath)")
        }
        process = Process()
        output = Pipe()
        let result: (public: String, admin: String)
        do {
            process.standardOutput = log
            process.standardError = log
            result = try await launch(environment: environment)
        } catch {
            try? log.close()
            throw error
        }
        try? log.close()  // the child holds its own descriptor
        return result
    }

    /// The output of the `n`th restart (1-based).
    func restartLog(_ n: Int) -> String {
        (try? String(contentsOfFile: stateDirectory + "/serve-\(n).log", encoding: .utf8)) ?? ""
    }
}

struct ProcessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A small HTTP/1.1 client over URLSession for requests to the daemon.
enum HTTP {
    static func request(_ method: String, _ url: String, key: String? = nil, json: String? = nil) async throws
        -> (Int, String)
    {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

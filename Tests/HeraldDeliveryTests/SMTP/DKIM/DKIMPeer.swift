import Foundation
import Testing

/// `scripts/peers/dkim_verify.py`: Python's dkimpy verifying messages, run in the peers virtualenv
/// (`make peers`). A missing virtualenv or library is a test failure, never a skip.
enum DKIMPeer {
    struct Case {
        var name: String
        var message: [UInt8]
        /// The DNS the verifier sees: `<selector>._domainkey.<domain>` to the TXT record.
        var records: [String: String]
        /// Which signature to verify, from the top.
        var index = 0
        var expected: Bool
    }

    struct Result {
        var ok: Bool
        var log: String
    }

    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<5 { url.deleteLastPathComponent() }
        return url
    }()
    static let python = packageRoot.appendingPathComponent(".build/peers-venv/bin/python")
    static let script = packageRoot.appendingPathComponent("scripts/peers/dkim_verify.py")

    /// Runs the verifier on `cases`; records an issue and returns `nil` when the peer cannot run.
    static func verify(_ cases: [Case]) throws -> [String: Result]? {
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            Issue.record("the Python peers are not installed (\(python.path) is missing): run `make peers`")
            return nil
        }
        let input: [[String: Any]] = cases.map {
            ["name": $0.name, "message": Data($0.message).base64EncodedString(), "records": $0.records, "index": $0.index]
        }
        let process = Process()
        process.executableURL = python
        process.arguments = [script.path]
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Written from another thread: a large input must not block on a full pipe while dkimpy writes.
        let payload = try JSONSerialization.data(withJSONObject: input)
        // To rerun dkimpy by hand: HERALD_DKIM_CASES=/tmp/cases.json, then `python dkim_verify.py < /tmp/cases.json`.
        if let path = ProcessInfo.processInfo.environment["HERALD_DKIM_CASES"] {
            try payload.write(to: URL(fileURLWithPath: path))
        }
        let writer = stdin.fileHandleForWriting
        Thread.detachNewThread {
            writer.write(payload)
            try? writer.close()
        }
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        let objects = String(decoding: output, as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        if process.terminationStatus == 2, let missing = objects.first?["missing"] {
            Issue.record(
                "dkimpy or PyNaCl is missing from the peers venv (\(missing)): run `make peers` (scripts/requirements-peers.txt lists dkimpy and pynacl)")
            return nil
        }
        guard process.terminationStatus == 0 else {
            Issue.record("dkim_verify.py exited with \(process.terminationStatus): \(errors)")
            return nil
        }
        var results: [String: Result] = [:]
        for object in objects {
            guard let name = object["name"] as? String else { continue }
            results[name] = Result(ok: object["ok"] as? Bool ?? false, log: object["log"] as? String ?? "")
        }
        return results
    }

    /// Verifies `cases` and expects each to be accepted or refused as it says.
    static func expect(_ cases: [Case], sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(Set(cases.map(\.name)).count == cases.count, "case names must be unique", sourceLocation: sourceLocation)
        guard let results = try verify(cases) else { return }
        for item in cases {
            guard let result = results[item.name] else {
                Issue.record("dkimpy gave no result for \(item.name)", sourceLocation: sourceLocation)
                continue
            }
            #expect(
                result.ok == item.expected,
                "\(item.name): expected dkimpy to \(item.expected ? "verify" : "refuse") it; it said \(result.ok) \(result.log)",
                sourceLocation: sourceLocation)
        }
    }
}

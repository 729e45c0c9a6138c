import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// `osmem-server` (PyPI, installed by `make peers`): an in-memory OpenSearch-compatible server with real `_bulk`
/// semantics (per-item results, 409 on a duplicate `create`). Started on a free loopback port; stopped with the test.
final class OpenSearchPeer: @unchecked Sendable {  // `process` is only touched by start and stop, on one task.
    let url: String
    private let process: Process

    private init(url: String, process: Process) {
        self.url = url
        self.process = process
    }

    /// The binary in the peers virtualenv (the repository's `.build/peers-venv`).
    static var binary: String? {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { root.deleteLastPathComponent() }
        let lib = root.appendingPathComponent(".build/peers-venv/lib")
        let pythons = (try? FileManager.default.contentsOfDirectory(atPath: lib.path)) ?? []
        return pythons.sorted().map { lib.appendingPathComponent("\($0)/site-packages/osmem_server/bin/osmem-server").path }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// - Throws: when the binary is missing (run `make peers`) or does not announce its address in 10 s.
    static func start() async throws -> OpenSearchPeer {
        guard let binary else {
            throw PeerError("osmem-server is not installed in .build/peers-venv: run `make peers`")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-addr", "127.0.0.1:0", "-no-stdin-watch", "-no-ja", "-parent-pid", "\(getpid())"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // It prints one JSON line with its URL once it listens.
        let line = try await Task.detachedLine(from: output.fileHandleForReading, timeout: .seconds(10))
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            let url = object["url"] as? String
        else {
            process.terminate()
            throw PeerError("osmem-server did not announce its address: \(line)")
        }
        return OpenSearchPeer(url: url, process: process)
    }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }

    /// A JSON answer of the server (`GET`, or `POST` without a body).
    func json(_ method: String, _ path: String) async throws -> [String: Any] {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        let (data, _) = try await URLSession.shared.data(for: request)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    struct PeerError: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

extension Task where Success == Never, Failure == Never {
    /// The first line a process writes, read off the cooperative pool (a blocking read), within `timeout`.
    static func detachedLine(from handle: FileHandle, timeout: Duration) async throws -> String {
        try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    Thread.detachNewThread {
                        var bytes: [UInt8] = []
                        while true {
                            let chunk = handle.readData(ofLength: 1)
                            if chunk.isEmpty || chunk.first == 0x0A { break }
                            bytes.append(contentsOf: chunk)
                        }
                        continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
                    }
                }
            }
            group.addTask {
                try await Task<Never, Never>.sleep(for: timeout)
                throw OpenSearchPeer.PeerError("no line within \(timeout)")
            }
            let first = try await group.next() ?? ""
            group.cancelAll()
            return first
        }
    }
}

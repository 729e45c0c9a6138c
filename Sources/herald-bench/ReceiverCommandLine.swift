import Foundation

/// Options shared by the SIEM receivers' command lines.
struct ReceiverCommandLine {
    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    private var iterator: IndexingIterator<[String]>
    let usage: String

    init(_ arguments: [String], usage: String) {
        iterator = arguments.makeIterator()
        self.usage = usage
    }

    mutating func next() -> String? { iterator.next() }

    mutating func value(_ name: String) throws -> String {
        guard let value = iterator.next() else { throw UsageError(description: "\(name) needs a value\n\(usage)") }
        return value
    }

    mutating func number(_ name: String) throws -> Int {
        let text = try value(name)
        guard let number = Int(text), number >= 0 else {
            throw UsageError(description: "\(name) needs a number, not \(text)")
        }
        return number
    }

    /// Writes `ports`, space-separated, to `file` atomically.
    static func writePorts(_ ports: [Int], to file: String) throws {
        let temporary = file + ".tmp"
        try Data((ports.map(String.init).joined(separator: " ") + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
        _ = rename(temporary, file)
    }

    /// SIGTERM and SIGINT print the statistics line and exit 0.
    static func installSignalHandlers(_ name: String, _ statistics: SiemReceiverStatistics) -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                print("\(name) summary (\(number == SIGTERM ? "SIGTERM" : "SIGINT")): \(statistics.line())")
                fflush(nil)
                exit(0)
            }
            source.resume()
            return source
        }
    }
}

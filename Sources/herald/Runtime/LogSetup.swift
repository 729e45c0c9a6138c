import Foundation
import Logging
import Synchronization

/// The process-wide log level, changeable at run time (SIGHUP reload).
final class SharedLogLevel: Sendable {
    private let level: Mutex<Logger.Level>

    init(_ level: Logger.Level) { self.level = Mutex(level) }

    var value: Logger.Level {
        get { level.withLock { $0 } }
        set { level.withLock { $0 = newValue } }
    }
}

/// One line per event on standard error, as `key=value` text or as JSON, with dotted metadata keys.
struct HeraldLogHandler: LogHandler {
    enum Format: String { case text, json }

    let label: String
    let format: Format
    let sharedLevel: SharedLogLevel
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    var logLevel: Logger.Level {
        get { sharedLevel.value }
        set { sharedLevel.value = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let time = Date().formatted(.iso8601.time(includingFractionalSeconds: true).year().month().day()
            .dateSeparator(.dash).timeSeparator(.colon))
        let line: String
        switch format {
        case .text:
            let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoted("\($0.value)"))" }
            line = ([time, event.level.rawValue, label + ":", event.message.description] + fields).joined(separator: " ")
        case .json:
            var object: [String: String] = ["time": time, "level": event.level.rawValue, "label": label,
                                            "message": event.message.description]
            for (key, value) in merged { object[key] = "\(value)" }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
            line = String(decoding: data, as: UTF8.self)
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    private static func quoted(_ value: String) -> String {
        value.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) ? "\"\(value.replacingOccurrences(of: "\"", with: "\\\""))\"" : value
    }
}

/// Installs the handler once per process.
enum LogSetup {
    static let level = SharedLogLevel(.info)

    static func bootstrap(level: String, format: String) {
        self.level.value = Logger.Level(rawValue: level) ?? .info
        let format = HeraldLogHandler.Format(rawValue: format) ?? .text
        LoggingSystem.bootstrap { label in
            HeraldLogHandler(label: label, format: format, sharedLevel: Self.level)
        }
    }
}

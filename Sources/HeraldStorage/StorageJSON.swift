import Foundation
import HeraldCore

/// JSON text in stored columns and SQL arguments, written and read one way for every table.
enum StorageJSON {
    /// Compact JSON text, keys sorted, slashes unescaped: stored lists and maps, sealed payloads, and the one
    /// argument of an `IN (SELECT value FROM json_each(?))` list.
    static func text(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The JSON array of `strings` (the argument of an `IN (SELECT value FROM json_each(?))` list), written by
    /// HeraldCore's JSON writer instead of an encoder: the same text as ``text(_:)`` gives for `[String]`.
    static func array(_ strings: [String]) -> String {
        String(decoding: JSONValue.array(strings.map(JSONValue.string)).serialized(), as: UTF8.self)
    }

    /// A stored list of strings; a damaged value reads as empty.
    static func strings(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    /// A stored map of strings; a damaged value reads as empty.
    static func stringMap(_ text: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:]
    }
}

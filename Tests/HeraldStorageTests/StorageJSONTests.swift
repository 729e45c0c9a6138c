import Foundation
import Testing

@testable import HeraldStorage

@Suite struct StorageJSONTests {
    /// The hand-written id list is the text the encoder writes, and SQLite's `json_each` reads back every string.
    @Test func stringArraysAreWhatTheEncoderWrites() throws {
        let cases: [[String]] = [
            [], [""], ["org_1", "org_2"], ["a/b", "quote \" backslash \\"], ["line\nreturn\rtab\t\u{8}\u{c}"],
            ["\u{0}\u{1}\u{1f}\u{7f}"], ["é 日本 👩‍👩‍👧", "\u{2028}\u{2029}"],
        ]
        let database = try SQLiteDatabase.inMemory()
        for strings in cases {
            let text = StorageJSON.array(strings)
            #expect(text == (try StorageJSON.text(strings)), "\(strings.debugDescription)")
            let read = try database.writer.read { db in
                try String.fetchAll(db, sql: "SELECT value FROM json_each(?) ORDER BY key", arguments: [text])
            }
            // SQLite's text values end at a NUL; ids never hold one.
            #expect(read == strings.map { String($0.prefix { $0 != "\u{0}" }) })
        }
    }
}

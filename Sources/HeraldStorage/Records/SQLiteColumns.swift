import GRDB
import GRDBSQLite

/// The current row of a stepping statement, read by column index straight from SQLite's values: no `Row` copy and no
/// `DatabaseValue` per column. The hot read paths select a record's `columns` list (``PositionalDecoding``) and
/// decode each row with it.
struct SQLiteColumns {
    let handle: OpaquePointer

    func isNull(_ column: Int) -> Bool { sqlite3_column_type(handle, Int32(column)) == SQLITE_NULL }

    /// The column's text; NULL reads as the empty string (for NOT NULL columns).
    func text(_ column: Int) -> String { optionalText(column) ?? "" }

    func optionalText(_ column: Int) -> String? {
        guard let pointer = sqlite3_column_text(handle, Int32(column)) else { return nil }
        return String(
            decoding: UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, Int32(column)))),
            as: UTF8.self)
    }

    /// The column's bytes as stored (text or blob), or nil for NULL.
    func bytes(_ column: Int) -> [UInt8]? {
        guard let pointer = sqlite3_column_text(handle, Int32(column)) else { return nil }
        return Array(UnsafeBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, Int32(column)))))
    }

    func int64(_ column: Int) -> Int64 { sqlite3_column_int64(handle, Int32(column)) }

    func optionalInt64(_ column: Int) -> Int64? { isNull(column) ? nil : int64(column) }

    func int(_ column: Int) -> Int { Int(int64(column)) }

    func optionalInt(_ column: Int) -> Int? { isNull(column) ? nil : int(column) }

    func bool(_ column: Int) -> Bool { int64(column) != 0 }

    /// Every row of `statement` run with `arguments`, each decoded by `decode`.
    static func fetchAll<T>(
        _ statement: Statement, arguments: StatementArguments, capacity: Int = 0,
        _ decode: (SQLiteColumns) throws -> T
    ) throws -> [T] {
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        let columns = SQLiteColumns(handle: handle)
        var rows: [T] = []
        rows.reserveCapacity(capacity)
        while true {
            let code = sqlite3_step(handle)
            guard code == SQLITE_ROW else {
                guard code == SQLITE_DONE else { throw failure(code, of: statement) }
                return rows
            }
            rows.append(try decode(columns))
        }
    }

    /// The first row of `statement` run with `arguments`, decoded by `decode`; nil when there is none.
    static func fetchOne<T>(
        _ statement: Statement, arguments: StatementArguments, _ decode: (SQLiteColumns) throws -> T
    ) throws -> T? {
        var first: T?
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW {
            first = try decode(SQLiteColumns(handle: handle))
        } else if code != SQLITE_DONE {
            throw failure(code, of: statement)
        }
        return first
    }

    /// The error of a step that answered `code`, with SQLite's message.
    private static func failure(_ code: Int32, of statement: Statement) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code),
            message: String(cString: sqlite3_errmsg(sqlite3_db_handle(statement.sqliteStatement))), sql: statement.sql)
    }
}

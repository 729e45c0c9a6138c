import Foundation

/// `values` as JSON array text: the one argument of an `IN (SELECT value FROM json_each(?))` list, or a stored list.
func jsonArray<T: Encodable>(_ values: [T]) throws -> String {
    String(decoding: try JSONEncoder().encode(values), as: UTF8.self)
}

import Foundation
import HeraldCore
import Hummingbird

/// Strict reading of query parameters: a value out of its documented bounds is a 400 naming the parameter,
/// never silently clamped.
struct QueryReader {
    let parameters: Parameters

    init(_ request: Request) {
        self.parameters = request.uri.queryParameters
    }

    private func raw(_ name: String) -> String? {
        parameters[name[...]].map(String.init)
    }

    /// An integer in `range`, or `defaultValue` when absent.
    func int(_ name: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = raw(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            let upper = range.upperBound == Int.max ? "" : " and \(range.upperBound)"
            let bound = upper.isEmpty ? "at least \(range.lowerBound)" : "between \(range.lowerBound)\(upper)"
            throw HeraldError(.invalidQuery, "\(name) must be an integer \(bound)", field: name)
        }
        return value
    }

    /// A string of at most `maxLength` characters, or nil when absent.
    func string(_ name: String, maxLength: Int = 200, required: Bool = false) throws -> String? {
        guard let text = raw(name) else {
            if required { throw HeraldError(.invalidQuery, "\(name) is required", field: name) }
            return nil
        }
        guard text.count <= maxLength else {
            throw HeraldError(.invalidQuery, "\(name) must be at most \(maxLength) characters", field: name)
        }
        if required, text.trimmingCharacters(in: .whitespaces).isEmpty {
            throw HeraldError(.invalidQuery, "\(name) must not be empty", field: name)
        }
        return text
    }

    /// One of an enumeration's raw values, or nil when absent.
    func enumeration<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type) throws -> T?
    where T.RawValue == String {
        guard let text = raw(name) else { return nil }
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw HeraldError(.invalidQuery, "\(name) must be one of \(allowed)", field: name)
        }
        return value
    }

    /// A date (`YYYY-MM-DD`) or RFC 3339 date-time; a plain date as an upper bound means the end of that day.
    func date(_ name: String, endOfDay: Bool = false) throws -> Date? {
        guard let text = raw(name) else { return nil }
        guard text.count <= 40, let date = Timestamp.parse(text) else {
            throw HeraldError(.invalidQuery, "\(name) must be a date (YYYY-MM-DD) or an RFC 3339 date-time from 1970 on", field: name)
        }
        if endOfDay, text.count == 10 { return date.addingTimeInterval(86_399.999) }
        return date
    }
}

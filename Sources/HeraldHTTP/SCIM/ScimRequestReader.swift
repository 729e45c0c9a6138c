import Foundation
import HeraldCore
import Hummingbird

/// Reads what a SCIM request carries: its JSON body, its list parameters and the base URL it was sent to.
enum ScimRequestReader {
    /// The body as a JSON object. `application/scim+json` and `application/json` are both accepted (and, being
    /// liberal in what we accept, any type that parses as JSON). 400 `invalidSyntax` otherwise.
    static func object(_ request: Request, context: AdminRequestContext) async throws -> [String: JSONValue] {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { throw ScimError.badRequest(.invalidSyntax, "a JSON body is required") }
        let value: JSONValue
        do {
            value = try JSONValue.parse(buffer.readableBytesView)
        } catch {
            throw ScimError.badRequest(.invalidSyntax, "the body is not valid JSON: \(error.description)")
        }
        guard case .object(let object) = value else {
            throw ScimError.badRequest(.invalidSyntax, "the body must be a JSON object")
        }
        return object
    }

    /// `https://host/scim/v2`, from the Host the client used (the URL it was given).
    static func baseURL(_ request: Request, tls: Bool) -> String {
        let host = request.head.authority ?? "localhost"
        return "\(tls ? "https" : "http")://\(host)/scim/v2"
    }

    /// The parameters of a list or search: from the query string (GET) or a SearchRequest body (POST .search).
    struct ListParameters {
        var filter: String?
        var sortBy: String?
        var sortOrder: String?
        var startIndex: Int?
        var count: Int?
        var cursor: String?
        var attributes: String?
        var excludedAttributes: String?

        static func query(_ request: Request) throws -> ListParameters {
            let query = formDecoded(request.uri.query ?? "")
            func string(_ name: String) -> String? {
                query.first { $0.key.lowercased() == name.lowercased() }?.value
            }
            func int(_ name: String) throws -> Int? {
                guard let text = string(name) else { return nil }
                guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                    throw ScimError.badRequest(
                        name == "count" ? .invalidCount : .invalidValue, "\(name) must be an integer")
                }
                return value
            }
            return ListParameters(
                filter: string("filter"), sortBy: string("sortBy"), sortOrder: string("sortOrder"),
                startIndex: try int("startIndex"), count: try int("count"), cursor: string("cursor"),
                attributes: string("attributes"), excludedAttributes: string("excludedAttributes"))
        }

        /// The query's parameters, percent-decoded with `+` read as a space (form encoding, which some identity
        /// providers and their tools use: `filter=userName+eq+%22x%22`); a literal `+` arrives as `%2B`.
        static func formDecoded(_ query: String) -> [(key: String, value: String)] {
            query.split(separator: "&").compactMap { pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                func decode(_ text: Substring) -> String? {
                    String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
                }
                guard let key = decode(parts[0]), let value = parts.count > 1 ? decode(parts[1]) : "" else {
                    return nil
                }
                return (key, value)
            }
        }

        static func searchRequest(_ body: [String: JSONValue]) throws -> ListParameters {
            func value(_ name: String) -> JSONValue? { body.first { $0.key.lowercased() == name.lowercased() }?.value }
            func string(_ name: String) throws -> String? {
                switch value(name) {
                case nil, .null?: return nil
                case .string(let text)?: return text
                case .array(let items)? where name.hasSuffix("ttributes"):
                    return items.compactMap(\.stringValue).joined(separator: ",")
                default: throw ScimError.badRequest(.invalidValue, "\(name) must be a string")
                }
            }
            func int(_ name: String) throws -> Int? {
                switch value(name) {
                case nil, .null?: return nil
                case .number(let number)? where number.rounded() == number && abs(number) < 1e12: return Int(number)
                default:
                    throw ScimError.badRequest(name == "count" ? .invalidCount : .invalidValue, "\(name) must be an integer")
                }
            }
            if let schemas = value("schemas"), case .array(let list) = schemas,
                !list.contains(where: { ScimURN.same($0.stringValue ?? "", ScimURN.searchRequest) })
            {
                throw ScimError.badRequest(.invalidSyntax, "schemas must name \(ScimURN.searchRequest)")
            }
            return ListParameters(
                filter: try string("filter"), sortBy: try string("sortBy"), sortOrder: try string("sortOrder"),
                startIndex: try int("startIndex"), count: try int("count"), cursor: try string("cursor"),
                attributes: try string("attributes"), excludedAttributes: try string("excludedAttributes"))
        }

        /// The store's query (RFC 7644 §3.4.2.4: `startIndex` < 1 is 1, a negative `count` is 0).
        func query(defaultCount: Int) throws -> ScimListQuery {
            var filterValue: ScimFilter?
            if let filter, !filter.trimmingCharacters(in: .whitespaces).isEmpty {
                do {
                    filterValue = try ScimFilterParser.parse(filter)
                } catch {
                    throw ScimError.badRequest(.invalidFilter, "invalid filter: \(error.message)")
                }
            }
            var sortPath: ScimAttributePath?
            if let sortBy, !sortBy.isEmpty {
                guard let path = try? ScimPatchPath.parse(sortBy), path.valueFilter == nil else {
                    throw ScimError.badRequest(.invalidValue, "sortBy must be an attribute name")
                }
                sortPath = path.attribute
            }
            var descending = false
            if let sortOrder {
                switch sortOrder.lowercased() {
                case "ascending": descending = false
                case "descending": descending = true
                default: throw ScimError.badRequest(.invalidValue, "sortOrder must be ascending or descending")
                }
            }
            if let cursor, cursor.contains(where: { !($0.isLetter || $0.isNumber || "-._~".contains($0)) }) {
                throw ScimError.badRequest(.invalidCursor, "a cursor holds only unreserved characters")
            }
            return ScimListQuery(
                filter: filterValue, sortBy: sortPath, descending: descending, startIndex: max(1, startIndex ?? 1),
                count: max(0, count ?? defaultCount), cursor: cursor)
        }

        func projection() throws -> ScimProjection {
            try ScimProjection.parse(attributes: attributes, excludedAttributes: excludedAttributes)
        }
    }
}

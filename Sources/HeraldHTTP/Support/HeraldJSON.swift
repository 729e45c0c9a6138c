import Foundation
import HeraldCore
import Hummingbird

/// The API's JSON: snake_case keys are spelled out in each type's `CodingKeys`, so no key strategy rewrites client
/// data; timestamps are pre-formatted RFC 3339 strings. Responses are written by ``JSONStreamEncoder``.
///
/// Decodes request bodies, turning decoding failures into 400 errors that name the offending field.
public struct JSONRequestDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws
        -> T
    {
        if let contentType = request.headers[.contentType], !contentType.lowercased().contains("json") {
            throw HeraldError(.invalidRequest, "Content-Type must be application/json")
        }
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else {
            throw HeraldError(.invalidJSON, "A JSON body is required")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let error as HeraldError {
            throw error
        } catch let error as DecodingError {
            throw Self.describe(error)
        }
    }

    /// A client-facing description of a decoding failure.
    static func describe(_ error: DecodingError) -> HeraldError {
        func path(_ codingPath: [any CodingKey]) -> String? {
            let parts = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }
            let joined = parts.joined()
            guard !joined.isEmpty else { return nil }
            return joined.hasPrefix(".") ? String(joined.dropFirst()) : joined
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key]) ?? key.stringValue
            return HeraldError(.invalidField, "\(field) is required", field: field, cause: error)
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return HeraldError(
                .invalidField, "\(field ?? "body") must be \(Self.typeName(type))", field: field, cause: error)
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return HeraldError(
                .invalidField, "\(field ?? "body") must be \(Self.typeName(type)), not null", field: field,
                cause: error)
        case .dataCorrupted(let context):
            if let field = path(context.codingPath) {
                return HeraldError(.invalidField, "\(field) has an invalid value", field: field, cause: error)
            }
            return HeraldError(.invalidJSON, "The body is not valid JSON", cause: error)
        @unknown default:
            return HeraldError(.invalidJSON, "The body is not valid JSON", cause: error)
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Bool.Type: "a boolean"
        case is Double.Type: "a number"
        default:
            String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

/// A JSON body with a status other than 200.
struct Created<Body: ResponseEncodable>: ResponseGenerator {
    var body: Body
    var status: HTTPResponse.Status = .created

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try body.response(from: request, context: context)
        response.status = status
        return response
    }
}

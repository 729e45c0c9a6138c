import Foundation
import HeraldCore
import Hummingbird

/// SCIM responses: `application/scim+json` bodies (RFC 7644 §3.1) and the SCIM Error schema (§3.12).
enum ScimResponses {
    static let mediaType = "application/scim+json; charset=utf-8"

    static func json(_ value: [String: JSONValue], status: HTTPResponse.Status = .ok, headers: HTTPFields = [:])
        -> Response
    {
        let data = JSONValue.object(value).serialized()
        var fields = headers
        fields[.contentType] = mediaType
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The error body: `{"schemas":[Error], "status":"404", "scimType":…, "detail":…}`.
    static func error(_ error: ScimError) -> Response {
        var body: [String: JSONValue] = [
            "schemas": [.string(ScimURN.error)], "status": .string(String(error.status)), "detail": .string(error.detail),
        ]
        if let type = error.scimType { body["scimType"] = .string(type.rawValue) }
        var headers: HTTPFields = [:]
        if error.status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"herald-scim\"" }
        return json(body, status: HTTPResponse.Status(code: error.status), headers: headers)
    }

    /// A Herald error answered in SCIM's shape, with its `Retry-After`.
    static func error(for error: HeraldError) -> Response {
        var response = self.error(scimError(from: error))
        if let retryAfter = error.retryAfter { response.headers[.retryAfter] = String(retryAfter) }
        return response
    }

    /// A Herald or Hummingbird error in SCIM's shape (for everything thrown under `/scim/`).
    static func scimError(from error: HeraldError) -> ScimError {
        let type: ScimErrorType? =
            switch error.code {
            case .invalidJSON, .invalidRequest: .invalidSyntax
            case .invalidField, .invalidQuery: .invalidValue
            case .alreadyExists: .uniqueness
            default: nil
            }
        return ScimError(status: error.code.status, type, error.message)
    }

    /// The list envelope (RFC 7644 §3.4.2).
    static func list(
        _ resources: [[String: JSONValue]], total: Int, startIndex: Int, nextCursor: String?, cursorMode: Bool
    ) -> Response {
        var body: [String: JSONValue] = [
            "schemas": [.string(ScimURN.listResponse)],
            "totalResults": .number(Double(total)),
            "itemsPerPage": .number(Double(resources.count)),
            "Resources": .array(resources.map(JSONValue.object)),
        ]
        if cursorMode {
            if let nextCursor { body["nextCursor"] = .string(nextCursor) }
        } else {
            body["startIndex"] = .number(Double(startIndex))
        }
        return json(body)
    }
}

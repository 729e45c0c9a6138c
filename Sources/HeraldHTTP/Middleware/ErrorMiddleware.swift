import Foundation
import HeraldCore
import Hummingbird
import Logging

/// Renders every failure as the API's JSON error, `{"error":{"code","message","field"}}`.
///
/// Herald errors carry their own code and status; Hummingbird's errors (unknown route, body too large)
/// get a code from their status; anything else is logged and answered with a bare 500, so that no
/// internal text (database messages included) reaches a client.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as ScimError {
            return ScimResponses.error(error)
        } catch {
            let failure = Self.heraldError(for: error, logger: context.logger)
            // Under `/scim/`, every failure is answered in the SCIM Error schema (RFC 7644 §3.12).
            if request.uri.path.hasPrefix("/scim/") { return ScimResponses.error(for: failure) }
            return ErrorBody.response(for: failure)
        }
    }

    /// Any failure as a Herald error; server errors and unknown ones are logged (their text never reaches a client).
    static func heraldError(for error: any Error, logger: Logger) -> HeraldError {
        switch error {
        case let error as HeraldError:
            if error.code.status >= 500 { logger.error("request failed", metadata: ["error": "\(error)"]) }
            return error
        case let error as DecodingError:
            return JSONRequestDecoder.describe(error)
        case let error as HTTPError:
            return translate(error)
        default:
            logger.error("request failed", metadata: ["error": "\(String(reflecting: error))"])
            return HeraldError(.internalError, "Internal server error")
        }
    }

    static func translate(_ error: HTTPError) -> HeraldError {
        let status = Int(error.status.code)
        let message = error.body ?? error.status.reasonPhrase
        let code: HeraldError.Code =
            switch status {
            case 400: .invalidRequest
            case 401: .unauthorized
            case 403: .forbidden
            case 404: .notFound
            case 405: .methodNotAllowed
            case 413: .payloadTooLarge
            case 415: .unsupportedMediaType
            case 429: .tooManyRequests
            default: HeraldError.Code(status >= 500 ? "internal_error" : "http_\(status)", status: status)
            }
        return HeraldError(code, status == 413 ? "Request body is too large" : message)
    }
}

/// The JSON error body.
struct ErrorBody: Encodable {
    struct Detail: Encodable {
        var code: String
        var message: String
        var field: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(code, forKey: .code)
            try container.encode(message, forKey: .message)
            try container.encode(field, forKey: .field)
        }

        enum CodingKeys: String, CodingKey { case code, message, field }
    }

    var error: Detail

    static func response(for error: HeraldError) -> Response {
        let body = ErrorBody(error: Detail(code: error.code.name, message: error.message, field: error.field))
        let data = (try? JSONStreamEncoder().encode(body)) ?? Array(#"{"error":{"code":"internal_error"}}"#.utf8)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        if error.code.status == 401 { headers[.wwwAuthenticate] = "Bearer" }
        return Response(
            status: HTTPResponse.Status(code: error.code.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// The one error type of Herald's domain: a stable code, a message safe to show a client,
/// the offending field when there is one, and the underlying cause for logs only.
///
/// Modelled on swift-nio's `FileSystemError`: a struct with a code rather than a growing enum,
/// so that new codes never break callers that switch on `code.kind`.
public struct HeraldError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as the API names it, with the HTTP status that it maps to.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The snake_case code of the JSON error body.
        public let name: String
        /// The HTTP status this code answers with.
        public let status: Int

        public init(_ name: String, status: Int) {
            self.name = name
            self.status = status
        }

        public var description: String { name }

        public static let invalidRequest = Code("invalid_request", status: 400)
        public static let invalidJSON = Code("invalid_json", status: 400)
        public static let invalidField = Code("invalid_field", status: 400)
        public static let invalidQuery = Code("invalid_query_parameter", status: 400)
        public static let invalidState = Code("invalid_state", status: 400)
        public static let unknownTier = Code("unknown_tier", status: 400)
        public static let lastPlatformOwner = Code("last_platform_owner", status: 400)
        public static let selfDemotion = Code("self_demotion", status: 400)
        public static let alreadyPlatformOwner = Code("already_platform_owner", status: 400)
        public static let notPlatformOwner = Code("not_platform_owner", status: 400)
        public static let mfaNotEnabled = Code("mfa_not_enabled", status: 400)
        public static let unknownEventType = Code("unknown_event_type", status: 400)
        public static let unauthorized = Code("unauthorized", status: 401)
        public static let forbidden = Code("forbidden", status: 403)
        public static let limitReached = Code("limit_reached", status: 403)
        public static let notFound = Code("not_found", status: 404)
        public static let methodNotAllowed = Code("method_not_allowed", status: 405)
        public static let conflict = Code("conflict", status: 409)
        public static let alreadyExists = Code("already_exists", status: 409)
        public static let inUse = Code("in_use", status: 409)
        public static let gone = Code("gone", status: 410)
        public static let payloadTooLarge = Code("payload_too_large", status: 413)
        public static let unsupportedMediaType = Code("unsupported_media_type", status: 415)
        public static let smtpVerifyFailed = Code("smtp_verify_failed", status: 422)
        public static let tooManyRequests = Code("too_many_requests", status: 429)
        public static let internalError = Code("internal_error", status: 500)
        public static let unavailable = Code("unavailable", status: 503)
    }

    public var code: Code
    public var message: String
    public var field: String?
    /// Seconds a client should wait before retrying (429 and 503 answers).
    public var retryAfter: Int?
    /// The underlying error, for logs; never shown to a client.
    public var cause: (any Error)?
    public var location: SourceLocation

    public init(
        _ code: Code, _ message: String, field: String? = nil, retryAfter: Int? = nil, cause: (any Error)? = nil,
        file: String = #fileID, line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
        self.cause = cause
        self.location = SourceLocation(file: file, line: line)
    }

    public var description: String {
        var text = "\(code.name): \(message)"
        if let field { text += " (field \(field))" }
        if let cause { text += " cause: \(String(reflecting: cause))" }
        return text + " at \(location.file):\(location.line)"
    }

    /// Where an error was raised.
    public struct SourceLocation: Sendable, Hashable {
        public var file: String
        public var line: Int
    }
}

extension HeraldError {
    /// 404 for an unknown or foreign resource (foreign ones are never told apart, so ids cannot be probed).
    public static func notFound(_ what: String, file: String = #fileID, line: Int = #line) -> HeraldError {
        HeraldError(.notFound, "\(what) not found", file: file, line: line)
    }

    /// 400 for a bad field value.
    public static func invalid(_ field: String, _ message: String, file: String = #fileID, line: Int = #line)
        -> HeraldError
    {
        HeraldError(.invalidField, message, field: field, file: file, line: line)
    }

    /// 403 for an authenticated caller without the role an action needs.
    public static func forbidden(_ message: String, file: String = #fileID, line: Int = #line) -> HeraldError {
        HeraldError(.forbidden, message, file: file, line: line)
    }
}

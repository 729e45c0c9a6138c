/// The `scimType` of a SCIM error (RFC 7644 §3.12, Table 9; RFC 9865 adds the cursor ones).
public enum ScimErrorType: String, Sendable, Hashable, CaseIterable {
    case invalidFilter, tooMany, uniqueness, mutability, invalidSyntax, invalidPath, noTarget, invalidValue
    case invalidVers, sensitive, invalidCursor, expiredCursor, invalidCount
}

/// An error answered in the SCIM Error schema: HTTP status, optional `scimType` and a `detail` safe to show.
public struct ScimError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    public var scimType: ScimErrorType?
    public var detail: String

    public init(status: Int, _ scimType: ScimErrorType? = nil, _ detail: String) {
        self.status = status
        self.scimType = scimType
        self.detail = detail
    }

    public var description: String { "\(status) \(scimType?.rawValue ?? "-"): \(detail)" }

    /// 400 with a `scimType`.
    public static func badRequest(_ type: ScimErrorType, _ detail: String) -> ScimError {
        ScimError(status: 400, type, detail)
    }

    /// 404: the resource does not exist in this organization.
    public static func notFound(_ resourceType: String, _ id: String) -> ScimError {
        ScimError(status: 404, nil, "\(resourceType) \(id) not found")
    }
}

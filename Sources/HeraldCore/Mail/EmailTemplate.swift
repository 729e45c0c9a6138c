import Foundation

/// A mail template: a platform default (no organization) or an organization's override of one, per language.
/// Subject, text and HTML are Mustache; `variables` are the names a send must give (checked before sending).
public struct EmailTemplate: Sendable, Hashable, Identifiable {
    public var id: String
    /// nil: the platform's.
    public var orgId: String?
    public var name: String
    /// `system` (shipped, one of ``EmailTemplate/systemNames``) or any label a user gives (`transactional`…).
    public var type: String
    public var subject: String
    public var htmlBody: String
    public var textBody: String?
    /// The sender's display name and address; when set they win over the SMTP settings' `from_*`.
    public var shipperName: String?
    public var shipperEmail: String?
    /// The Reply-To address; when set it wins over the SMTP settings' `reply_to`.
    public var responseEmail: String?
    public var language: String
    public var variables: [String]
    public var description: String?
    public var isActive: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, orgId: String?, name: String, type: String, subject: String, htmlBody: String, textBody: String?,
        shipperName: String?, shipperEmail: String?, responseEmail: String?, language: String, variables: [String],
        description: String?, isActive: Bool, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.name = name
        self.type = type
        self.subject = subject
        self.htmlBody = htmlBody
        self.textBody = textBody
        self.shipperName = shipperName
        self.shipperEmail = shipperEmail
        self.responseEmail = responseEmail
        self.language = language
        self.variables = variables
        self.description = description
        self.isActive = isActive
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The templates Herald itself sends, shipped as platform defaults.
    public static let systemNames = [
        "invitation", "organization_approved", "organization_rejected", "webhook_endpoint_disabled", "verification",
        "password_reset",
    ]
}

/// The fields of a template a create or an update gives (nil: unchanged on update; required on create where the
/// API says so).
public struct EmailTemplateFields: Sendable, Hashable {
    public var name: String?
    public var type: String?
    public var subject: String?
    public var htmlBody: String?
    public var textBody: String??
    public var shipperName: String??
    public var shipperEmail: String??
    public var responseEmail: String??
    public var language: String?
    public var variables: [String]?
    public var description: String??
    public var isActive: Bool?

    public init(
        name: String? = nil, type: String? = nil, subject: String? = nil, htmlBody: String? = nil,
        textBody: String?? = nil, shipperName: String?? = nil, shipperEmail: String?? = nil,
        responseEmail: String?? = nil, language: String? = nil, variables: [String]? = nil,
        description: String?? = nil, isActive: Bool? = nil
    ) {
        self.name = name
        self.type = type
        self.subject = subject
        self.htmlBody = htmlBody
        self.textBody = textBody
        self.shipperName = shipperName
        self.shipperEmail = shipperEmail
        self.responseEmail = responseEmail
        self.language = language
        self.variables = variables
        self.description = description
        self.isActive = isActive
    }
}

/// Filters of a template list.
public struct EmailTemplateQuery: Sendable, Hashable {
    public var search: String?
    public var type: String?
    public var language: String?
    public var page: Int
    public var limit: Int

    public init(search: String? = nil, type: String? = nil, language: String? = nil, page: Int = 1, limit: Int = 20) {
        self.search = search
        self.type = type
        self.language = language
        self.page = page
        self.limit = limit
    }
}

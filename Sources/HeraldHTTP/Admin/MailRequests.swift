import Foundation
import HeraldCore

/// Input rules of the mail routes. Header values (names, addresses, subjects) never hold CR or LF: such input
/// is refused (400), never cleaned.
enum MailInput {
    static let maxTemplateBytes = 256 * 1024
    static let maxVariables = 100
    static let maxVariableLength = 10_000
    static func languagePattern(_ language: String) -> Bool {
        (2...12).contains(language.count)
            && language.allSatisfy { $0.isASCII && ($0.isLetter || $0 == "-" || $0 == "_") }
    }

    static func singleLine(_ value: String?, field: String, max: Int = 500) throws {
        guard let value else { return }
        guard value.count <= max, !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw HeraldError.invalid(field, "\(field) must be at most \(max) characters without CR, LF or other control characters")
        }
    }

    static func address(_ value: String?, field: String) throws {
        guard let value, !value.isEmpty else { return }
        try singleLine(value, field: field, max: 254)
        _ = try Validation.email(value, field: field)
    }

    /// Checks SMTP settings: a host name or address, a port, the addresses; `none` only to allow-listed hosts.
    static func smtp(_ body: SmtpSettingsBody, allowlist: [String]) throws -> SmtpSettingsInput {
        try singleLine(body.host, field: "host", max: 253)
        guard !body.host.isEmpty, !body.host.contains(where: { $0 == " " || $0 == "/" || $0 == "@" }) else {
            throw HeraldError.invalid("host", "host must be a host name or an IP address")
        }
        let security = body.security ?? .starttls
        let port = body.port ?? (security == .tls ? 465 : security == .none ? 25 : 587)
        guard (1...65_535).contains(port) else { throw HeraldError.invalid("port", "port must be 1 to 65535") }
        if security == .none {
            try WebhookInput.url("http://\(body.host.contains(":") ? "[\(body.host)]" : body.host):\(port)", allowlist: allowlist, field: "host")
        }
        try singleLine(body.username, field: "username", max: 254)
        try singleLine(body.password, field: "password", max: 4096)
        let authentication = body.auth ?? .password
        if authentication == .xoauth2 && (body.username ?? "").isEmpty {
            throw HeraldError.invalid("username", "auth xoauth2 needs the username the token was issued for")
        }
        guard !body.fromAddress.isEmpty else { throw HeraldError.invalid("from_address", "from_address is required") }
        try address(body.fromAddress, field: "from_address")
        try singleLine(body.fromName, field: "from_name", max: 200)
        try address(body.replyTo, field: "reply_to")
        if let pem = body.caPEM, pem.utf8.count > 65_536 || !pem.contains("-----BEGIN CERTIFICATE-----") {
            throw HeraldError.invalid("ca_pem", "ca_pem must be PEM certificates (at most 64 KiB)")
        }
        return SmtpSettingsInput(
            host: body.host, port: port, security: security, username: body.username, password: body.password,
            fromAddress: body.fromAddress.lowercased(), fromName: body.fromName,
            replyTo: body.replyTo.flatMap { $0.isEmpty ? nil : $0 }, caPEM: body.caPEM, authentication: authentication)
    }

    /// Checks a template's fields (all of them on create; those given on update).
    static func template(_ body: EmailTemplateBody, creating: Bool) throws -> EmailTemplateFields {
        if creating {
            guard body.name != nil, body.subject != nil, body.htmlBody != nil else {
                throw HeraldError.invalid(
                    body.name == nil ? "name" : body.subject == nil ? "subject" : "html_body",
                    "name, subject and html_body are required")
            }
        }
        if let name = body.name {
            guard (1...100).contains(name.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_-.".contains($0)) })
            else { throw HeraldError.invalid("name", "name must be 1 to 100 letters, digits, _, - or .") }
        }
        try singleLine(body.type, field: "type", max: 50)
        try singleLine(body.subject, field: "subject", max: 1000)
        for (field, text) in [("html_body", body.htmlBody), ("text_body", body.textBody ?? nil)] {
            if let text, text.utf8.count > maxTemplateBytes {
                throw HeraldError.invalid(field, "\(field) must be at most \(maxTemplateBytes) bytes")
            }
        }
        try singleLine(body.shipperName ?? nil, field: "shipper_name", max: 200)
        try address(body.shipperEmail ?? nil, field: "shipper_email")
        try address(body.responseEmail ?? nil, field: "response_email")
        if let language = body.language, !languagePattern(language) {
            throw HeraldError.invalid("language", "language must be a language tag such as en or pt-BR")
        }
        if let variables = body.variables {
            guard variables.count <= maxVariables,
                variables.allSatisfy({ (1...100).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") } })
            else { throw HeraldError.invalid("variables", "variables must be at most \(maxVariables) names of letters, digits and _") }
        }
        try singleLine(body.description ?? nil, field: "description", max: 1000)
        return EmailTemplateFields(
            name: body.name, type: body.type, subject: body.subject, htmlBody: body.htmlBody, textBody: body.textBody,
            shipperName: body.shipperName, shipperEmail: body.shipperEmail.map { $0?.lowercased() },
            responseEmail: body.responseEmail.map { $0?.lowercased() }, language: body.language,
            variables: body.variables, description: body.description, isActive: body.isActive)
    }
}

/// `PUT …/smtp`.
struct SmtpSettingsBody: Decodable {
    var host: String
    var port: Int?
    var security: MailSecurity?
    var username: String?
    var password: String?
    var auth: SmtpAuthentication?
    var fromAddress: String
    var fromName: String?
    var replyTo: String?
    var caPEM: String?

    enum CodingKeys: String, CodingKey {
        case host, port, security, username, password, auth
        case fromAddress = "from_address", fromName = "from_name", replyTo = "reply_to", caPEM = "ca_pem"
    }
}

/// `PUT …/smtp/dkim`.
struct DkimBody: Decodable {
    var domain: String
    var selector: String
    var algorithm: String?
    var privateKeyPEM: String

    enum CodingKeys: String, CodingKey {
        case domain, selector, algorithm
        case privateKeyPEM = "private_key_pem"
    }
}

/// A template's fields; on update, absent ones stay and the optional ones may be set to null.
struct EmailTemplateBody: Decodable {
    var name, type, subject, htmlBody, language: String?
    var textBody, shipperName, shipperEmail, responseEmail, description: String??
    var variables: [String]?
    var isActive: Bool?

    enum CodingKeys: String, CodingKey {
        case name, type, subject, language, variables, description
        case htmlBody = "html_body", textBody = "text_body", shipperName = "shipper_name"
        case shipperEmail = "shipper_email", responseEmail = "response_email", isActive = "is_active"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        subject = try c.decodeIfPresent(String.self, forKey: .subject)
        htmlBody = try c.decodeIfPresent(String.self, forKey: .htmlBody)
        language = try c.decodeIfPresent(String.self, forKey: .language)
        variables = try c.decodeIfPresent([String].self, forKey: .variables)
        isActive = try c.decodeIfPresent(Bool.self, forKey: .isActive)
        func optional(_ key: CodingKeys) throws -> String?? {
            c.contains(key) ? .some(try c.decodeIfPresent(String.self, forKey: key)) : nil
        }
        textBody = try optional(.textBody)
        shipperName = try optional(.shipperName)
        shipperEmail = try optional(.shipperEmail)
        responseEmail = try optional(.responseEmail)
        description = try optional(.description)
    }
}

/// `POST /api/mail`: `to` is one address or a list.
struct SendMailBody: Decodable {
    var template: String
    var to: [String]
    var orgId: String?
    var language: String?
    var variables: [String: String]

    enum CodingKeys: String, CodingKey {
        case template, to, language, variables
        case orgId = "org_id"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        template = try c.decode(String.self, forKey: .template)
        if let single = try? c.decode(String.self, forKey: .to) {
            to = [single]
        } else {
            to = try c.decode([String].self, forKey: .to)
        }
        orgId = try c.decodeIfPresent(String.self, forKey: .orgId)
        language = try c.decodeIfPresent(String.self, forKey: .language)
        variables = try c.decodeIfPresent([String: String].self, forKey: .variables) ?? [:]
    }

    func validated() throws -> MailRequest {
        guard (1...100).contains(to.count) else { throw HeraldError.invalid("to", "to must hold 1 to 100 addresses") }
        for address in to {
            guard !address.isEmpty else { throw HeraldError.invalid("to", "to must not hold an empty address") }
            try MailInput.address(address, field: "to")
        }
        let language = language ?? "en"
        guard MailInput.languagePattern(language) else {
            throw HeraldError.invalid("language", "language must be a language tag such as en or pt-BR")
        }
        guard variables.count <= MailInput.maxVariables,
            variables.allSatisfy({ $0.key.count <= 100 && $0.value.count <= MailInput.maxVariableLength })
        else {
            throw HeraldError.invalid(
                "variables", "variables holds at most \(MailInput.maxVariables) values of at most \(MailInput.maxVariableLength) characters")
        }
        return MailRequest(
            orgId: orgId, template: template, language: language, to: to.map { $0.lowercased() }, variables: variables)
    }
}

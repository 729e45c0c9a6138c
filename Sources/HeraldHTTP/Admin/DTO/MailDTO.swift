import HeraldCore
import Hummingbird

/// An organization's SMTP settings; the password is write-only (`has_password`).
struct SmtpSettingsDTO: ResponseEncodable {
    var settings: SmtpSettings

    enum CodingKeys: String, CodingKey {
        case host, port, security, username, auth
        case hasPassword = "has_password", fromAddress = "from_address", fromName = "from_name", replyTo = "reply_to"
        case caPEM = "ca_pem", createdAt = "created_at", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(settings.host, forKey: .host)
        try c.encode(settings.port, forKey: .port)
        try c.encode(settings.security, forKey: .security)
        try c.encode(settings.username, forKey: .username)
        try c.encode(settings.authentication, forKey: .auth)
        try c.encode(settings.hasPassword, forKey: .hasPassword)
        try c.encode(settings.fromAddress, forKey: .fromAddress)
        try c.encode(settings.fromName, forKey: .fromName)
        try c.encode(settings.replyTo, forKey: .replyTo)
        try c.encode(settings.caPEM, forKey: .caPEM)
        try c.encode(Timestamp.format(settings.createdAt), forKey: .createdAt)
        try c.encode(Timestamp.format(settings.updatedAt), forKey: .updatedAt)
    }
}

/// A DKIM key's public side: where to publish what (the private key is write-only).
struct DkimDTO: ResponseEncodable {
    var settings: DkimSettings

    enum CodingKeys: String, CodingKey {
        case domain, selector, algorithm
        case dnsName = "dns_name", dnsRecord = "dns_record", createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(settings.domain, forKey: .domain)
        try c.encode(settings.selector, forKey: .selector)
        try c.encode(settings.algorithm, forKey: .algorithm)
        try c.encode(settings.dnsName, forKey: .dnsName)
        try c.encode(settings.dnsRecord, forKey: .dnsRecord)
        try c.encode(Timestamp.format(settings.createdAt), forKey: .createdAt)
    }
}

/// An email template, as the seed `003_…` shapes it.
struct EmailTemplateDTO: ResponseEncodable {
    var template: EmailTemplate

    enum CodingKeys: String, CodingKey {
        case id, name, type, subject, language, variables, description
        case htmlBody = "html_body", textBody = "text_body", shipperName = "shipper_name"
        case shipperEmail = "shipper_email", responseEmail = "response_email", isActive = "is_active"
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let t = template
        try c.encode(t.id, forKey: .id)
        try c.encode(t.name, forKey: .name)
        try c.encode(t.type, forKey: .type)
        try c.encode(t.subject, forKey: .subject)
        try c.encode(t.htmlBody, forKey: .htmlBody)
        try c.encode(t.textBody, forKey: .textBody)
        try c.encode(t.shipperName, forKey: .shipperName)
        try c.encode(t.shipperEmail, forKey: .shipperEmail)
        try c.encode(t.responseEmail, forKey: .responseEmail)
        try c.encode(t.language, forKey: .language)
        try c.encode(t.variables, forKey: .variables)
        try c.encode(t.description, forKey: .description)
        try c.encode(t.isActive, forKey: .isActive)
        try c.encode(Timestamp.format(t.createdAt), forKey: .createdAt)
        try c.encode(Timestamp.format(t.updatedAt), forKey: .updatedAt)
    }
}

struct EmailTemplatePageDTO: ResponseEncodable {
    var templates: [EmailTemplateDTO]
    var total: Int
}

/// `POST /api/mail`.
struct SendMailResultDTO: ResponseEncodable {
    var messageId: String
    var jobId: String

    enum CodingKeys: String, CodingKey {
        case messageId = "message_id", jobId = "job_id"
    }
}

/// A mail of the delivery log, with its recipients' outcomes and the attempts' server replies.
struct MailRecordDTO: ResponseEncodable {
    var mail: MailRecord

    enum CodingKeys: String, CodingKey {
        case id, template, language, status, recipients, attempts
        case messageId = "message_id", jobId = "job_id", createdAt = "created_at"
    }

    struct Recipient: Encodable {
        var address, status: String
        var reply: String?
        var updatedAt: String
        enum CodingKeys: String, CodingKey {
            case address, status, reply
            case updatedAt = "updated_at"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(address, forKey: .address)
            try c.encode(status, forKey: .status)
            try c.encode(reply, forKey: .reply)
            try c.encode(updatedAt, forKey: .updatedAt)
        }
    }

    struct Attempt: Encodable {
        var at: String
        var statusCode: Int?
        var durationMs: Int
        var error, replies: String?
        enum CodingKeys: String, CodingKey {
            case at, error, replies
            case statusCode = "status_code", durationMs = "duration_ms"
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(at, forKey: .at)
            try c.encode(statusCode, forKey: .statusCode)
            try c.encode(durationMs, forKey: .durationMs)
            try c.encode(error, forKey: .error)
            try c.encode(replies, forKey: .replies)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(mail.id, forKey: .id)
        try c.encode("<\(mail.messageID)>", forKey: .messageId)
        try c.encode(String(mail.jobId), forKey: .jobId)
        try c.encode(mail.template, forKey: .template)
        try c.encode(mail.language, forKey: .language)
        try c.encode(mail.status, forKey: .status)
        try c.encode(
            mail.recipients.map {
                Recipient(address: $0.address, status: $0.status.rawValue, reply: $0.reply, updatedAt: Timestamp.format($0.updatedAt))
            }, forKey: .recipients)
        try c.encode(
            mail.attempts.map {
                Attempt(
                    at: Timestamp.format($0.startedAt), statusCode: $0.statusCode,
                    durationMs: Int(($0.duration.inSeconds * 1000).rounded()), error: $0.error, replies: $0.responseExcerpt)
            }, forKey: .attempts)
        try c.encode(Timestamp.format(mail.createdAt), forKey: .createdAt)
    }
}

struct MailPageDTO: ResponseEncodable {
    var mails: [MailRecordDTO]
    var total: Int
    var page: Int
    var limit: Int
}

struct MailSuppressionDTO: ResponseEncodable {
    var address, reason, createdAt: String

    init(_ suppression: MailSuppression) {
        address = suppression.address
        reason = suppression.reason
        createdAt = Timestamp.format(suppression.createdAt)
    }

    enum CodingKeys: String, CodingKey {
        case address, reason
        case createdAt = "created_at"
    }
}

import Foundation

/// A mail to send: a template, its language and variables, and the recipients. Stored (variables sealed) with
/// its Message-ID and one status per recipient; one `mail.send` job sends it.
public struct MailRequest: Sendable, Hashable {
    /// nil: a platform mail (sent through the platform relay).
    public var orgId: String?
    public var template: String
    public var language: String
    public var to: [String]
    public var variables: [String: String]

    public init(orgId: String?, template: String, language: String = "en", to: [String], variables: [String: String]) {
        self.orgId = orgId
        self.template = template
        self.language = language
        self.to = to
        self.variables = variables
    }
}

/// A mail as the delivery log shows it.
public struct MailRecord: Sendable, Hashable, Identifiable {
    public var id: String
    public var orgId: String?
    public var messageID: String
    public var jobId: Int64
    public var template: String
    public var language: String
    public var recipients: [MailRecipient]
    /// The job's attempts, each with the server's replies.
    public var attempts: [JobAttempt]
    public var createdAt: Date

    public init(
        id: String, orgId: String?, messageID: String, jobId: Int64, template: String, language: String,
        recipients: [MailRecipient], attempts: [JobAttempt], createdAt: Date
    ) {
        self.id = id
        self.orgId = orgId
        self.messageID = messageID
        self.jobId = jobId
        self.template = template
        self.language = language
        self.recipients = recipients
        self.attempts = attempts
        self.createdAt = createdAt
    }

    /// `sent` when every recipient is done and one took it, `bounced` when none did, else `pending`.
    public var status: String {
        if recipients.contains(where: { $0.status == .pending }) { return "pending" }
        return recipients.contains(where: { $0.status == .accepted }) ? "sent" : "bounced"
    }
}

/// One recipient of a mail and what became of it.
public struct MailRecipient: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Not accepted yet (retried on the mail schedule).
        case pending
        /// The server answered 250 after DATA: never sent again.
        case accepted
        /// A 5xx: permanent; the address went on the suppression list.
        case bounced
        /// On the suppression list: not sent.
        case suppressed
        /// Given up after the last attempt.
        case failed
    }

    public var address: String
    public var status: Status
    /// The server's last reply (`250 2.0.0 Ok: queued as …`).
    public var reply: String?
    public var updatedAt: Date

    public init(address: String, status: Status, reply: String?, updatedAt: Date) {
        self.address = address
        self.status = status
        self.reply = reply
        self.updatedAt = updatedAt
    }
}

/// An address mail is not sent to (it bounced, or an admin put it there).
public struct MailSuppression: Sendable, Hashable {
    public var address: String
    public var reason: String
    public var createdAt: Date

    public init(address: String, reason: String, createdAt: Date) {
        self.address = address
        self.reason = reason
        self.createdAt = createdAt
    }
}

/// A mail loaded for its sender: the request (variables opened), its Message-ID, and the recipients left.
public struct PendingMail: Sendable, Hashable {
    public var id: String
    public var messageID: String
    public var request: MailRequest
    public var pending: [String]

    public init(id: String, messageID: String, request: MailRequest, pending: [String]) {
        self.id = id
        self.messageID = messageID
        self.request = request
        self.pending = pending
    }
}

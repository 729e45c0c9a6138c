import Foundation

/// A mail message as Herald sends it: one sender, its recipients, a subject, a text part and an
/// optional HTML part. `rendered()` turns it into RFC 5322 octets.
///
/// Every value that goes into a header is checked (again) when the message is rendered; none is
/// ever cleaned, so a CR or LF in any of them is an error, not a header line.
public struct MailMessage: Sendable, Hashable {
    public var from: MailAddress
    public var replyTo: MailAddress?
    public var to: [MailAddress]
    public var subject: String
    /// The `text/plain` part.
    public var text: String
    /// The `text/html` part; with `nil` the message is a single `text/plain` part.
    public var html: String?
    /// The Message-ID without its angle brackets (`local@domain`); stable across delivery attempts.
    public var messageID: String
    public var date: Date
    /// Headers written after the ones `MailMessage` writes itself (`List-Unsubscribe`…).
    public var extraHeaders: [MailHeaderField]

    public init(
        from: MailAddress,
        replyTo: MailAddress? = nil,
        to: [MailAddress],
        subject: String,
        text: String,
        html: String? = nil,
        messageID: String,
        date: Date = Date(),
        extraHeaders: [MailHeaderField] = []
    ) {
        self.from = from
        self.replyTo = replyTo
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
        self.extraHeaders = extraHeaders
    }

    /// A new, unique Message-ID for a message sent from `domain` (without angle brackets):
    /// 128 random bits in hexadecimal, `@`, the domain. The domain is not checked here:
    /// `rendered()` refuses a Message-ID whose domain is not dot-atom text.
    public static func makeMessageID(domain: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = (0..<2).map { _ in generator.next() as UInt64 }
        let hex = random.map { value in
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return hex.joined() + "@" + domain
    }

    /// Checks every value that goes into a header.
    /// - Throws: `MailError` naming the first bad input (`from`, `reply_to`, `to`, `subject`,
    ///   `message_id`, `headers`, `date`).
    public func validate() throws(MailError) {
        try from.validate(field: "from")
        try replyTo?.validate(field: "reply_to")
        guard !to.isEmpty else {
            throw MailError(field: "to", message: "a message needs at least one recipient")
        }
        for recipient in to {
            try recipient.validate(field: "to")
        }
        try MailHeaderCheck.refuseLineBreaks(subject, field: "subject")
        try MailAddressSyntax.checkMessageID(messageID, field: "message_id")
        for header in extraHeaders {
            try header.validate(field: "headers")
        }
        _ = try MailDate.format(date)
    }
}

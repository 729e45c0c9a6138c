/// An extra header for a message (`List-Unsubscribe`, `X-Herald-Template`…), checked when it is made.
///
/// The value is written as it is when it is US-ASCII (folded at its spaces when long), and as
/// RFC 2047 encoded-words (unstructured text) when it is not.
public struct MailHeaderField: Sendable, Hashable {
    /// Headers that `MailMessage` writes itself; an extra header cannot replace or repeat them.
    public static let reservedNames: Set<String> = [
        "date", "from", "reply-to", "to", "subject", "message-id", "mime-version",
        "auto-submitted", "content-type", "content-transfer-encoding",
    ]
    /// Recipient headers: every recipient goes in `MailMessage.to` (one SMTP transaction each), so a
    /// Cc or Bcc header would name people the message is not sent to, or reveal blind copies.
    public static let recipientNames: Set<String> = ["cc", "bcc"]

    public var name: String
    public var value: String

    /// - Throws: `MailError` (field `headers`) when the name is not a header field name, is one that
    ///   `MailMessage` writes itself, Cc or Bcc, or the value holds CR, LF or NUL.
    public init(_ name: String, _ value: String) throws(MailError) {
        self.name = name
        self.value = value
        try validate()
    }

    /// Checks the name and the value again (both are `var`s, so rendering checks before use).
    public func validate(field: String = "headers") throws(MailError) {
        try MailHeaderCheck.checkFieldName(name, field: field)
        guard !Self.reservedNames.contains(name.lowercased()) else {
            throw MailError(field: field, message: "\(name) is written by Herald and cannot be set as an extra header")
        }
        guard !Self.recipientNames.contains(name.lowercased()) else {
            throw MailError(field: field, message: "\(name) is not supported: every recipient goes in to")
        }
        try MailHeaderCheck.refuseLineBreaks(value, field: field)
    }
}

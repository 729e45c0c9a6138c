/// The answer of ``SMTPTransport/verify(_:)``: whether Herald can log in to an SMTP server with a configuration.
public struct SMTPVerifyResult: Sendable, Hashable {
    /// Connected, upgraded to TLS as the security mode requires and (with credentials) authenticated.
    public var ok: Bool
    /// One clear sentence for the person who typed the settings, quoting the server when it answered.
    public var message: String
    /// The server's last reply, when it sent one.
    public var reply: SMTPReply?

    public init(ok: Bool, message: String, reply: SMTPReply?) {
        self.ok = ok
        self.message = message
        self.reply = reply
    }
}

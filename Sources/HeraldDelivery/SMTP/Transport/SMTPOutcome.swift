/// The result of one SMTP transaction (one recipient), as a mail job needs it.
public enum SMTPOutcome: Sendable, Hashable {
    /// The server accepted the message: its reply after the end of DATA (a 2xx).
    case accepted(SMTPReply)
    /// Try again later: a 4xx at any step, or no usable answer (connection refused or lost, timeout, TLS or
    /// authentication failure, the transport shutting down). The reply is the server's refusal when there was
    /// one; the text says what happened.
    case transient(SMTPReply?, String)
    /// Do not retry: a 5xx to MAIL FROM, RCPT TO or DATA (a bounce), or an envelope address that Herald
    /// refuses to put on the wire (then the reply is a local `501`, never sent by any server).
    case permanent(SMTPReply, String)

    /// The server's reply in the outcome, when there is one.
    public var reply: SMTPReply? {
        switch self {
        case .accepted(let reply): reply
        case .transient(let reply, _): reply
        case .permanent(let reply, _): reply
        }
    }
}

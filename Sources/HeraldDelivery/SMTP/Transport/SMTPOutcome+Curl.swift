import CCurl

extension SMTPOutcome {
    /// Classifies a finished transfer.
    ///
    /// - accepted: curl succeeded; the reply is the server's answer to the end of the message.
    /// - permanent: the last reply is a 5xx to MAIL FROM, RCPT TO, DATA or the end of the message, except
    ///   `530` (authentication required), which is the configuration's fault, not the message's.
    /// - transient: everything else (4xx, a failed connection, TLS or AUTH, a timeout).
    init(curlCode code: CURLcode, transcript: SMTPTranscript, detail: String, server: SMTPServer, recipient: String) {
        if code == CURLE_OK {
            let reply = transcript.reply(to: .message) ?? transcript.last.map(\.reply).flatMap { $0.isPositive ? $0 : nil }
            self = .accepted(reply ?? SMTPReply(code: 250, text: ""))
            return
        }
        let message = SMTPFailureText.describe(
            code: code, detail: detail, transcript: transcript, server: server, recipient: recipient)
        if let refusal = transcript.lastRefusal, refusal.reply.isPermanent, refusal.command.refusesMessage,
            refusal.reply.code != 530
        {
            self = .permanent(refusal.reply, message)
        } else {
            self = .transient(transcript.lastRefusal?.reply, message)
        }
    }

    /// The outcome for an envelope address that is not put on the wire: a local `501`, never retried.
    static func refused(_ problem: String, isRecipient: Bool) -> SMTPOutcome {
        let status = isRecipient ? "5.1.3" : "5.1.7"
        return .permanent(
            SMTPReply(code: 501, text: "\(status) \(problem) (refused by Herald, not sent)"), "not sent: \(problem)")
    }
}

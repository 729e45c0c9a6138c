/// The checks on an envelope address (MAIL FROM, RCPT TO) before it goes on the wire.
enum SMTPEnvelopeAddress {
    /// Why `address` cannot be sent, or `nil`: control characters (CR and LF would start a new SMTP
    /// command), angle brackets (curl puts the address between them), white space (which would end the
    /// address and start ESMTP parameters), and, for a recipient, no `@`.
    static func problem(with address: String, isRecipient: Bool) -> String? {
        let role = isRecipient ? "recipient" : "envelope sender"
        if isRecipient && address.isEmpty { return "the recipient address is empty" }
        for scalar in address.unicodeScalars {
            switch scalar {
            case "\r", "\n": return "the \(role) address contains a line break"
            case "<", ">": return "the \(role) address contains an angle bracket"
            case " ", "\t": return "the \(role) address contains white space"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                    return "the \(role) address contains a control character"
                }
            }
        }
        if isRecipient {
            guard let at = address.lastIndex(of: "@"), at != address.startIndex, address.index(after: at) != address.endIndex
            else { return "the recipient address \(address.debugDescription) has no local part and domain" }
        }
        return nil
    }
}

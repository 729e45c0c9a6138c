extension MailMessage {
    /// The message as it is sent: RFC 5322 with CRLF line endings.
    ///
    /// Headers, in order: `Date`, `From`, `Reply-To` (when set), `To`, `Subject`, `Message-ID`, the
    /// extra headers, `MIME-Version: 1.0`, `Auto-Submitted: auto-generated` (RFC 3834), then the
    /// content headers. Non-ASCII header text goes as RFC 2047 encoded-words, folded within 76
    /// characters. The body is one `text/plain` part, or a `multipart/alternative` of the text then
    /// the HTML; each part is UTF-8 in `7bit`, quoted-printable or base64 (`MIMETextBody` picks),
    /// with lines of at most 78 octets.
    ///
    /// Lines that start with `.` are left to the SMTP transport, which dot-stuffs; quoted-printable
    /// writes a leading `.` and `From ` escaped anyway (see `QuotedPrintable`), and `7bit` is never
    /// used for a text with a line starting `From `. The output depends only on the message: the
    /// multipart boundary is derived from it.
    /// - Throws: `MailError` when any header input holds CR, LF or NUL, or is not valid for its field.
    public func rendered() throws(MailError) -> [UInt8] {
        try validate()
        var output: [UInt8] = []
        output += Self.simpleField("Date", try MailDate.format(date))
        output += MailAddress.headerField("From", [from])
        if let replyTo {
            output += MailAddress.headerField("Reply-To", [replyTo])
        }
        output += MailAddress.headerField("To", to)
        output += Self.unstructuredField("Subject", subject)
        output += Self.simpleField("Message-ID", "<\(messageID)>")
        for header in extraHeaders {
            output += try Self.extraField(header)
        }
        output += Self.simpleField("MIME-Version", "1.0")
        output += Self.simpleField("Auto-Submitted", "auto-generated")

        guard let html else {
            let body = MIMETextBody(text, terminated: true)
            output += Self.contentFields(subtype: "plain", encoding: body.encoding)
            output += [0x0D, 0x0A]
            output += body.bytes
            return output
        }
        let parts = [("plain", MIMETextBody(text, terminated: false)), ("html", MIMETextBody(html, terminated: false))]
        let boundary = MIMEBoundary.make(messageID: messageID, parts: parts.map(\.1))
        var contentType = HeaderFieldWriter(name: "Content-Type")
        contentType.append("multipart/alternative;")
        contentType.append("boundary=\"\(boundary)\"")
        output += contentType.field
        output += [0x0D, 0x0A]
        for (subtype, body) in parts {
            output += Array("--\(boundary)\r\n".utf8)
            output += Self.contentFields(subtype: subtype, encoding: body.encoding)
            output += [0x0D, 0x0A]
            output += body.bytes
            // This CRLF belongs to the delimiter that follows (RFC 2046 section 5.1.1).
            output += [0x0D, 0x0A]
        }
        output += Array("--\(boundary)--\r\n".utf8)
        return output
    }

    static func contentFields(subtype: String, encoding: ContentTransferEncoding) -> [UInt8] {
        simpleField("Content-Type", "text/\(subtype); charset=utf-8")
            + simpleField("Content-Transfer-Encoding", encoding.rawValue)
    }

    /// A field whose value is short, checked US-ASCII written by Herald itself.
    static func simpleField(_ name: String, _ value: String) -> [UInt8] {
        Array("\(name): \(value)\r\n".utf8)
    }

    /// Unstructured text (RFC 5322 section 3.2.5): as it is when it is printable ASCII that
    /// folds within 78 characters and has nothing that reads as an encoded-word or white space
    /// at its ends (which parsers strip); as encoded-words otherwise.
    static func unstructuredField(_ name: String, _ value: String) -> [UInt8] {
        var writer = HeaderFieldWriter(name: name)
        let bytes = value.utf8
        let plain = bytes.allSatisfy { (0x20...0x7E).contains($0) }
            && bytes.first != 0x20 && bytes.last != 0x20 && !value.contains("=?")
        if plain {
            writer.appendText(value)
            if writer.longestLine <= HeaderFieldWriter.lineLimit { return writer.field }
            writer = HeaderFieldWriter(name: name)
        }
        writer.appendEncoded(value)
        return writer.field
    }

    /// An extra header: ASCII as it is (folded at its spaces), other text as encoded-words.
    /// - Throws: `MailError` when an ASCII value has a run without spaces too long for one line (998).
    static func extraField(_ header: MailHeaderField) throws(MailError) -> [UInt8] {
        var writer = HeaderFieldWriter(name: header.name)
        guard header.value.utf8.allSatisfy({ (0x20...0x7E).contains($0) || $0 == 0x09 }) else {
            writer.appendEncoded(header.value)
            return writer.field
        }
        writer.appendText(header.value)
        guard writer.longestLine <= 998 else {
            throw MailError(
                field: "headers", message: "\(header.name) has a part without spaces too long for one header line (998)")
        }
        return writer.field
    }
}

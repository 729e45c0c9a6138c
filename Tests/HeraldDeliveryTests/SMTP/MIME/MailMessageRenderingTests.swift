import Foundation
import Testing

@testable import HeraldDelivery

@Suite struct MailMessageRenderingTests {
    static let date = Date(timeIntervalSince1970: 1_796_134_304)

    func message(subject: String = "Welcome", text: String = "Hello Ada,\nwelcome.\n", html: String? = nil) throws -> MailMessage {
        MailMessage(
            from: try MailAddress("noreply@herald.example", name: "Herald"),
            to: [try MailAddress("ada@example.com")],
            subject: subject, text: text, html: html,
            messageID: "abc123@herald.example", date: Self.date)
    }

    @Test func aPlainTextMessage() throws {
        let rendered = MIMETestDecoding.string(try message().rendered())
        #expect(rendered == """
            Date: Tue, 01 Dec 2026 14:11:44 +0000\r
            From: Herald <noreply@herald.example>\r
            To: ada@example.com\r
            Subject: Welcome\r
            Message-ID: <abc123@herald.example>\r
            MIME-Version: 1.0\r
            Auto-Submitted: auto-generated\r
            Content-Type: text/plain; charset=utf-8\r
            Content-Transfer-Encoding: 7bit\r
            \r
            Hello Ada,\r
            welcome.\r

            """)
    }

    @Test func replyToAndExtraHeadersTakeTheirPlaces() throws {
        var mail = try message()
        mail.replyTo = try MailAddress("support@example.com", name: "Support, Example")
        mail.to.append(try MailAddress("bob@example.com", name: "Bob"))
        mail.extraHeaders = [try MailHeaderField("List-Unsubscribe", "<https://example.com/u/1>")]
        let names = MIMETestDecoding.lines(try mail.rendered()).prefix { !$0.isEmpty }
            .filter { $0.first != 0x20 }.map { MIMETestDecoding.string(Array($0.prefix { $0 != UInt8(ascii: ":") })) }
        #expect(names == ["Date", "From", "Reply-To", "To", "Subject", "Message-ID", "List-Unsubscribe",
                          "MIME-Version", "Auto-Submitted", "Content-Type", "Content-Transfer-Encoding"])
        let text = MIMETestDecoding.string(try mail.rendered())
        #expect(text.contains("Reply-To: \"Support, Example\" <support@example.com>\r\n"))
        #expect(text.contains("To: ada@example.com, Bob <bob@example.com>\r\n"))
    }

    @Test func aMultipartMessageHasTextThenHTMLAndAClosingDelimiter() throws {
        let mail = try message(html: "<p>Hello Ada, welcome.</p>\n")
        let rendered = MIMETestDecoding.string(try mail.rendered())
        let boundary = try #require(rendered.firstRange(of: "boundary=\"").map { rendered[$0.upperBound...].prefix { $0 != "\"" } })
        #expect(boundary.hasPrefix("=_herald_") && boundary.count <= 70)
        #expect(rendered.contains("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"\r\n\r\n--\(boundary)\r\n"))
        let plain = try #require(rendered.firstRange(of: "Content-Type: text/plain; charset=utf-8"))
        let html = try #require(rendered.firstRange(of: "Content-Type: text/html; charset=utf-8"))
        #expect(plain.lowerBound < html.lowerBound)
        #expect(rendered.hasSuffix("\r\n--\(boundary)--\r\n"))
        #expect(rendered.components(separatedBy: "--\(boundary)").count == 4)
    }

    @Test func renderingIsDeterministicAndTheBoundaryFollowsTheContent() throws {
        let mail = try message(html: "<p>Hi</p>")
        #expect(try mail.rendered() == mail.rendered())
        var other = mail
        other.html = "<p>Hi!</p>"
        #expect(MIMEBoundary.make(messageID: mail.messageID, parts: [MIMETextBody("a", terminated: false)])
            != MIMEBoundary.make(messageID: "other@herald.example", parts: [MIMETextBody("a", terminated: false)]))
        #expect(try mail.rendered() != other.rendered())
    }

    @Test func aSevenBitPartThatHoldsTheBoundaryGetsAnotherOne() throws {
        let messageID = "abc123@herald.example"
        let first = MIMEBoundary.make(messageID: messageID, parts: [MIMETextBody("x\n", terminated: false)])
        let trap = MIMETextBody("x\n--\(first)\n", terminated: false)
        #expect(trap.encoding == .sevenBit)
        // A different text hashes to a different boundary anyway; force the collision check itself.
        #expect(MIMEBoundary.occurs(first, in: trap.bytes))
        #expect(!MIMEBoundary.occurs(first, in: MIMETextBody("x --\(first)\n", terminated: false).bytes))
    }

    @Test func eachPartPicksItsEncoding() {
        #expect(MIMETextBody("Hello\n", terminated: true).encoding == .sevenBit)
        // Not ended by a line break: 7bit would add one at the end of the message.
        #expect(MIMETextBody("Hello", terminated: true).encoding == .quotedPrintable)
        #expect(MIMETextBody("Hello", terminated: false).encoding == .sevenBit)
        #expect(MIMETextBody("From here on\n", terminated: true).encoding == .quotedPrintable)
        #expect(MIMETextBody("trailing \n", terminated: true).encoding == .quotedPrintable)
        #expect(MIMETextBody(String(repeating: "a", count: 79), terminated: false).encoding == .quotedPrintable)
        #expect(MIMETextBody("Grüße aus Zürich, and the rest of this line is in English.\n", terminated: true).encoding
            == .quotedPrintable)
        // Short text with many escapes is shorter in base64.
        #expect(MIMETextBody("Grüße aus Zürich\n", terminated: true).encoding == .base64)
        #expect(MIMETextBody("日本語のテキストです。\n", terminated: true).encoding == .base64)
        #expect(MIMETextBody("🚀🚀🚀🚀", terminated: true).encoding == .base64)
        #expect(MIMETextBody("", terminated: true).bytes.isEmpty)
    }

    @Test func everyLineIsShortAndEndsWithCRLF() throws {
        let longHTML = "<html><body>" + String(repeating: "<p class=\"x\">Grüße — hello</p>", count: 200) + "</body></html>"
        let longText = String(repeating: "word ", count: 500) + "\n" + String(repeating: "日本語", count: 400)
        var mail = try message(subject: String(repeating: "Long subject ", count: 30), text: longText, html: longHTML)
        mail.to = try (0..<20).map { try MailAddress("user\($0)@example.com", name: "Üser Nümber \($0)") }
        let rendered = try mail.rendered()
        #expect(rendered.suffix(2).elementsEqual([0x0D, 0x0A]))
        for line in MIMETestDecoding.lines(rendered) {
            #expect(line.count <= 78, "\(MIMETestDecoding.string(line))")
            #expect(!line.contains(0x0D) && !line.contains(0x0A))
            #expect(line.allSatisfy { $0 < 0x80 }, "only US-ASCII on the wire")
        }
    }

    @Test func makeMessageIDIsUniqueAndValid() throws {
        let ids = (0..<1000).map { _ in MailMessage.makeMessageID(domain: "herald.example") }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(10) {
            try MailAddressSyntax.checkMessageID(id, field: "message_id")
            #expect(id.hasSuffix("@herald.example") && id.count == 32 + 15)
        }
    }
}

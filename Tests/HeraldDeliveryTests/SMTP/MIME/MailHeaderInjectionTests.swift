import Foundation
import Testing

@testable import HeraldDelivery

/// Header injection: every input that ends in a header is checked, and a bad one is an error.
@Suite struct MailHeaderInjectionTests {
    func valid() throws -> MailMessage {
        MailMessage(
            from: try MailAddress("noreply@herald.example"), to: [try MailAddress("ada@example.com")],
            subject: "Hi", text: "Hi", messageID: "id1@herald.example")
    }

    func expectRefused(_ field: String, _ change: (inout MailMessage) throws -> Void) throws {
        var mail = try valid()
        try change(&mail)
        #expect(throws: MailError.self) { try mail.rendered() }
        do {
            _ = try mail.rendered()
        } catch {
            #expect(error.field == field, "\(error)")
        }
    }

    @Test(arguments: ["\r\nBcc: victim@example.com", "\nX-Evil: 1", "\r", "\0"])
    func everyHeaderInputIsChecked(injection: String) throws {
        try expectRefused("subject") { $0.subject += injection }
        try expectRefused("from") { $0.from.name = "Herald\(injection)" }
        try expectRefused("from") { $0.from.address += injection }
        try expectRefused("reply_to") { $0.replyTo = try MailAddress("r@example.com"); $0.replyTo?.name = injection }
        try expectRefused("to") { $0.to.append(try MailAddress("b@example.com")); $0.to[1].address = "b@example.com" + injection }
        try expectRefused("to") { $0.to[0].name = "Ada\(injection)" }
        try expectRefused("message_id") { $0.messageID += injection }
        try expectRefused("headers") { $0.extraHeaders = [try MailHeaderField("X-Tag", "ok")]; $0.extraHeaders[0].value += injection }
        try expectRefused("headers") { $0.extraHeaders = [try MailHeaderField("X-Tag", "ok")]; $0.extraHeaders[0].name += injection }
        #expect(throws: MailError.self) { try MailHeaderField("X-Tag", "a\(injection)") }
    }

    @Test func otherMistakesAreRefusedToo() throws {
        try expectRefused("to") { $0.to = [] }
        try expectRefused("message_id") { $0.messageID = "<id1@herald.example>" }
        try expectRefused("message_id") { $0.messageID = "no-at-sign" }
        try expectRefused("date") { $0.date = Date(timeIntervalSince1970: -3_000_000_000) }
        try expectRefused("headers") {
            $0.extraHeaders = [try MailHeaderField("X-Long", String(repeating: "x", count: 1000))]
        }
        for name in ["Subject", "content-type", "MIME-Version", "Bcc", "Cc", "Message-ID"] {
            #expect(throws: MailError.self) { try MailHeaderField(name, "x") }
        }
    }

    @Test func bodiesMayHoldAnything() throws {
        var mail = try valid()
        mail.text = "line\r\nBcc: victim@example.com\r\n\r\n.\r\n\0"
        mail.html = "<p>\r\n.\r\nFrom x</p>"
        let rendered = MIMETestDecoding.string(try mail.rendered())
        let headers = try #require(rendered.components(separatedBy: "\r\n\r\n").first)
        #expect(!headers.contains("Bcc:"))
        #expect(rendered.contains("\r\nBcc: victim@example.com\r\n\r\n=2E\r\n=00\r\n"), "the text, in quoted-printable")
    }

    @Test func nonASCIIExtraHeaderValuesAreEncodedAndLongOnesFolded() throws {
        var mail = try valid()
        mail.extraHeaders = [
            try MailHeaderField("X-Note", "Grüße from the Herald team in Zürich"),
            try MailHeaderField("List-Unsubscribe", (0..<6).map { "<https://example.com/unsubscribe/\($0)>" }.joined(separator: ", ")),
        ]
        let lines = MIMETestDecoding.lines(try mail.rendered()).map(MIMETestDecoding.string)
        #expect(lines.contains("X-Note: =?UTF-8?Q?Gr=C3=BC=C3=9Fe_from_the_Herald_team_in_Z=C3=BCrich?="))
        let start = try #require(lines.firstIndex { $0.hasPrefix("List-Unsubscribe:") })
        #expect(lines[start + 1].hasPrefix(" <https://"))
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
    }
}

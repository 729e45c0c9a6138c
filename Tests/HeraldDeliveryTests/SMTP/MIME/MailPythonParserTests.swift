import Foundation
import Testing

@testable import HeraldDelivery

/// Rendered messages read back by an independent parser: Python's `email` package with
/// `policy.default`, run by `scripts/peers/mime_parse.py` (standard library only). Every decoded
/// header, address and part must be exactly what went in, and the parser must find no defect.
@Suite struct MailPythonParserTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let script = packageRoot.appendingPathComponent("scripts/peers/mime_parse.py")
    static let date = Date(timeIntervalSince1970: 1_796_134_304)

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var message: MailMessage
        /// The transfer encodings the parts should get, when the case is about them.
        var encodings: [String]? = nil
        var testDescription: String { name }
    }

    static func mail(
        from: MailAddress, replyTo: MailAddress? = nil, to: [MailAddress], subject: String, text: String,
        html: String? = nil, extraHeaders: [MailHeaderField] = []
    ) -> MailMessage {
        MailMessage(
            from: from, replyTo: replyTo, to: to, subject: subject, text: text, html: html,
            messageID: MailMessage.makeMessageID(domain: "herald.example"), date: date, extraHeaders: extraHeaders)
    }

    static let cases: [Case] = {
        do {
            let herald = try MailAddress("noreply@herald.example", name: "Herald")
            let ada = try MailAddress("ada@example.com")
            let tricky = """
                From the start: this line begins with "From ".
                .
                .. two dots, and a lone dot above
                tabs\tand trailing spaces   \t
                equals = signs =3D and =?UTF-8?Q?not_a_word?=
                From
                """
            return [
                Case(name: "plain ASCII", message: mail(
                    from: herald, to: [ada], subject: "Welcome to Herald", text: "Hello Ada,\n\nwelcome.\n"),
                    encodings: ["7bit"]),
                Case(name: "non-ASCII names and subject", message: mail(
                    from: try MailAddress("team@herald.example", name: "Zoë Ångström"),
                    replyTo: try MailAddress("support@example.com", name: "Support, Example \"Desk\""),
                    to: [try MailAddress("taro@example.jp", name: "山田 太郎"), ada,
                         try MailAddress("jose@example.es", name: "José Núñez de Balboa y Castañeda")],
                    subject: "Grüße aus Zürich — 日本語のテキスト",
                    text: "Grüße,\nZoë\n", html: "<p>Grüße,<br>Zoë</p>\n")),
                Case(name: "emoji", message: mail(
                    from: try MailAddress("rocket@herald.example", name: "🚀 Rocket Team"),
                    to: [try MailAddress("fam@example.com", name: "👩‍👩‍👧‍👦")],
                    subject: "🚀🎉 Launch day 👩‍👩‍👧‍👦 is here", text: "🚀 Lift-off! 🎉\n", html: "<h1>🚀</h1>")),
                Case(name: "long subjects and names", message: mail(
                    from: try MailAddress(
                        "physics@herald.example",
                        name: "Dr. Ångström, Head of the Department of Physics and Astronomy (Emeritus)"),
                    to: [try MailAddress("a@example.com", name: "Zoë (Ops), Herald \"Z\" [EU]"),
                         try MailAddress("b@example.com", name: String(repeating: "Long Plain Name ", count: 8) + "End"),
                         try MailAddress("c@example.com", name: "=?UTF-8?Q?looks_encoded?=")],
                    subject: String(repeating: "A rather long subject that needs folding, ", count: 6) + "done",
                    text: "short\n")),
                Case(name: "long non-ASCII subject", message: mail(
                    from: herald, to: [ada],
                    subject: String(repeating: "Ünïcödé sübjéct wïth äccents — ", count: 8) + "日本語のテキストがとても長い件名 🚀",
                    text: "x")),
                Case(name: "ASCII subject that is not plain", message: mail(
                    from: herald, to: [ada], subject: "  spaces  and\ttab =?x?= ", text: "x\n")),
                Case(name: "HTML with long lines, text with From and dots", message: mail(
                    from: herald, to: [ada], subject: "Lines",
                    text: tricky,
                    html: "<html><body>" + String(repeating: "<p class=\"row\">Grüße — a=b &amp; ✓</p>", count: 300)
                        + "</body></html>")),
                Case(name: "HTML with long lines in quoted-printable", message: mail(
                    from: herald, to: [ada], subject: "Invitation",
                    text: "Hello Zoë,\n\nyou are invited. Accept: https://example.com/accept?token=abc=def&x=1\n",
                    html: "<html><body>" + String(
                        repeating: "<p>Hello Zoë, you are invited to join. <a href=\"https://example.com/accept?t=a=b\">Accept</a></p>",
                        count: 40) + "</body></html>"),
                    encodings: ["quoted-printable", "quoted-printable"]),
                Case(name: "line endings", message: mail(
                    from: herald, to: [ada], subject: "CRLF", text: "crlf\r\nlf\ncr\rend\r\n\r\n", html: "<p>a</p>\r\n<p>b</p>\n")),
                Case(name: "7bit with dots and a From line in HTML", message: mail(
                    from: herald, to: [ada], subject: "Dots", text: ".\n..\n.x\n", html: "From here\n.\n"),
                    encodings: ["7bit", "quoted-printable"]),
                Case(name: "base64 body", message: mail(
                    from: herald, to: [ada], subject: "日本語", text: String(repeating: "日本語のテキストです。\n", count: 40)),
                    encodings: ["base64"]),
                Case(name: "single part not ending with a line break", message: mail(
                    from: herald, to: [ada], subject: "No newline", text: "Grüße, no final newline")),
                Case(name: "empty text", message: mail(from: herald, to: [ada], subject: "", text: "")),
                Case(name: "extra headers", message: mail(
                    from: herald, to: [ada], subject: "Extras", text: "x\n",
                    extraHeaders: [
                        try MailHeaderField("List-Unsubscribe", "<https://example.com/u/abc>, <mailto:u@example.com?subject=abc>"),
                        try MailHeaderField("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
                        try MailHeaderField("X-Herald-Note", "Grüße 🚀"),
                    ])),
            ]
        } catch {
            fatalError("test fixtures: \(error)")
        }
    }()

    @Test(arguments: cases)
    func pythonReadsBackExactlyWhatWentIn(_ item: Case) throws {
        let message = item.message
        let rendered = try message.rendered()
        guard let summary = try parse(rendered) else { return }
        let headers = try #require(summary["headers"] as? [String: Any])
        #expect(summary["defects"] as? [String] == [], "defects: \(summary["defects"] ?? "?")")
        #expect(headers["Subject"] as? String == message.subject)
        #expect(headers["Message-ID"] as? String == "<\(message.messageID)>")
        #expect(headers["MIME-Version"] as? String == "1.0")
        #expect(headers["Auto-Submitted"] as? String == "auto-generated")
        #expect(summary["date"] as? String == "2026-12-01T14:11:44+00:00")

        let addresses = try #require(summary["addresses"] as? [String: [[String: String]]])
        func expected(_ list: [MailAddress]) -> [[String: String]] {
            list.map { ["name": $0.name ?? "", "address": $0.address] }
        }
        #expect(addresses["From"] == expected([message.from]))
        #expect(addresses["To"] == expected(message.to))
        #expect(addresses["Reply-To"] == message.replyTo.map { expected([$0]) })

        let names = try #require(summary["header_names"] as? [String])
        let generated = ["Date", "From", "To", "Subject", "Message-ID", "MIME-Version", "Auto-Submitted", "Content-Type"]
        for name in generated {
            #expect(names.filter { $0 == name }.count == 1, "\(name) in \(names)")
        }
        for header in message.extraHeaders {
            #expect(names.contains(header.name))
        }
        if let note = message.extraHeaders.first(where: { $0.name == "X-Herald-Note" }) {
            #expect(try parse(rendered, header: "X-Herald-Note") == note.value)
        }

        let parts = try #require(summary["parts"] as? [[String: Any]])
        var wanted = [("text/plain", message.text)]
        if let html = message.html { wanted.append(("text/html", html)) }
        #expect(summary["content_type"] as? String == (message.html == nil ? "text/plain" : "multipart/alternative"))
        #expect(parts.count == wanted.count)
        for (part, (type, text)) in zip(parts, wanted) {
            #expect(part["content_type"] as? String == type)
            #expect(part["charset"] as? String == "utf-8")
            #expect(["7bit", "quoted-printable", "base64"].contains(part["transfer_encoding"] as? String ?? ""))
            #expect(part["text"] as? String == Self.canonical(text), "\(type) of \(item.name) via \(part["transfer_encoding"] ?? "?")")
        }

        if let encodings = item.encodings {
            #expect(parts.map { $0["transfer_encoding"] as? String ?? "" } == encodings)
        }

        let lines = try #require(summary["lines"] as? [String: Any])
        #expect((lines["max_length"] as? Int ?? .max) <= 78)
        #expect(lines["bare_lf"] as? Int == 0)
        #expect(lines["bare_cr"] as? Int == 0)
        #expect(lines["ends_with_crlf"] as? Bool == true)
    }

    @Test func theEncodingsAreExercised() throws {
        var seen: Set<String> = []
        for item in Self.cases {
            guard let summary = try parse(try item.message.rendered()),
                let parts = summary["parts"] as? [[String: Any]]
            else { return }
            for part in parts { seen.insert(part["transfer_encoding"] as? String ?? "") }
        }
        #expect(seen == ["7bit", "quoted-printable", "base64"])
    }

    /// The text with every line break as CRLF: what a text part decodes to.
    static func canonical(_ text: String) -> String {
        MIMETestDecoding.string(MIMETextBody.joined(MIMETextBody.canonicalLines(text)))
    }

    /// One header's decoded value, read with the standard library's parser directly.
    func parse(_ raw: [UInt8], header: String) throws -> String? {
        let code = "import email,email.policy,sys;m=email.message_from_bytes(sys.stdin.buffer.read(),policy=email.policy.default);"
            + "sys.stdout.write(str(m[sys.argv[1]]))"
        guard let output = try run(["-c", code, header], input: raw) else { return nil }
        return String(decoding: output, as: UTF8.self)
    }

    /// The script's JSON summary of `raw`; records an issue and returns `nil` when it cannot run.
    func parse(_ raw: [UInt8]) throws -> [String: Any]? {
        guard let output = try run([Self.script.path], input: raw) else { return nil }
        return try JSONSerialization.jsonObject(with: output) as? [String: Any]
    }

    func run(_ arguments: [String], input: [UInt8]) throws -> Data? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            Issue.record("python3 \(arguments.first ?? "") exited with \(process.terminationStatus): \(errors)")
            return nil
        }
        return output
    }
}

import Testing

@testable import HeraldDelivery

/// RFC 6376 §3.4: the canonicalization algorithms, on the RFC's own example (§3.4.5) and on the edge
/// cases the RFC spells out.
@Suite("DKIM canonicalization")
struct DKIMCanonicalizationTests {
    /// RFC 6376 §3.4.5, the example message written out byte by byte:
    /// `A: <SP> X <CRLF>`, `B <SP> : <SP> Y <HTAB><CRLF>`, `<HTAB> Z <SP><SP><CRLF>`, `<CRLF>`,
    /// `<SP> C <SP><CRLF>`, `D <SP><HTAB><SP> E <CRLF>`, `<CRLF>`, `<CRLF>`.
    static let example = Array("A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n".utf8)

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("the §3.4.5 example: relaxed header fields")
    func relaxedHeaderExample() throws {
        let message = try DKIMMessage(Self.example)
        #expect(message.fields.map(\.name) == ["a", "b"])
        let canonical = message.fields.flatMap { DKIMCanonicalization.relaxedHeader($0.raw) }
        #expect(Self.text(canonical) == "a:X\r\nb:Y Z\r\n")
    }

    @Test("the §3.4.5 example: relaxed and simple body")
    func bodyExample() throws {
        let message = try DKIMMessage(Self.example)
        #expect(Self.text(Array(message.body)) == " C \r\nD \t E\r\n\r\n\r\n")
        #expect(Self.text(DKIMCanonicalization.relaxedBody(message.body)) == " C\r\nD E\r\n")
        #expect(Self.text(DKIMCanonicalization.simpleBody(message.body)) == " C \r\nD \t E\r\n")
    }

    @Test("an empty body is empty under relaxed and one CRLF under simple (§3.4.3, §3.4.4)")
    func emptyBody() {
        #expect(DKIMCanonicalization.relaxedBody([][...]) == [])
        #expect(DKIMCanonicalization.simpleBody([][...]) == [13, 10])
        // The SHA-256 of the empty string: the bh= of an empty body under relaxed.
        #expect(DKIMSigner.bodyHash([][...]) == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        // A body of empty lines, or of lines of white space only, is empty too.
        #expect(DKIMCanonicalization.relaxedBody(Array("\r\n\r\n".utf8)[...]) == [])
        #expect(DKIMCanonicalization.relaxedBody(Array(" \t\r\n  \r\n".utf8)[...]) == [])
        #expect(DKIMCanonicalization.simpleBody(Array("\r\n\r\n".utf8)[...]) == [13, 10])
    }

    @Test("relaxed body: a missing final CRLF is added, inner empty lines and leading space stay")
    func relaxedBodyEdges() {
        func relaxed(_ body: String) -> String { Self.text(DKIMCanonicalization.relaxedBody(Array(body.utf8)[...])) }
        #expect(relaxed("Hi.") == "Hi.\r\n")
        #expect(relaxed("Hi.  \t") == "Hi.\r\n")
        #expect(relaxed("a\r\n\r\n  \r\nb \r\n\r\n \r\n") == "a\r\n\r\n\r\nb\r\n")
        #expect(relaxed("\t indented\t\tline\r\n") == " indented line\r\n")
        #expect(relaxed("Zoë — 日本語  ok \r\n") == "Zoë — 日本語 ok\r\n")
    }

    @Test("relaxed header: case of the name only, folding and runs of white space, bytes past ASCII kept")
    func relaxedHeaderEdges() throws {
        func relaxed(_ field: String) -> String { Self.text(DKIMCanonicalization.relaxedHeader(Array(field.utf8)[...])) }
        #expect(relaxed("SUBJECT:  Mixed CASE value ") == "subject:Mixed CASE value\r\n")
        #expect(relaxed("Subject: =?UTF-8?B?Wm/Dqw==?=\r\n =?UTF-8?B?IOKAlA==?=") == "subject:=?UTF-8?B?Wm/Dqw==?= =?UTF-8?B?IOKAlA==?=\r\n")
        #expect(relaxed("To:\r\n\t<a@example.com>,\r\n  <b@example.com>") == "to:<a@example.com>, <b@example.com>\r\n")
        #expect(relaxed("X-Empty:") == "x-empty:\r\n")
        #expect(relaxed("X-Empty: \t ") == "x-empty:\r\n")
        #expect(relaxed("Subject: Zoë  日本語") == "subject:Zoë 日本語\r\n")
    }
}

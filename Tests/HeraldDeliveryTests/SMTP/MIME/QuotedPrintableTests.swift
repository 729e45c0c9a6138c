import Foundation
import Testing

@testable import HeraldDelivery

/// RFC 2045 section 6.7 (and the RFC 2049 section 3 advice on `From ` and `.`).
@Suite struct QuotedPrintableTests {
    func encode(_ text: String) -> String {
        MIMETestDecoding.string(QuotedPrintable.encode(lines: MIMETextBody.canonicalLines(text)))
    }

    @Test func safeCharactersStayAndOthersAreEscapedInUppercaseHex() {
        // Rule 2: 33–60 and 62–126 as they are; rule 1: "=" and 8-bit octets as =XX.
        #expect(encode("a=b") == "a=3Db")
        #expect(encode("café") == "caf=C3=A9")
        #expect(encode("!\"#$%&'()*+,-./09:;<>?@AZ[\\]^_`az{|}~") == "!\"#$%&'()*+,-./09:;<>?@AZ[\\]^_`az{|}~")
        #expect(encode("\u{7F}\u{01}") == "=7F=01")
    }

    @Test func whiteSpaceIsEncodedOnlyAtTheEndOfALine() {
        // Rule 3.
        #expect(encode("a b\tc") == "a b\tc")
        #expect(encode("a \nb\t") == "a=20\r\nb=09")
        #expect(encode("  ") == " =20")
    }

    @Test func lineBreaksAreCRLFHardBreaks() {
        // Rule 4: any of LF, CRLF or a lone CR is one line break, written CRLF.
        #expect(encode("a\nb\r\nc\rd\n") == "a\r\nb\r\nc\r\nd\r\n")
        #expect(encode("\n\n") == "\r\n\r\n")
    }

    @Test func longLinesGetSoftBreaksWithinSeventySixCharacters() throws {
        // Rule 5.
        let text = String(repeating: "x", count: 200) + "\n" + String(repeating: "é", count: 100)
        let encoded = QuotedPrintable.encode(lines: MIMETextBody.canonicalLines(text))
        let lines = MIMETestDecoding.lines(encoded)
        #expect(lines.count > 4)
        for line in lines {
            #expect(line.count <= 76)
        }
        // An escape is never split by a soft break.
        for line in lines where line.last == UInt8(ascii: "=") {
            let body = line.dropLast()
            if let equals = body.lastIndex(of: UInt8(ascii: "=")) { #expect(body.count - equals == 3) }
        }
        let decoded = try #require(MIMETestDecoding.quotedPrintable(encoded))
        #expect(MIMETestDecoding.string(decoded) == text.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    @Test func aLineOfExactlySeventySixFitsWithoutASoftBreak() {
        let line = String(repeating: "a", count: 76)
        #expect(encode(line) == line)
        #expect(encode(line + "b") == String(repeating: "a", count: 75) + "=\r\nab")
    }

    @Test func fromAndDotAtTheStartOfALineAreEscaped() {
        #expect(encode("From me\nA From b\n.\n..x") == "=46rom me\r\nA From b\r\n=2E\r\n=2E.x")
        #expect(encode("Fromage") == "Fromage")
        // Also at the start of a line made by a soft break.
        let text = String(repeating: "a", count: 75) + ".b"
        #expect(encode(text) == String(repeating: "a", count: 75) + "=\r\n=2Eb")
    }

    @Test func randomTextRoundTrips() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab =.\tF\nFrom \r\n é😀=\u{0}".unicodeScalars)
        for _ in 0..<200 {
            var text = ""
            for _ in 0..<Int.random(in: 0..<300, using: &generator) {
                text.unicodeScalars.append(alphabet.randomElement(using: &generator)!)
            }
            let encoded = QuotedPrintable.encode(lines: MIMETextBody.canonicalLines(text))
            for line in MIMETestDecoding.lines(encoded) {
                #expect(line.count <= 76)
                #expect(line.last != 0x20 && line.last != 0x09)
                #expect(line.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x09 })
            }
            let decoded = try #require(MIMETestDecoding.quotedPrintable(encoded))
            let canonical = MIMETextBody.joined(MIMETextBody.canonicalLines(text))
            #expect(decoded == canonical, "\(text.debugDescription)")
        }
    }
}

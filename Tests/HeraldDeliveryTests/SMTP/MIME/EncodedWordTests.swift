import Foundation
import Testing

@testable import HeraldDelivery

/// RFC 2047 encoded-words.
@Suite struct EncodedWordTests {
    @Test func qForMostlyASCIIWithThePhraseAlphabet() {
        // The shorter form wins: Q for text that is mostly ASCII, B when escapes would cost more.
        #expect(EncodedWord.encoding(for: "Zoë from the Herald team") == .q)
        #expect(EncodedWord.encoding(for: "Zoë Ångström") == .b)
        #expect(EncodedWord.encode(Array("Zoë a_b=c?d.".utf8), encoding: .q) == "=?UTF-8?Q?Zo=C3=AB_a=5Fb=3Dc=3Fd=2E?=")
        #expect(EncodedWord.encode(Array("A-z!*+/09".utf8), encoding: .q) == "=?UTF-8?Q?A-z!*+/09?=")
    }

    @Test func bForOtherScripts() {
        #expect(EncodedWord.encoding(for: "日本語のテキスト") == .b)
        #expect(EncodedWord.encoding(for: "🚀") == .b)
        #expect(EncodedWord.encode(Array("🚀".utf8), encoding: .b) == "=?UTF-8?B?8J+agA==?=")
    }

    @Test(arguments: [EncodedWord.Encoding.q, .b])
    func wordsAreAtMostSeventyFiveCharactersAndHoldWholeCharacters(encoding: EncodedWord.Encoding) throws {
        let text = "Grüße aus Zürich — 日本語のテキスト 🚀👩‍👩‍👧‍👦 " + String(repeating: "ñ", count: 40) + " end"
        let words = EncodedWord.words(for: text, encoding: encoding, firstLimit: 40)
        #expect(words.count > 3)
        #expect(try #require(words.first).count <= 40)
        var octets: [UInt8] = []
        for word in words {
            #expect(word.count <= 75)
            let decoded = try #require(MIMETestDecoding.encodedWord(word), "\(word)")
            // Each word is valid UTF-8 on its own: no sequence is split between two words.
            #expect(String(validating: decoded, as: UTF8.self) != nil, "\(word) splits a character")
            octets += decoded
        }
        #expect(MIMETestDecoding.string(octets) == text)
    }

    @Test func subjectLinesWithEncodedWordsStayWithinSeventySix() throws {
        let subject = "Bienvenue chez Ångström & Fils — votre compte est prêt, confirmez-le avant vendredi 🚀"
        let field = MailMessage.unstructuredField("Subject", subject)
        let lines = MIMETestDecoding.lines(field).dropLast()
        #expect(lines.count > 1)
        for line in lines {
            #expect(line.count <= 76)
        }
        // Unfolded, the words are separated by one space, which decoders drop between encoded-words.
        let unfolded = MIMETestDecoding.string(Array(field.dropLast(2))).replacingOccurrences(of: "\r\n", with: "")
        let words = unfolded.dropFirst("Subject: ".count).split(separator: " ")
        var octets: [UInt8] = []
        for word in words { octets += try #require(MIMETestDecoding.encodedWord(String(word))) }
        #expect(MIMETestDecoding.string(octets) == subject)
    }

    @Test func asciiSubjectsGoAsTheyAreFoldedAtSpaces() {
        let subject = "Your invitation to join the Example organization on the platform is waiting for you"
        let field = MailMessage.unstructuredField("Subject", subject)
        let text = MIMETestDecoding.string(field)
        #expect(!text.contains("=?"))
        for line in MIMETestDecoding.lines(field) { #expect(line.count <= 78) }
        #expect(text.replacingOccurrences(of: "\r\n", with: "") == "Subject: \(subject)")
    }

    @Test(arguments: ["has =?UTF-8?Q?x?= inside", " leading space", "trailing space ", "tab\there",
                      String(repeating: "a", count: 80)])
    func asciiSubjectsThatWouldNotReadBackAreEncoded(subject: String) {
        let text = MIMETestDecoding.string(MailMessage.unstructuredField("Subject", subject))
        #expect(text.hasPrefix("Subject: =?UTF-8?"))
    }
}

import Foundation
import Testing

@testable import HeraldDelivery

/// Issue 6, acceptance 2: Herald's DKIM signatures verify with Python's dkimpy for both algorithms, with keys
/// made by `openssl` and by Herald, on messages with encoded and raw UTF-8 headers, folding, trailing white
/// space and empty lines; and dkimpy refuses them once they are altered.
@Suite("DKIM dkimpy verification")
struct DKIMPeerTests {
    static let domain = "mail.example.com"

    /// A key to sign with, and where its record is published.
    struct Signing {
        var name: String
        var key: DKIMKey
        var selector: String
        var records: [String: String] { ["\(selector)._domainkey.\(DKIMPeerTests.domain)": key.dnsRecord] }
    }

    static func keys() throws -> [Signing] {
        let ed25519PEM = try DKIMOpenSSL.ed25519Key()
        let ed25519DER = try DKIMOpenSSL.run(["pkey", "-outform", "DER"], input: Data(ed25519PEM.utf8))
        let keys: [(String, DKIMAlgorithm, String)] = [
            ("rsa openssl pkcs1", .rsaSHA256, try DKIMOpenSSL.rsaKey(bits: 2048, traditional: true)),
            ("rsa openssl pkcs8", .rsaSHA256, try DKIMOpenSSL.rsaKey(bits: 2048, traditional: false)),
            ("rsa 1024", .rsaSHA256, try DKIMOpenSSL.rsaKey(bits: 1024, traditional: true)),
            ("rsa generated", .rsaSHA256, try DKIMKey.generate(.rsaSHA256).pem),
            ("ed25519 openssl", .ed25519SHA256, ed25519PEM),
            ("ed25519 seed", .ed25519SHA256, ed25519DER.suffix(32).base64EncodedString()),
            ("ed25519 generated", .ed25519SHA256, try DKIMKey.generate(.ed25519SHA256).pem),
        ]
        return try keys.enumerated().map { index, item in
            Signing(name: item.0, key: try DKIMKey(algorithm: item.1, privateKeyPEM: item.2), selector: "sel\(index)")
        }
    }

    static func crlf(_ lines: [String]) -> [UInt8] { Array(lines.joined(separator: "\r\n").utf8) }

    static let baseHeader = [
        "From: Herald <noreply@mail.example.com>",
        "To: Ada Lovelace <ada@example.org>",
        "Subject: Your invitation",
        "Date: Tue, 02 Jun 2026 10:00:00 +0000",
        "Message-ID: <inv-1@mail.example.com>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 7bit",
        "Auto-Submitted: auto-generated",
    ]

    /// The messages every key signs: what the MIME builder writes and the awkward cases of canonicalization.
    static let messages: [(String, [UInt8])] = [
        ("plain", crlf(baseHeader + ["", "Hi Ada,", "", "We lost the game.  Are you hungry yet?", ""])),
        ("encoded headers", crlf([
            "From: =?UTF-8?B?WsOrw6sgw4VuZ3N0csO2bQ==?= <zoe@mail.example.com>",
            "To: =?UTF-8?Q?Ren=C3=A9e_M=C3=BCller?= <renee@example.org>,",
            " =?UTF-8?B?5pel5pys6Kqe?= <nihongo@example.jp>",
            "Reply-To: =?UTF-8?Q?Support_=E2=80=94_Herald?= <support@mail.example.com>",
            "Subject: =?UTF-8?B?WW91ciBpbnZpdGF0aW9uIOKAlCDwn5qAIA==?=",
            " =?UTF-8?B?5pel5pys6Kqe44Gu44OG44K544OI?=",
            "Date: Tue, 02 Jun 2026 10:00:00 +0000",
            "Message-ID: <enc-1@mail.example.com>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
            "", "WsOrw6sg4oCUIOaXpeacrOiqniDwn5qA", "",
        ])),
        ("raw utf-8 headers", crlf([
            "From: Zoë Ångström <zoë@mail.example.com>", "To: 日本語 <nihongo@example.jp>", "Subject: Grüße — 🚀",
            "Date: Tue, 02 Jun 2026 10:00:00 +0000", "Message-ID: <utf8-1@mail.example.com>",
            "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", "Grüße, Zoë — 日本語", "",
        ])),
        ("folded and spaced headers", crlf([
            "from:Herald <noreply@mail.example.com>",
            "TO:   Ada <ada@example.org> ,\t",
            "\t  Grace <grace@example.org>",
            "Subject:\tA subject\t that  is",
            "      folded over",
            "\tthree lines   ",
            "Date:    Tue, 02 Jun 2026 10:00:00 +0000   ",
            "Message-ID:<fold-1@mail.example.com>",
            "Content-Type: text/plain;",
            "\tcharset=\"utf-8\"",
            "", "body", "",
        ])),
        ("trailing white space in the body", crlf(baseHeader + [
            "", "line with trailing spaces   ", "line with a trailing tab\t", "  leading and   inner \t runs  ",
            "\t", "last", "",
        ])),
        ("empty lines at the end", crlf(baseHeader + ["", "Hi.", "", "", "   ", "\t", "", "", ""])),
        ("empty body", crlf(baseHeader + ["", ""])),
        ("no body at all", crlf(baseHeader + [""])),
        ("no final CRLF", crlf(baseHeader + ["", "first line", "last line without CRLF"])),
        ("repeated fields", crlf([
            "From: Herald <noreply@mail.example.com>", "To: ada@example.org", "Comments: first comment",
            "Subject: s", "Comments: second comment", "Date: Tue, 02 Jun 2026 10:00:00 +0000", "", "body", "",
        ])),
        ("multipart alternative", crlf([
            "From: Herald <noreply@mail.example.com>", "To: ada@example.org", "Subject: =?UTF-8?Q?Caf=C3=A9?=",
            "Date: Tue, 02 Jun 2026 10:00:00 +0000", "Message-ID: <mp-1@mail.example.com>", "MIME-Version: 1.0",
            "Content-Type: multipart/alternative;", " boundary=\"=_herald_b1\"", "Auto-Submitted: auto-generated", "",
            "--=_herald_b1", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable",
            "", "Caf=C3=A9 =E2=80=94 a line long enough to be wrapped by the quoted-printable enc=", "oder.", "",
            "--=_herald_b1", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", "",
            "PHA+Q2Fmw6kg4oCUIDxiPmJvbGQ8L2I+PC9wPg==", "", "--=_herald_b1--", "",
        ])),
        ("a long header line", crlf([
            "From: Herald <noreply@mail.example.com>",
            "Subject: " + String(repeating: "word ", count: 180) + "end",
            "", String(repeating: "x", count: 998), "",
        ])),
    ]

    static let signedHeaders = DKIMSigner.defaultSignedHeaders + ["comments"]

    @Test("dkimpy verifies every message signed with every key, RSA and Ed25519")
    func verifies() throws {
        var cases: [DKIMPeer.Case] = []
        for signing in try Self.keys() {
            let signer = DKIMSigner(
                domain: Self.domain, selector: signing.selector, key: signing.key, signedHeaders: Self.signedHeaders)
            for (name, message) in Self.messages {
                let signed = try signer.sign(message, now: Date())
                cases.append(DKIMPeer.Case(
                    name: "\(signing.name): \(name)", message: signed, records: signing.records, expected: true))
            }
        }
        // Control: dkimpy accepts the published example of RFC 8463, under both of its signatures.
        let rfc = Array(DKIMRFC8463Tests.signed.utf8)
        let rfcRecords = [
            "brisbane._domainkey.football.example.com": DKIMRFC8463Tests.ed25519Record,
            "test._domainkey.football.example.com": DKIMRFC8463Tests.rsaRecord,
        ]
        cases.append(DKIMPeer.Case(name: "RFC 8463 ed25519", message: rfc, records: rfcRecords, expected: true))
        cases.append(DKIMPeer.Case(name: "RFC 8463 rsa", message: rfc, records: rfcRecords, index: 1, expected: true))
        try DKIMPeer.expect(cases)
    }

    @Test("dkimpy refuses messages altered after signing, and accepts what relaxed canonicalization forgives")
    func refusesAlteredMessages() throws {
        let keys = try Self.keys()
        let message = Self.messages[0].1
        var cases: [DKIMPeer.Case] = []
        for signing in keys where ["rsa openssl pkcs1", "ed25519 openssl"].contains(signing.name) {
            let signer = DKIMSigner(domain: Self.domain, selector: signing.selector, key: signing.key)
            let signed = String(decoding: try signer.sign(message, now: Date()), as: UTF8.self)
            func add(_ name: String, _ text: String, records: [String: String]? = nil, expected: Bool) {
                #expect(text != signed || records != nil || name == "unchanged", "\(name): the edit changed nothing")
                cases.append(DKIMPeer.Case(
                    name: "\(signing.name): \(name)", message: Array(text.utf8), records: records ?? signing.records,
                    expected: expected))
            }
            add("unchanged", signed, expected: true)
            add("body altered", signed.replacingOccurrences(of: "hungry", with: "angry"), expected: false)
            add("line added to the body", signed.replacingOccurrences(of: "Hi Ada,", with: "Hi Ada,\r\nP.S."), expected: false)
            add("signed subject altered", signed.replacingOccurrences(of: "Subject: Your invitation", with: "Subject: Your invoice"), expected: false)
            add("signed field removed", signed.replacingOccurrences(of: "Date: Tue, 02 Jun 2026 10:00:00 +0000\r\n", with: ""), expected: false)
            add("signature tag altered", signed.replacingOccurrences(of: "d=mail.example.com", with: "d=example.com"),
                records: ["\(signing.selector)._domainkey.example.com": signing.key.dnsRecord], expected: false)
            let other = try #require(keys.first { $0.key.algorithm == signing.key.algorithm && $0.name.hasSuffix("generated") })
            let otherRecords = signing.records.mapValues { _ in other.key.dnsRecord }
            add("another key's record", signed, records: otherRecords, expected: false)
            add("no record", signed, records: [:], expected: false)
            // What relaxed/relaxed forgives (RFC 6376 §3.4.2, §3.4.4), so a relay's rewrapping does not break it.
            add("unsigned field added", signed.replacingOccurrences(of: "Subject:", with: "X-Relay: added\r\nSubject:"), expected: true)
            add("signed field refolded and respaced",
                signed.replacingOccurrences(of: "Subject: Your invitation", with: "subject:\tYour \r\n   invitation  "), expected: true)
            add("trailing white space and empty lines added to the body",
                signed.replacingOccurrences(of: "yet?\r\n", with: "yet?   \r\n\r\n \r\n"), expected: true)
        }
        #expect(cases.count == 22)
        try DKIMPeer.expect(cases)
    }
}

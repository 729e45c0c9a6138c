import Foundation
import Testing

@testable import HeraldDelivery

/// The `DKIM-Signature` field the signer writes: its tags, the `h=` list, folding, and what it refuses.
@Suite("DKIM signer")
struct DKIMSignerTests {
    static let message = [
        "From: =?UTF-8?B?Wm/DqyDDhW5nc3Ryw7Zt?= <zoe@example.com>",
        "To: Ada <ada@example.org>",
        "Subject: Hello",
        "Date: Tue, 02 Jun 2026 10:00:00 +0000",
        "Message-ID: <m1@example.com>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Hi.",
        "",
    ].joined(separator: "\r\n")

    static let now = Date(timeIntervalSince1970: 1_780_394_400.75)

    /// The signature field of `signed` (its first field) and the message it was prepended to.
    static func split(_ signed: [UInt8]) throws -> (field: String, rest: [UInt8]) {
        let parsed = try DKIMMessage(signed)
        let field = try #require(parsed.fields.first)
        #expect(field.name == "dkim-signature")
        return (String(decoding: field.raw, as: UTF8.self), Array(signed[(field.raw.endIndex + 2)...]))
    }

    /// The tags of a signature field, unfolded, white space removed around names and values.
    static func tags(_ field: String) -> [String: String] {
        let value = field.drop { $0 != ":" }.dropFirst().replacingOccurrences(of: "\r\n", with: "")
        var tags: [String: String] = [:]
        for spec in value.split(separator: ";") {
            let parts = spec.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            tags[parts[0].trimmingCharacters(in: .whitespaces)] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        return tags
    }

    static func rfcKey() throws -> DKIMKey {
        try DKIMKey(algorithm: .ed25519SHA256, privateKeyPEM: DKIMRFC8463Tests.ed25519Seed)
    }

    @Test("the field is prepended with v, a, c, d, s, t, h, bh and b; the message follows unchanged")
    func tags() throws {
        let signer = DKIMSigner(domain: "Example.COM", selector: "herald1", key: try Self.rfcKey())
        let signed = try signer.sign(Array(Self.message.utf8), now: Self.now)
        let (field, rest) = try Self.split(signed)
        #expect(rest == Array(Self.message.utf8))
        #expect(field.hasPrefix("DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com;"))
        let tags = Self.tags(field)
        #expect(Set(tags.keys) == ["v", "a", "c", "d", "s", "t", "h", "bh", "b"])
        #expect(tags["s"] == "herald1")
        #expect(tags["t"] == "1780394400")
        #expect(tags["h"]?.replacingOccurrences(of: " ", with: "") == "from:to:subject:date:message-id:mime-version:content-type")
        let body = try DKIMMessage(Array(Self.message.utf8)).body
        #expect(tags["bh"] == DKIMSigner.bodyHash(body))
        #expect(Data(base64Encoded: tags["b"]?.replacingOccurrences(of: " ", with: "") ?? "")?.count == 64)
    }

    @Test("b= is the key's signature over the relaxed fields h= names and the field with b= empty")
    func signatureCoversTheHeader() throws {
        let key = try Self.rfcKey()
        let signed = try DKIMSigner(domain: "example.com", selector: "s", key: key).sign(Array(Self.message.utf8), now: Self.now)
        let parsed = try DKIMMessage(signed)
        let (field, _) = try Self.split(signed)
        let tags = Self.tags(field)
        let bh = try #require(field.range(of: "bh="))
        let semicolon = try #require(field[bh.upperBound...].firstIndex(of: ";"))
        let bStart = try #require(field.range(of: "b=", range: semicolon..<field.endIndex))
        let unsigned = Array(field[..<bStart.upperBound].utf8)[...]
        let names = try #require(tags["h"]).split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
        let data = DKIMSigner.signedData(fields: parsed.fields(selectedBy: names), signatureField: unsigned)
        let bValue = try #require(tags["b"]).replacingOccurrences(of: " ", with: "")
        let b = try #require(Data(base64Encoded: bValue))
        #expect(try key.signature(over: data) == Array(b))
        #expect(String(decoding: data, as: UTF8.self).hasPrefix("from:=?UTF-8?B?Wm/DqyDDhW5nc3Ryw7Zt?= <zoe@example.com>\r\nto:Ada"))
    }

    @Test("h= lists only the present fields, in the order given, once per instance")
    func signedHeaderList() throws {
        let message = [
            "Received: from a", "Comments: first", "From: a@example.com", "Subject: s", "Comments: second",
            "X-Tag:  one", "", "body",
        ].joined(separator: "\r\n")
        let signer = DKIMSigner(
            domain: "example.com", selector: "s", key: try Self.rfcKey(),
            signedHeaders: ["Subject", "comments", "X-Absent", "FROM", "subject", "dkim-signature", "x-tag"])
        #expect(signer.signedHeaders == ["subject", "comments", "x-absent", "from", "x-tag"])
        let signed = try signer.sign(Array(message.utf8), now: Self.now)
        let tags = Self.tags(try Self.split(signed).field)
        #expect(tags["h"]?.replacingOccurrences(of: " ", with: "") == "subject:comments:comments:from:x-tag")
        // The first "comments" takes the bottom instance (§5.4.2).
        let parsed = try DKIMMessage(signed)
        let selected = parsed.fields(selectedBy: ["subject", "comments", "comments", "from", "x-tag"])
        #expect(selected.map { String(decoding: $0.raw, as: UTF8.self) }
            == ["Subject: s", "Comments: second", "Comments: first", "From: a@example.com", "X-Tag:  one"])
    }

    @Test("from is signed even when the list leaves it out")
    func fromAlwaysSigned() throws {
        let signer = DKIMSigner(domain: "example.com", selector: "s", key: try Self.rfcKey(), signedHeaders: ["subject"])
        #expect(signer.signedHeaders == ["from", "subject"])
    }

    @Test("every line of the field is at most 78 characters, for long domains, long h= lists and RSA 2048")
    func folding() throws {
        let (rsa, _) = try DKIMKey.generate(.rsaSHA256)
        // 71 characters: " d=<domain>;" nearly fills a line of its own (a tag is never cut, so a longer one would overflow).
        let longDomain = "a-rather-long-subdomain-for-mail.departement-des-ventes.example-org.com"
        let names = ["from", "to", "cc", "subject", "date", "message-id", "reply-to", "mime-version", "content-type",
            "auto-submitted", "list-unsubscribe", "list-unsubscribe-post", "content-transfer-encoding", "x-entity-ref-id"]
        var lines = names.map { "\($0): value of \($0)" }
        lines += ["", "body"]
        for key in [rsa, try Self.rfcKey()] {
            let signer = DKIMSigner(domain: longDomain, selector: "selector-2026-06", key: key, signedHeaders: names)
            let (field, _) = try Self.split(try signer.sign(Array(lines.joined(separator: "\r\n").utf8), now: Self.now))
            let physical = field.components(separatedBy: "\r\n")
            #expect(physical.count > 3)
            for line in physical { #expect(line.utf8.count <= 78, "\(line.utf8.count): \(line)") }
            #expect(physical.dropFirst().allSatisfy { $0.hasPrefix(" ") && !$0.hasPrefix("  ") })
            #expect(!field.contains("b=\r\n") && !field.contains("b= "), "no white space right after b=")
            let tags = Self.tags(field)
            #expect(tags["d"] == longDomain)
            #expect(tags["h"]?.replacingOccurrences(of: " ", with: "") == names.joined(separator: ":"))
        }
    }

    @Test("messages that are not CRLF RFC 5322 or have no From are refused with invalid_message")
    func invalidMessages() throws {
        let signer = DKIMSigner(domain: "example.com", selector: "s", key: try Self.rfcKey())
        let cases = [
            "From: a@example.com\nSubject: s\n\nbody\n",
            "From: a@example.com\r\nSubject: s\r\n\r\nbare\nLF\r\n",
            "From: a@example.com\r\nSubject: s\r\n\r\nbare\rCR\r\n",
            "Subject: no from\r\n\r\nbody\r\n",
            " continuation first\r\nFrom: a@example.com\r\n\r\n",
            "From: a@example.com\r\nnot a field\r\n\r\n",
            "\r\nbody without a header\r\n",
            "From a@example.com\r\n\r\n",
        ]
        for message in cases {
            do {
                _ = try signer.sign(Array(message.utf8), now: Self.now)
                Issue.record("signed \(message.debugDescription)")
            } catch {
                #expect(error.code == .invalidMessage, "\(message.debugDescription): \(error)")
            }
        }
    }

    @Test("domains and selectors that are not DNS names are refused with invalid_configuration")
    func invalidNames() throws {
        let key = try Self.rfcKey()
        let message = Array("From: a@example.com\r\n\r\nbody\r\n".utf8)
        for (domain, selector) in [("example.com; x=1", "s"), ("example.com", "s\r\nBcc: x"), ("", "s"), ("example.com", ""),
            ("exa mple.com", "s"), ("example..com", "s"), ("-example.com", "s"), ("exämple.com", "s"), ("example.com.", "s")]
        {
            do {
                _ = try DKIMSigner(domain: domain, selector: selector, key: key).sign(message, now: Self.now)
                Issue.record("signed with d=\(domain.debugDescription) s=\(selector.debugDescription)")
            } catch {
                #expect(error.code == .invalidConfiguration, "\(domain) \(selector): \(error)")
            }
        }
        _ = try DKIMSigner(domain: "xn--exmple-cua.example", selector: "2026.june", key: key).sign(message, now: Self.now)
    }

    @Test("a message without a body, and one ending right after its header, are signed with the empty body hash")
    func noBody() throws {
        let signer = DKIMSigner(domain: "example.com", selector: "s", key: try Self.rfcKey())
        for message in ["From: a@example.com\r\n", "From: a@example.com\r\n\r\n", "From: a@example.com"] {
            let (field, rest) = try Self.split(try signer.sign(Array(message.utf8), now: Self.now))
            #expect(rest == Array(message.utf8))
            #expect(Self.tags(field)["bh"] == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        }
    }
}

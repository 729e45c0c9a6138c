import Testing

@testable import HeraldDelivery

/// How display names are written: RFC 5322 phrases, RFC 2047 section 5 (3) encoded-words.
@Suite struct DisplayNameTests {
    @Test(arguments: [
        ("Herald Team", [DisplayName.Piece.literal("Herald"), .literal("Team")]),
        ("Doe, John", [.literal("\"Doe, John\"")]),
        ("Say \"hi\" \\o/", [.literal(#""Say \"hi\" \\o/""#)]),
        ("  two  spaces", [.literal("\"  two  spaces\"")]),
        ("Zoë", [.encoded("Zoë")]),
        ("Zoë Ångström from Herald", [.encoded("Zoë Ångström"), .literal("from"), .literal("Herald")]),
        ("Dr. Zoë, PhD", [.encoded("Dr. Zoë,"), .literal("PhD")]),
        ("=?UTF-8?Q?x?=", [.encoded("=?UTF-8?Q?x?=")]),
        (" Zoë", [.encoded(" Zoë")]),
        ("Zoë\tA", [.encoded("Zoë\tA")]),
        ("", []),
    ])
    func pieces(name: String, expected: [DisplayName.Piece]) {
        #expect(DisplayName.pieces(for: name) == expected)
    }

    @Test func aLongASCIINameWithSpecialsIsEncodedRatherThanOneLongQuotedString() {
        let name = "Department of Physics, Astronomy and Everything Else (Emeritus Staff)"
        let pieces = DisplayName.pieces(for: name)
        #expect(pieces.contains(.encoded("Physics,")))
        #expect(pieces.contains(.literal("Department")))
    }

    @Test func addressHeadersFoldBetweenMailboxes() throws {
        let list = try (0..<4).map { try MailAddress("user\($0)@example.com", name: "Zoë Ångström \($0)") }
        let field = MIMETestDecoding.string(MailAddress.headerField("To", list))
        #expect(field.hasPrefix("To: =?UTF-8?B?Wm/DqyDDhW5nc3Ryw7Zt?= 0 <user0@example.com>,"))
        for line in field.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 76) }
        #expect(field.hasSuffix("<user3@example.com>\r\n"))
    }
}

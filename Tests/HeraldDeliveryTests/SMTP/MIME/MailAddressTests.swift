import Foundation
import Testing

@testable import HeraldDelivery

@Suite struct MailAddressTests {
    @Test(arguments: [
        "user@example.com", "first.last+tag@sub.example.co.uk", "o'brien@example.org", "x@localhost",
        "a!#$%&'*+-/=?^_`{|}~z@xn--bcher-kva.example", "UPPER@EXAMPLE.COM",
    ])
    func validAddressesAreKeptAsGiven(address: String) throws {
        #expect(try MailAddress(address).address == address)
    }

    @Test(arguments: [
        ("", "must not be empty"),
        ("no-at.example.com", "needs an @"),
        ("@example.com", "local part"),
        ("user@", "domain"),
        ("a..b@example.com", "local part"),
        (".a@example.com", "local part"),
        ("a.@example.com", "local part"),
        ("a b@example.com", "local part"),
        ("a@b@example.com", "local part"),
        ("\"quoted\"@example.com", "quoted local parts"),
        ("zoë@example.com", "US-ASCII"),
        ("user@bücher.example", "xn--"),
        ("user@[192.0.2.1]", "address literals"),
        ("user@-example.com", "host name"),
        ("user@example..com", "host name"),
        ("user@example.com.", "host name"),
        ("user@exa_mple.com", "host name"),
        ("<user@example.com>", "local part"),
    ])
    func invalidAddressesAreRefusedWithAReason(address: String, reason: String) {
        #expect {
            try MailAddress(address, field: "to")
        } throws: { error in
            guard let error = error as? MailError else { return false }
            return error.field == "to" && error.message.contains(reason)
        }
    }

    @Test func sizeLimitsFollowRFC5321() throws {
        let local = String(repeating: "a", count: 64)
        _ = try MailAddress("\(local)@example.com")
        #expect(throws: MailError.self) { try MailAddress("a\(local)@example.com") }
        let label = String(repeating: "b", count: 63)
        _ = try MailAddress("a@\(label).com")
        #expect(throws: MailError.self) { try MailAddress("a@b\(label).com") }
        let longDomain = Array(repeating: label, count: 4).joined(separator: ".")  // 255
        #expect(throws: MailError.self) { try MailAddress("a@\(longDomain)") }
    }

    @Test(arguments: ["\r", "\n", "\r\n", "\0"])
    func lineBreaksAndNULAreRefusedInAddressesAndNames(bad: String) {
        #expect(throws: MailError(field: "from", message: bad == "\0"
            ? "must not contain a NUL character" : "must not contain a line break (CR or LF)")) {
            try MailAddress("a@example.com", name: "Eve\(bad)Bcc: victim@example.com", field: "from")
        }
        #expect(throws: MailError.self) { try MailAddress("a@example.com\(bad)", field: "from") }
    }

    @Test func anyUnicodeNameIsAccepted() throws {
        let address = try MailAddress("a@example.com", name: "Zoë \"Z\" Ångström, 日本 🚀\t")
        #expect(address.name == "Zoë \"Z\" Ångström, 日本 🚀\t")
        #expect(address.domain == "example.com")
        #expect(address.description == "Zoë \"Z\" Ångström, 日本 🚀\t <a@example.com>")
    }

    @Test func headerCheckCatchesTheCRLFCharacter() {
        // "\r\n" is one Character in Swift; the check looks at scalars.
        #expect("a\r\nb".count == 3)
        #expect(throws: MailError.self) { try MailHeaderCheck.refuseLineBreaks("a\r\nb", field: "subject") }
        #expect(throws: Never.self) { try MailHeaderCheck.refuseLineBreaks("a\u{2028}b\u{85}", field: "subject") }
    }

    @Test(arguments: [("", false), ("X-Tag", true), ("List-Unsubscribe", true), ("Bad Name", false),
                      ("Bad:Name", false), ("Zoë", false), (String(repeating: "X", count: 77), false)])
    func headerFieldNames(name: String, valid: Bool) {
        let accepted = (try? MailHeaderCheck.checkFieldName(name, field: "headers")) != nil
        #expect(accepted == valid)
    }
}

/// The addr-spec and msg-id syntax that Herald accepts (RFC 5322 sections 3.2.3, 3.4.1 and 3.6.4,
/// with the RFC 5321 size limits): a dot-atom local part and a host-name domain, both US-ASCII.
///
/// Quoted local parts, address literals (`[192.0.2.1]`) and internationalized addresses are
/// refused with a message that says so rather than being half-supported.
enum MailAddressSyntax {
    /// RFC 5321 section 4.5.3.1: the longest local part, domain and path.
    static let maximumLocalPartLength = 64
    static let maximumDomainLength = 253
    static let maximumAddressLength = 254
    static let maximumMessageIDLength = 250

    /// Whether `byte` is an RFC 5322 `atext` character: a letter, a digit or one of ``!#$%&'*+-/=?^_`{|}~``.
    static func isAtext(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-/=?^_`{|}~".utf8.contains(byte)
        }
    }

    /// Whether `text` is an RFC 5322 `dot-atom-text`: atoms of `atext` joined by single dots.
    static func isDotAtomText(_ text: Substring) -> Bool {
        guard !text.isEmpty else { return false }
        var previousWasDot = true
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                if previousWasDot { return false }
                previousWasDot = true
            } else if isAtext(byte) {
                previousWasDot = false
            } else {
                return false
            }
        }
        return !previousWasDot
    }

    /// Checks an addr-spec (`local@domain`).
    /// - Throws: `MailError` naming `field`, with the rule that the address breaks.
    static func checkAddress(_ address: String, field: String) throws(MailError) {
        try MailHeaderCheck.refuseLineBreaks(address, field: field)
        guard !address.isEmpty else {
            throw MailError(field: field, message: "an email address must not be empty")
        }
        guard let at = address.lastIndex(of: "@") else {
            throw MailError(field: field, message: "an email address needs an @ between the local part and the domain")
        }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        try checkLocalPart(local, field: field)
        try checkDomain(domain, field: field)
        guard address.utf8.count <= maximumAddressLength else {
            throw MailError(field: field, message: "an email address must be at most \(maximumAddressLength) characters")
        }
    }

    static func checkLocalPart(_ local: Substring, field: String) throws(MailError) {
        guard !local.isEmpty else {
            throw MailError(field: field, message: "the local part (before the @) must not be empty")
        }
        guard local.utf8.allSatisfy({ $0 < 0x80 }) else {
            throw MailError(field: field, message: "the local part (before the @) must be US-ASCII")
        }
        if local.hasPrefix("\"") {
            throw MailError(field: field, message: "quoted local parts are not supported")
        }
        guard local.utf8.count <= maximumLocalPartLength else {
            throw MailError(
                field: field, message: "the local part (before the @) must be at most \(maximumLocalPartLength) characters")
        }
        guard isDotAtomText(local) else {
            throw MailError(
                field: field,
                message: "the local part (before the @) may hold letters, digits and !#$%&'*+-/=?^_`{|}~, "
                    + "with single dots between them, and no spaces or other characters")
        }
    }

    static func checkDomain(_ domain: Substring, field: String) throws(MailError) {
        guard !domain.isEmpty else {
            throw MailError(field: field, message: "the domain (after the @) must not be empty")
        }
        guard domain.utf8.allSatisfy({ $0 < 0x80 }) else {
            throw MailError(
                field: field,
                message: "internationalized domain names must be given in their ASCII (xn--) form")
        }
        if domain.hasPrefix("[") {
            throw MailError(field: field, message: "address literals ([…]) are not supported as a domain")
        }
        guard domain.utf8.count <= maximumDomainLength else {
            throw MailError(field: field, message: "the domain must be at most \(maximumDomainLength) characters")
        }
        for label in domain.split(separator: ".", omittingEmptySubsequences: false) {
            guard isHostLabel(label) else {
                throw MailError(
                    field: field,
                    message: "the domain must be a host name: labels of 1 to 63 letters, digits and hyphens, "
                        + "not starting or ending with a hyphen, separated by single dots")
            }
        }
    }

    /// Checks a Message-ID without its angle brackets: `id-left "@" id-right`, both dot-atom-text.
    static func checkMessageID(_ id: String, field: String) throws(MailError) {
        try MailHeaderCheck.refuseLineBreaks(id, field: field)
        guard let at = id.lastIndex(of: "@"), isDotAtomText(id[..<at]), isDotAtomText(id[id.index(after: at)...]) else {
            throw MailError(
                field: field, message: "a Message-ID must be local@domain (dot-atom text on both sides, no angle brackets)")
        }
        guard id.utf8.count <= maximumMessageIDLength else {
            throw MailError(field: field, message: "a Message-ID must be at most \(maximumMessageIDLength) characters")
        }
    }

    private static func isHostLabel(_ label: Substring) -> Bool {
        let bytes = label.utf8
        guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-") else {
            return false
        }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"):
                return true
            default:
                return false
            }
        }
    }
}

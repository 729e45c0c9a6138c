/// A mailbox: an email address and an optional display name, checked when it is made.
///
/// The address is an addr-spec in US-ASCII (`MailAddressSyntax` has the rules); the display name
/// may be any Unicode text without line breaks. In a header the name goes as plain words, as a
/// quoted string when it holds specials, or as RFC 2047 encoded-words when it is not ASCII.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The addr-spec, `local@domain`.
    public var address: String
    /// The display name; `nil` or empty for none.
    public var name: String?

    /// Makes a mailbox from an address and a display name.
    /// - Parameters:
    ///   - address: `local@domain`, US-ASCII (an internationalized domain in its `xn--` form).
    ///   - name: the display name, any Unicode text.
    ///   - field: the input's name in errors (`from`, `to`, `reply_to`…).
    /// - Throws: `MailError` when either holds CR, LF or NUL, or the address is not valid.
    public init(_ address: String, name: String? = nil, field: String = "address") throws(MailError) {
        self.address = address
        self.name = name
        try validate(field: field)
    }

    /// The part of the address after the `@`.
    public var domain: Substring {
        guard let at = address.lastIndex(of: "@") else { return address[address.endIndex...] }
        return address[address.index(after: at)...]
    }

    /// Checks the address and the name again (both are `var`s, so rendering checks before use).
    /// - Throws: `MailError` naming `field`.
    public func validate(field: String) throws(MailError) {
        try MailAddressSyntax.checkAddress(address, field: field)
        if let name {
            try MailHeaderCheck.refuseLineBreaks(name, field: field)
        }
    }

    public var description: String {
        guard let name, !name.isEmpty else { return address }
        return "\(name) <\(address)>"
    }
}

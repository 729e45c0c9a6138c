/// The checks that keep user input from adding header lines to a message: every value that ends up
/// in a header (subjects, display names, addresses, reply-to, extra headers) goes through them, and
/// a bad value is refused, never cleaned.
public enum MailHeaderCheck {
    /// Refuses a value that holds a CR, an LF or a NUL.
    ///
    /// The check is on Unicode scalars, so that a `"\r\n"` pair (one `Character` in Swift) is
    /// caught as well as a lone CR or LF.
    /// - Throws: `MailError` naming `field`.
    public static func refuseLineBreaks(_ value: String, field: String) throws(MailError) {
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\r", "\n":
                throw MailError(field: field, message: "must not contain a line break (CR or LF)")
            case "\0":
                throw MailError(field: field, message: "must not contain a NUL character")
            default:
                continue
            }
        }
    }

    /// Refuses a header field name that is not 1 to 76 printable US-ASCII characters other than
    /// the colon (RFC 5322 section 3.6.8, `ftext`).
    /// - Throws: `MailError` naming `field`.
    public static func checkFieldName(_ name: String, field: String) throws(MailError) {
        guard !name.isEmpty else {
            throw MailError(field: field, message: "a header name must not be empty")
        }
        guard name.utf8.count <= 76 else {
            throw MailError(field: field, message: "a header name must be at most 76 characters")
        }
        for byte in name.utf8 where !(33...126).contains(byte) || byte == UInt8(ascii: ":") {
            throw MailError(
                field: field,
                message: "a header name must be printable US-ASCII without spaces or colons")
        }
    }
}

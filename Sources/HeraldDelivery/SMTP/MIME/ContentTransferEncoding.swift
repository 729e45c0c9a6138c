/// How a body part's octets are written on the wire (RFC 2045 section 6).
public enum ContentTransferEncoding: String, Sendable, Hashable {
    /// Short US-ASCII lines, as they are.
    case sevenBit = "7bit"
    /// Mostly-ASCII text with `=XX` escapes and soft line breaks.
    case quotedPrintable = "quoted-printable"
    /// Anything, four characters for three octets.
    case base64
}

/// The bytes that DKIM's parsing and canonicalization look at.
enum DKIMASCII {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")
    static let crlf: [UInt8] = [cr, lf]

    /// SP or HTAB: the WSP of RFC 5234.
    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }
}

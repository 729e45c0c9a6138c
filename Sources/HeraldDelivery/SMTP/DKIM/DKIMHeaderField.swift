/// One header field of a message as it was written: the bytes from its name to the end of its last
/// continuation line, folding included, without the CRLF that ends it.
struct DKIMHeaderField: Sendable, Hashable {
    /// The field name in lower case (names compare case-insensitively, RFC 5322 §1.2.2).
    let name: String
    let raw: ArraySlice<UInt8>
}

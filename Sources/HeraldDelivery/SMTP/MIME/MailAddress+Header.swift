extension MailAddress {
    /// Writes this mailbox into an address header: the display name, when there is one, then
    /// `<addr-spec>`; a bare addr-spec otherwise. `separator` (`","` between list items) follows it.
    func write(to writer: inout HeaderFieldWriter, separator: String = "") {
        let pieces = DisplayName.pieces(for: name ?? "")
        for piece in pieces {
            switch piece {
            case .literal(let text): writer.append(text)
            case .encoded(let text): writer.appendEncoded(text)
            }
        }
        writer.append((pieces.isEmpty ? address : "<\(address)>") + separator)
    }

    /// The `From`, `To` or `Reply-To` field for `addresses`, separated by commas.
    static func headerField(_ name: String, _ addresses: [MailAddress]) -> [UInt8] {
        var writer = HeaderFieldWriter(name: name)
        for (index, address) in addresses.enumerated() {
            address.write(to: &writer, separator: index < addresses.count - 1 ? "," : "")
        }
        return writer.field
    }
}

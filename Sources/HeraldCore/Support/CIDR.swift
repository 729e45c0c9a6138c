import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IPv4 or IPv6 address range in CIDR notation (`127.0.0.0/8`, `::1/128`), or a single host (`10.0.0.1`).
///
/// Used for trusted proxies and the outbound allow-list. An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is
/// matched against IPv4 ranges as the IPv4 address it carries.
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    /// The network address, masked to `prefixLength` bits: 4 bytes for IPv4, 16 for IPv6.
    public let network: [UInt8]
    /// The number of leading bits that must match.
    public let prefixLength: Int

    /// Whether this is an IPv4 range.
    public var isIPv4: Bool { network.count == 4 }

    /// Parses `ADDRESS/PREFIX` or a bare address (a host: `/32` or `/128`).
    ///
    /// Host bits beyond the prefix are cleared (`10.1.2.3/8` is `10.0.0.0/8`). Returns `nil` for anything else,
    /// including surrounding whitespace and prefixes out of range.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let bytes = CIDR.parseAddress(String(parts[0])) else {
            return nil
        }
        let maximum = bytes.count * 8
        var prefix = maximum
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(digits), value <= maximum
            else { return nil }
            prefix = value
        }
        self.network = CIDR.mask(bytes, prefixLength: prefix)
        self.prefixLength = prefix
    }

    /// Whether `address` (a textual IPv4 or IPv6 address, without port or brackets) lies in this range.
    ///
    /// An IPv6 zone (`fe80::1%eth0`) is ignored. Unparsable input is never contained.
    public func contains(_ address: String) -> Bool {
        var text = address
        if let percent = text.firstIndex(of: "%") { text = String(text[..<percent]) }
        guard var bytes = CIDR.parseAddress(text) else { return false }
        if isIPv4, bytes.count == 16, let mapped = CIDR.ipv4Mapped(bytes) {
            bytes = mapped
        }
        guard bytes.count == network.count else { return false }
        return CIDR.mask(bytes, prefixLength: prefixLength) == network
    }

    /// Parses a list of ranges, keeping the entries that do not parse apart.
    ///
    /// Entries are trimmed; empty entries are skipped.
    /// - Returns: the parsed ranges and the invalid entries, both in input order.
    public static func parseList<S: Sequence>(_ entries: S) -> (ranges: [CIDR], invalid: [String]) where S.Element: StringProtocol {
        var ranges: [CIDR] = []
        var invalid: [String] = []
        for entry in entries {
            let trimmed = entry.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            if let range = CIDR(trimmed) {
                ranges.append(range)
            } else {
                invalid.append(trimmed)
            }
        }
        return (ranges, invalid)
    }

    /// Whether any of `ranges` contains `address`.
    public static func any(_ ranges: [CIDR], contains address: String) -> Bool {
        ranges.contains { $0.contains(address) }
    }

    /// The canonical text, e.g. `10.0.0.0/8` or `fd00::/8`.
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let family = isIPv4 ? AF_INET : AF_INET6
        let text: String = network.withUnsafeBytes { raw in
            guard inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return "\(text)/\(prefixLength)"
    }

    // MARK: - Helpers

    /// The bytes of a textual IPv4 (4 bytes) or IPv6 (16 bytes) address, through `inet_pton`.
    static func parseAddress(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, !text.contains(where: { $0.isWhitespace }) else { return nil }
        var bytes = [UInt8](repeating: 0, count: 16)
        if text.contains(":") {
            let result = bytes.withUnsafeMutableBytes { inet_pton(AF_INET6, text, $0.baseAddress) }
            return result == 1 ? bytes : nil
        }
        let result = bytes.withUnsafeMutableBytes { inet_pton(AF_INET, text, $0.baseAddress) }
        return result == 1 ? Array(bytes.prefix(4)) : nil
    }

    /// The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), if it is one.
    static func ipv4Mapped(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff else {
            return nil
        }
        return Array(bytes[12..<16])
    }

    /// `bytes` with every bit after the first `prefixLength` cleared.
    static func mask(_ bytes: [UInt8], prefixLength: Int) -> [UInt8] {
        var result = bytes
        for index in result.indices {
            let bitsBefore = index * 8
            if bitsBefore >= prefixLength {
                result[index] = 0
            } else if prefixLength - bitsBefore < 8 {
                let keep = prefixLength - bitsBefore
                result[index] &= UInt8(truncatingIfNeeded: 0xff << (8 - keep))
            }
        }
        return result
    }
}

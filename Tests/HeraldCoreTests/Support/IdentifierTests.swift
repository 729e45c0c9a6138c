import Foundation
import HeraldCore
import Testing

/// ``Identifier`` makes UUID version 7 (RFC 9562 §5.7): a 48-bit Unix time in milliseconds, then random bits.
@Suite("Identifiers")
struct IdentifierTests {
    /// The 128 bits of a lowercase 8-4-4-4-12 hex UUID, or nil when `text` is not one.
    private func bytes(_ text: String) -> [UInt8]? {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return nil }
        let hex = groups.joined()
        guard hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return result
    }

    @Test("is a lowercase UUID of version 7 and the RFC 9562 variant, that Foundation parses")
    func layout() throws {
        for _ in 0..<1_000 {
            let id = Identifier.make()
            let raw = try #require(bytes(id), "not a lowercase UUID: \(id)")
            #expect(raw[6] >> 4 == 7, "version nibble of \(id)")
            #expect(raw[8] >> 6 == 0b10, "variant bits of \(id)")
            #expect(UUID(uuidString: id) != nil)
        }
    }

    @Test("carries the current Unix time in milliseconds in its first 48 bits")
    func timestamp() throws {
        let before = UInt64(Date().timeIntervalSince1970 * 1000)
        let id = Identifier.make()
        let after = UInt64(Date().timeIntervalSince1970 * 1000)
        let raw = try #require(bytes(id))
        let ms = raw[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(ms >= before && ms <= after, "\(ms) outside \(before)…\(after)")
    }

    @Test("sorts by creation time across milliseconds, so that new rows append to an index")
    func ordered() async throws {
        var previous = Identifier.make()
        for _ in 0..<5 {
            try await Task.sleep(for: .milliseconds(2))
            let next = Identifier.make()
            #expect(previous < next, "\(previous) then \(next)")
            previous = next
        }
    }

    @Test("never repeats: 74 random bits per identifier")
    func unique() {
        var seen = Set<String>()
        for _ in 0..<100_000 { seen.insert(Identifier.make()) }
        #expect(seen.count == 100_000)
    }
}

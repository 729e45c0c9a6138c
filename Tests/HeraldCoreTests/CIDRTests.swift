import HeraldCore
import Testing

@Suite("CIDR")
struct CIDRTests {
    @Test("parses IPv4 and IPv6 ranges and hosts", arguments: [
        ("127.0.0.0/8", "127.0.0.0/8"),
        ("10.1.2.3/8", "10.0.0.0/8"),
        ("10.0.0.1", "10.0.0.1/32"),
        ("0.0.0.0/0", "0.0.0.0/0"),
        ("::1/128", "::1/128"),
        ("::1", "::1/128"),
        ("fd00::/8", "fd00::/8"),
        ("2001:db8::1/33", "2001:db8::/33"),
        ("192.168.1.0/23", "192.168.0.0/23"),
    ])
    func parses(text: String, canonical: String) throws {
        let range = try #require(CIDR(text))
        #expect(range.description == canonical)
    }

    @Test("rejects malformed input", arguments: [
        "", "/8", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/8/8",
        "10.0.0", "256.0.0.1", "10.0.0.0 /8", " 10.0.0.1", "localhost", "::1/0128x", "1.2.3.4/08x", "[::1]",
    ])
    func rejects(text: String) {
        #expect(CIDR(text) == nil)
    }

    @Test func containsIPv4() throws {
        let range = try #require(CIDR("10.0.0.0/8"))
        #expect(range.contains("10.0.0.1"))
        #expect(range.contains("10.255.255.255"))
        #expect(!range.contains("11.0.0.0"))
        #expect(!range.contains("9.255.255.255"))
        #expect(!range.contains("not an address"))
        #expect(!range.contains("::1"))
        let odd = try #require(CIDR("192.168.2.0/23"))
        #expect(odd.contains("192.168.3.7"))
        #expect(!odd.contains("192.168.4.1"))
        let host = try #require(CIDR("10.0.0.1"))
        #expect(host.contains("10.0.0.1"))
        #expect(!host.contains("10.0.0.2"))
        let everything = try #require(CIDR("0.0.0.0/0"))
        #expect(everything.contains("203.0.113.9"))
    }

    @Test func containsIPv6() throws {
        let loopback = try #require(CIDR("::1/128"))
        #expect(loopback.contains("::1"))
        #expect(loopback.contains("0:0:0:0:0:0:0:1"))
        #expect(!loopback.contains("::2"))
        #expect(!loopback.contains("127.0.0.1"))
        let linkLocal = try #require(CIDR("fe80::/10"))
        #expect(linkLocal.contains("fe80::1%eth0"))
        #expect(linkLocal.contains("febf::1"))
        #expect(!linkLocal.contains("fec0::1"))
    }

    @Test("IPv4-mapped IPv6 addresses match IPv4 ranges")
    func ipv4Mapped() throws {
        let range = try #require(CIDR("127.0.0.0/8"))
        #expect(range.contains("::ffff:127.0.0.1"))
        #expect(range.contains("::FFFF:7f00:1"))
        #expect(!range.contains("::ffff:128.0.0.1"))
        #expect(!range.contains("::127.0.0.1"))
        let mappedRange = try #require(CIDR("::ffff:0:0/96"))
        #expect(mappedRange.contains("::ffff:10.0.0.1"))
    }

    @Test func parseList() {
        let (ranges, invalid) = CIDR.parseList(["127.0.0.0/8", " ::1/128 ", "", "bogus", "10.0.0.0/99"])
        #expect(ranges.map(\.description) == ["127.0.0.0/8", "::1/128"])
        #expect(invalid == ["bogus", "10.0.0.0/99"])
        let fromCSV = CIDR.parseList("127.0.0.0/8,::1/128".split(separator: ","))
        #expect(fromCSV.ranges.count == 2 && fromCSV.invalid.isEmpty)
        #expect(CIDR.any(fromCSV.ranges, contains: "::1"))
        #expect(!CIDR.any(fromCSV.ranges, contains: "10.0.0.1"))
    }

    @Test func hashable() {
        #expect(CIDR("10.1.0.0/8") == CIDR("10.0.0.0/8"))
        #expect(Set([CIDR("::1")!, CIDR("::1/128")!]).count == 1)
    }
}

import Foundation
import HeraldCore
import HeraldDelivery
import Testing

@Suite("Outbound address guard (SSRF)")
struct OutboundAddressGuardTests {
    let guardNoAllowList = OutboundAddressGuard(allowList: [])

    @Test("refuses every private, local and special range, naming the address and the range", arguments: [
        ("127.0.0.1", "loopback", "127.0.0.0/8"),
        ("127.255.0.9", "loopback", "127.0.0.0/8"),
        ("::1", "loopback", "::1/128"),
        ("10.1.2.3", "private", "10.0.0.0/8"),
        ("172.16.0.1", "private", "172.16.0.0/12"),
        ("172.31.255.254", "private", "172.16.0.0/12"),
        ("192.168.1.1", "private", "192.168.0.0/16"),
        ("fd12:3456::1", "unique local", "fc00::/7"),
        ("fc00::1", "unique local", "fc00::/7"),
        ("169.254.1.1", "link-local", "169.254.0.0/16"),
        ("fe80::1", "link-local", "fe80::/10"),
        ("100.64.0.1", "carrier-grade NAT", "100.64.0.0/10"),
        ("100.127.255.255", "carrier-grade NAT", "100.64.0.0/10"),
        ("224.0.0.1", "multicast", "224.0.0.0/4"),
        ("239.255.255.250", "multicast", "224.0.0.0/4"),
        ("ff02::1", "multicast", "ff00::/8"),
        ("0.0.0.0", "unspecified", "0.0.0.0/8"),
        ("0.1.2.3", "unspecified", "0.0.0.0/8"),
        ("::", "unspecified", "::/128"),
        ("255.255.255.255", "broadcast", "255.255.255.255/32"),
        ("240.0.0.1", "reserved", "240.0.0.0/4"),
        ("169.254.169.254", "cloud metadata", "169.254.169.254/32"),
        ("fd00:ec2::254", "cloud metadata", "fd00:ec2::254/128"),
        ("::ffff:127.0.0.1", "IPv4-mapped", "127.0.0.0/8"),
        ("::ffff:169.254.169.254", "IPv4-mapped", "169.254.169.254/32"),
        ("::ffff:10.0.0.1", "IPv4-mapped", "10.0.0.0/8"),
        ("64:ff9b::a00:1", "NAT64", "10.0.0.0/8"),
        ("64:ff9b::7f00:1", "NAT64", "127.0.0.0/8"),
        ("2002:c0a8:101::1", "6to4", "192.168.0.0/16"),
        ("2002:a9fe:a9fe::", "6to4", "169.254.169.254/32"),
        ("::127.0.0.1", "IPv4-compatible", "::/96"),
        ("2001::1", "Teredo", "2001::/32"),
        ("fec0::1", "site-local", "fec0::/10"),
    ])
    func refusesRange(address: String, phrase: String, range: String) async throws {
        let refused = try #require(OutboundAddressGuard.forbiddenRange(of: address))
        #expect(refused.description.contains(phrase), "\(address): \(refused)")
        #expect(refused.range?.description == range)

        let host = address.contains(":") ? "[\(address)]" : address
        let error = await #expect(throws: HeraldError.self) { try await guardNoAllowList.vet("https://\(host)/hook") }
        #expect(error?.code == .outboundRefused)
        #expect(error?.field == "url")
        #expect(error?.message.contains(address) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(range) == true, "\(error?.message ?? "")")
    }

    @Test("public addresses pass", arguments: [
        "93.184.216.34", "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111",
        "::ffff:93.184.216.34", "64:ff9b::5db8:d822", "2002:5db8:d822::1",
    ])
    func publicAddresses(address: String) async throws {
        #expect(OutboundAddressGuard.forbiddenRange(of: address) == nil)
        let host = address.contains(":") ? "[\(address)]" : address
        let destination = try await guardNoAllowList.vet("https://\(host):8443/hook?x=1")
        #expect(destination.addresses == [address])
        #expect(destination.port == 8443)
        #expect(destination.host == address)
        #expect(destination.dnsOverride.isEmpty)
        #expect(!destination.allAllowListed)
    }

    @Test("the allow-list lets 127.0.0.1 through, over http too")
    func allowList() async throws {
        let allowing = OutboundAddressGuard(allowList: [CIDR("127.0.0.0/8")!, CIDR("::1/128")!])
        let destination = try await allowing.vet("http://127.0.0.1:8090/hook")
        #expect(destination.addresses == ["127.0.0.1"])
        #expect(destination.allAllowListed)
        #expect(destination.scheme == "http")
        #expect(try await allowing.vet("https://[::1]/").addresses == ["::1"])
        #expect(try await allowing.vet("https://[::ffff:127.0.0.1]/").addresses.count == 1)
        // Only what is listed: other private ranges stay refused.
        await #expect(throws: HeraldError.self) { try await allowing.vet("https://10.0.0.1/") }
        #expect(allowing.check(address: "127.0.0.1") == nil)
        #expect(allowing.check(address: "169.254.169.254") != nil)
    }

    @Test("localhost resolves to loopback and is refused")
    func localhost() async throws {
        let error = await #expect(throws: HeraldError.self) { try await guardNoAllowList.vet("https://localhost:8443/") }
        #expect(error?.message.contains("resolved from localhost") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("loopback") == true)

        let allowing = OutboundAddressGuard(allowList: [CIDR("127.0.0.0/8")!, CIDR("::1/128")!])
        let destination = try await allowing.vet("http://localhost:8090/hook")
        #expect(!destination.addresses.isEmpty)
        #expect(destination.addresses.allSatisfy { $0 == "127.0.0.1" || $0 == "::1" })
        #expect(destination.dnsOverride == ["localhost": destination.addresses[0]])
        #expect(destination.hostHeader == "localhost:8090")
        #expect(destination.pinnedURL.hasPrefix("http://127.0.0.1:8090/hook") || destination.pinnedURL.hasPrefix("http://[::1]:8090/hook"))
    }

    @Test("a host is refused when ANY of its addresses is refused")
    func anyAddress() async throws {
        let mixed = OutboundAddressGuard(allowList: [], resolver: OutboundResolver { _ in ["93.184.216.34", "10.0.0.7"] })
        let error = await #expect(throws: HeraldError.self) { try await mixed.vet("https://rebind.example/") }
        #expect(error?.message.contains("10.0.0.7 (resolved from rebind.example)") == true, "\(error?.message ?? "")")

        let empty = OutboundAddressGuard(allowList: [], resolver: OutboundResolver { _ in [] })
        await #expect(throws: HeraldError.self) { try await empty.vet("https://nothing.example/") }

        let publicOnly = OutboundAddressGuard(allowList: [], resolver: OutboundResolver { _ in ["93.184.216.34", "2606:2800:220:1::1"] })
        let destination = try await publicOnly.vet("https://example.com/hook")
        #expect(destination.addresses == ["93.184.216.34", "2606:2800:220:1::1"])
        #expect(destination.dnsOverride == ["example.com": "93.184.216.34"])
        #expect(destination.hostHeader == "example.com")
    }

    @Test("http is refused for public hosts")
    func httpPublic() async throws {
        let error = await #expect(throws: HeraldError.self) { try await guardNoAllowList.vet("http://93.184.216.34/hook") }
        #expect(error?.message.contains("https") == true)
        let halfListed = OutboundAddressGuard(
            allowList: [CIDR("10.0.0.0/8")!], resolver: OutboundResolver { _ in ["10.0.0.1", "93.184.216.34"] })
        await #expect(throws: HeraldError.self) { try await halfListed.vet("http://mixed.example/") }
        #expect(try await halfListed.vet("https://mixed.example/").addresses.count == 2)
    }

    @Test("URL rules: scheme, user info, port", arguments: [
        ("ftp://93.184.216.34/", "scheme"),
        ("file:///etc/passwd", "scheme"),
        ("/relative/path", "absolute"),
        ("https://user:pass@93.184.216.34/", "user info"),
        ("https://user@93.184.216.34/", "user info"),
        ("https://@93.184.216.34/", "user info"),
        ("https://93.184.216.34@10.0.0.1/", "user info"),
        ("https://93.184.216.34:0/", "port"),
        ("https://93.184.216.34:65536/", "port"),
        ("https://93.184.216.34:99999999999/", "port"),
        ("https://93.184.216.34:/", "port"),
        ("https:///path", "host"),
        ("https://93.184.216.34 /", "whitespace"),
        ("https://93.184.216.34\\@10.0.0.1/", "user info"),
    ])
    func urlRules(url: String, phrase: String) async throws {
        let error = await #expect(throws: HeraldError.self) { try await guardNoAllowList.vet(url) }
        #expect(error?.code == .outboundRefused)
        #expect(error?.message.lowercased().contains(phrase.lowercased()) == true, "\(url): \(error?.message ?? "")")
    }

    @Test("ports 1 and 65535 are fine")
    func portBounds() async throws {
        #expect(try await guardNoAllowList.vet("https://93.184.216.34:1/").port == 1)
        #expect(try await guardNoAllowList.vet("https://93.184.216.34:65535/").port == 65535)
        #expect(try await guardNoAllowList.vet("HTTPS://93.184.216.34/").port == 443)
    }

    @Test("legacy IPv4 spellings resolve to what they mean and are refused")
    func legacySpellings() async throws {
        for url in ["https://127.1/", "https://2130706433/", "https://0x7f.0.0.1/"] {
            let error = await #expect(throws: HeraldError.self) { try await guardNoAllowList.vet(url) }
            #expect(error?.message.contains("127.0.0.1") == true, "\(url): \(error?.message ?? "")")
        }
    }

    @Test("the pinned URL keeps path, query and port, bracketing IPv6")
    func pinnedURL() async throws {
        let v6 = OutboundAddressGuard(allowList: [CIDR("::1/128")!], resolver: OutboundResolver { _ in ["::1"] })
        let destination = try await v6.vet("http://receiver.test:8090/a/b?c=d")
        #expect(destination.pinnedURL == "http://[::1]:8090/a/b?c=d")
        #expect(destination.hostHeader == "receiver.test:8090")
    }
}

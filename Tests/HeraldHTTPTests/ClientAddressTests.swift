import HeraldCore
@testable import HeraldHTTP
import Testing

@Suite struct ClientAddressTests {
    let resolver = ClientAddressResolver(trustedProxies: [CIDR("10.0.0.0/8")!, CIDR("::1/128")!])

    @Test func untrustedPeersAreTheClient() {
        #expect(resolver.clientAddress(peer: "203.0.113.9", forwardedFor: ["198.51.100.1"]) == "203.0.113.9")
    }

    @Test func trustedProxyYieldsTheRightMostUntrustedHop() {
        #expect(resolver.clientAddress(peer: "10.1.2.3", forwardedFor: ["198.51.100.1"]) == "198.51.100.1")
        // A client cannot spoof its address by prepending hops: the right-most untrusted entry wins.
        #expect(resolver.clientAddress(peer: "10.1.2.3", forwardedFor: ["1.1.1.1, 198.51.100.1, 10.9.9.9"]) == "198.51.100.1")
        #expect(resolver.clientAddress(peer: "::1", forwardedFor: ["1.1.1.1", "203.0.113.7"]) == "203.0.113.7")
    }

    @Test func trustedProxyWithoutHeaderIsTheClient() {
        #expect(resolver.clientAddress(peer: "10.1.2.3", forwardedFor: []) == "10.1.2.3")
        #expect(resolver.clientAddress(peer: nil, forwardedFor: ["1.1.1.1"]) == nil)
    }
}

import Crypto
import Foundation
import HeraldCore
@testable import HeraldHTTP
import Testing
import JWTKit

@Suite struct AuthenticationTests {
    @Test func missingOrInvalidCredentialsAre401WithJSONError() async throws {
        let api = try await TestAPI()
        try await api.run { client in
            let none = try await client.call(.get, "/api/me", key: nil)
            #expect(none.status == 401)
            #expect(none.errorCode == "unauthorized")
            #expect(none.headers[.wwwAuthenticate] == "Bearer")
            let bad = try await client.call(.get, "/api/me", key: "hk_not-a-real-key")
            #expect(bad.status == 401)
            let me = try await client.call(.get, "/api/me", key: api.ownerKey)
            #expect(me.status == 200)
            #expect(me.json["email"] as? String == "admin@localhost")
            #expect(me.json["is_platform_owner"] as? Bool == true)
        }
    }

    @Test func failedAuthenticationsAreRateLimitedPerAddress() async throws {
        let api = try await TestAPI { $0.limits.authFailures = 3 }
        try await api.run { client in
            for _ in 0..<2 {
                #expect(try await client.call(.get, "/api/me", key: "hk_wrong").status == 401)
            }
            let limited = try await client.call(.get, "/api/me", key: "hk_wrong")
            #expect(limited.status == 429)
            #expect(limited.errorCode == "too_many_requests")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            // Even a valid key is refused from that address until the window ends.
            #expect(try await client.call(.get, "/api/me", key: api.ownerKey).status == 429)
        }
    }

    @Test func demotionTakesEffectOnTheNextRequest() async throws {
        let api = try await TestAPI()
        let (other, otherKey) = try await api.user("second@example.com")
        try await api.run { client in
            #expect(try await client.call(.post, "/api/platform/owners", key: api.ownerKey,
                                         json: #"{"user_id":"\#(other.id)"}"#).status == 200)
            #expect(try await client.call(.get, "/api/platform/tiers", key: otherKey).status == 200)
            let me = try await client.call(.get, "/api/me", key: api.ownerKey)
            let ownerId = try #require(me.json["id"] as? String)
            #expect(try await client.call(.delete, "/api/platform/owners/\(ownerId)", key: otherKey).status == 204)
            let refused = try await client.call(.get, "/api/platform/tiers", key: api.ownerKey)
            #expect(refused.status == 403)
            #expect(refused.errorCode == "forbidden")
        }
    }

    @Test func jwtFromTheSSOCoreIsVerifiedAndCreatesItsUser() async throws {
        var auth = AuthConfiguration()
        auth.jwtHS256Secret = "test-secret-of-sufficient-length-0123456789"
        auth.jwtIssuer = "https://sso.example.com"
        auth.jwtAudience = "herald"
        let verifier = try await JWTVerifier(configuration: auth)
        let api = try await TestAPI(jwt: verifier)
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: auth.jwtHS256Secret!), digestAlgorithm: .sha256)
        func token(iss: String = "https://sso.example.com", aud: String = "herald", sub: String = "u-1",
                   email: String = "jane@example.com", expiresIn: TimeInterval = 300) async throws -> String {
            try await keys.sign(TestClaims(
                iss: .init(value: iss), sub: .init(value: sub), aud: .init(value: [aud]),
                exp: .init(value: Date().addingTimeInterval(expiresIn)), email: email))
        }
        let good = try await token()
        let expired = try await token(expiresIn: -60)
        let wrongIssuer = try await token(iss: "https://evil.example.com")
        let wrongAudience = try await token(aud: "other")
        let sameEmailOtherSubject = try await token(sub: "u-2")
        try await api.run { client in
            let me = try await client.call(.get, "/api/me", key: good)
            #expect(me.status == 200)
            #expect(me.json["email"] as? String == "jane@example.com")
            #expect(me.json["is_platform_owner"] as? Bool == false)
            #expect(try await client.call(.get, "/api/me", key: good).json["id"] as? String == me.json["id"] as? String)
            #expect(try await client.call(.get, "/api/me", key: expired).status == 401)
            #expect(try await client.call(.get, "/api/me", key: wrongIssuer).status == 401)
            #expect(try await client.call(.get, "/api/me", key: wrongAudience).status == 401)
            let merged = try await client.call(.get, "/api/me", key: sameEmailOtherSubject)
            #expect(merged.status == 403)
        }
    }

    @Test func ed25519PublicKeyFromPEM() throws {
        let key = Curve25519.Signing.PrivateKey()
        let der = Data([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]) + key.publicKey.rawRepresentation
        let pem = "-----BEGIN PUBLIC KEY-----\n\(der.base64EncodedString())\n-----END PUBLIC KEY-----\n"
        #expect(JWTVerifier.ed25519PublicKey(pem: pem)?.rawRepresentation == key.publicKey.rawRepresentation)
        #expect(JWTVerifier.ed25519PublicKey(pem: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----") == nil)
    }
}

struct TestClaims: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var email: String
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

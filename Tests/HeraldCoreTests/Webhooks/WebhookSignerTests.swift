import Crypto
import Foundation
import HeraldCore
import Testing

@Suite("Webhook signing (Standard Webhooks)")
struct WebhookSignerTests {
    // The Standard Webhooks / Svix published example (the reference libraries' tests use it too);
    // the Python `standardwebhooks` 1.1.0 library computes the same signature.
    static let vectorSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let vectorID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let vectorTimestamp: Int64 = 1_614_265_330
    static let vectorBody = #"{"test": 2432232314}"#
    static let vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    static let now = Date(timeIntervalSince1970: 1_700_000_000.75)

    @Test("reproduces the published test vector")
    func knownAnswer() throws {
        let secret = try WebhookSecret(parsing: Self.vectorSecret)
        let content = try WebhookSigner.signedContent(id: Self.vectorID, timestamp: Self.vectorTimestamp, body: Data(Self.vectorBody.utf8))
        #expect(String(decoding: content, as: UTF8.self) == #"msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}"#)
        #expect(try WebhookSigner.sign(content, with: .symmetric(secret)) == Self.vectorSignature)

        let signer = WebhookSigner(keys: SigningKeys(current: .symmetric(secret)))
        let headers = try signer.headers(
            id: Self.vectorID, body: Data(Self.vectorBody.utf8), at: Date(timeIntervalSince1970: 1_614_265_330.9))
        #expect(headers == WebhookHeaders(id: Self.vectorID, timestamp: Self.vectorTimestamp, signature: Self.vectorSignature))
        #expect(headers.dictionary == [
            "webhook-id": Self.vectorID, "webhook-timestamp": "1614265330", "webhook-signature": Self.vectorSignature,
        ])
    }

    @Test("generated secrets are whsec_ + base64 of 32 bytes and parse back")
    func generatedSecret() throws {
        let secret = WebhookSecret.generate()
        #expect(secret.encoded.hasPrefix("whsec_"))
        let decoded = try #require(Data(base64Encoded: String(secret.encoded.dropFirst(6))))
        #expect(decoded.count == 32)
        #expect(try WebhookSecret(parsing: secret.encoded) == secret)
        #expect(try WebhookSecret(parsing: String(secret.encoded.dropFirst(6))) == secret)
        #expect(WebhookSecret.generate() != secret)
        #expect(!"\(secret)".contains(secret.encoded.dropFirst(6)))
    }

    @Test("the prefix and base64 padding are optional")
    func lenientSecretParsing() throws {
        let secret = try WebhookSecret(parsing: Self.vectorSecret)
        #expect(try WebhookSecret(parsing: "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") == secret)
        let unpadded = String(WebhookSecret.generate().encoded.dropLast())  // 32 bytes → one `=` of padding
        #expect(try WebhookSecret(parsing: unpadded).bytes.count == 32)
    }

    @Test("invalid secrets are refused with invalid_field", arguments: [
        "", "whsec_", "whsec_!!!notbase64!!!", "whsec_AAAA", "whsec_" + Data(count: 65).base64EncodedString(),
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS-",
    ])
    func invalidSecret(text: String) {
        let error = #expect(throws: HeraldError.self) { try WebhookSecret(parsing: text) }
        #expect(error?.code == .invalidField)
        #expect(error?.field == "secret")
    }

    @Test("v1a signs with Ed25519 and the key exports as whsk_/whpk_/PEM")
    func ed25519() throws {
        let key = WebhookSigningKey.generate()
        #expect(key.encoded.hasPrefix("whsk_"))
        #expect(Data(base64Encoded: String(key.encoded.dropFirst(5)))?.count == 64)
        let reparsed = try WebhookSigningKey(parsing: key.encoded)
        #expect(reparsed.publicKey == key.publicKey)
        let seedOnly = "whsk_" + Data(try #require(Data(base64Encoded: String(key.encoded.dropFirst(5)))).prefix(32)).base64EncodedString()
        #expect(try WebhookSigningKey(parsing: seedOnly).publicKey == key.publicKey)

        let publicKey = key.publicKey
        #expect(publicKey.encoded.hasPrefix("whpk_"))
        #expect(publicKey.rawBytes.count == 32)
        #expect(try WebhookPublicKey(parsing: publicKey.encoded) == publicKey)
        #expect(publicKey.pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(publicKey.pem.hasSuffix("\n-----END PUBLIC KEY-----\n"))
        #expect(try WebhookPublicKey(parsing: publicKey.pem) == publicKey)

        let body = Data(#"{"type":"user.created"}"#.utf8)
        let signer = WebhookSigner(keys: SigningKeys(current: .asymmetric(key)))
        let headers = try signer.headers(id: "evt_1", body: body, at: Self.now)
        #expect(headers.signature.hasPrefix("v1a,"))
        let raw = try #require(Data(base64Encoded: String(headers.signature.dropFirst(4))))
        #expect(raw.count == 64)
        let content = try WebhookSigner.signedContent(id: "evt_1", timestamp: headers.timestamp, body: body)
        let cryptoKey = try Curve25519.Signing.PublicKey(rawRepresentation: publicKey.rawBytes)
        #expect(cryptoKey.isValidSignature(raw, for: content))
        try WebhookVerifier(keys: [.publicKey(publicKey)]).verify(headers, body: body, now: Self.now)
    }

    @Test("a whsk_ key whose public half does not match is refused")
    func mismatchedSigningKey() throws {
        let a = try #require(Data(base64Encoded: String(WebhookSigningKey.generate().encoded.dropFirst(5))))
        let b = try #require(Data(base64Encoded: String(WebhookSigningKey.generate().encoded.dropFirst(5))))
        let mixed = "whsk_" + (a.prefix(32) + b.suffix(32)).base64EncodedString()
        #expect(throws: HeraldError.self) { try WebhookSigningKey(parsing: mixed) }
        #expect(throws: HeraldError.self) { try WebhookPublicKey(parsing: "whpk_AAAA") }
    }

    @Test("the timestamp is whole Unix seconds of the attempt")
    func timestamp() throws {
        let signer = WebhookSigner(keys: SigningKeys(current: .symmetric(.generate())))
        let headers = try signer.headers(id: "evt_1", body: Data(), at: Self.now)
        #expect(headers.timestamp == 1_700_000_000)
        let later = try signer.headers(id: "evt_1", body: Data(), at: Self.now.addingTimeInterval(60))
        #expect(later.id == headers.id)
        #expect(later.timestamp == 1_700_000_060)
        #expect(later.signature != headers.signature)
    }

    @Test("ids that would make the signed content ambiguous or break a header are refused", arguments: [
        "", "a.b", "a b", "a\r\nx: y", "é", String(repeating: "a", count: 257),
    ])
    func invalidID(id: String) {
        let signer = WebhookSigner(keys: SigningKeys(current: .symmetric(.generate())))
        let error = #expect(throws: HeraldError.self) { try signer.headers(id: id, body: Data(), at: Self.now) }
        #expect(error?.field == "webhook_id")
    }

    @Test("during a rotation both keys sign, each verifies alone, and the old one stops after the grace period")
    func rotation() throws {
        let old = WebhookSecret.generate()
        let new = WebhookSecret.generate()
        let keys = SigningKeys(current: .symmetric(old)).rotated(to: .symmetric(new), at: Self.now)
        #expect(keys.previousValidUntil == Self.now.addingTimeInterval(24 * 3600))
        let signer = WebhookSigner(keys: keys)
        let body = Data("payload".utf8)

        let during = Self.now.addingTimeInterval(23 * 3600)
        let headers = try signer.headers(id: "evt_rot", body: body, at: during)
        let parts = headers.signature.split(separator: " ")
        #expect(parts.count == 2)
        #expect(parts.allSatisfy { $0.hasPrefix("v1,") })
        try WebhookVerifier(keys: [.secret(new)]).verify(headers, body: body, now: during)
        try WebhookVerifier(keys: [.secret(old)]).verify(headers, body: body, now: during)
        let content = try WebhookSigner.signedContent(id: "evt_rot", timestamp: headers.timestamp, body: body)
        #expect(String(parts[0]) == (try WebhookSigner.sign(content, with: .symmetric(new))))

        let after = Self.now.addingTimeInterval(24 * 3600)
        let late = try signer.headers(id: "evt_rot", body: body, at: after)
        #expect(!late.signature.contains(" "))
        try WebhookVerifier(keys: [.secret(new)]).verify(late, body: body, now: after)
        #expect(throws: HeraldError.self) { try WebhookVerifier(keys: [.secret(old)]).verify(late, body: body, now: after) }
    }

    @Test("rotating twice drops the key that was still in its grace period")
    func doubleRotation() {
        let first = SigningKeys(current: .symmetric(.generate()))
        let twice = first.rotated(to: .symmetric(.generate()), at: Self.now)
            .rotated(to: .asymmetric(.generate()), at: Self.now.addingTimeInterval(10), gracePeriod: 60)
        #expect(twice.activeKeys(at: Self.now.addingTimeInterval(20)).map(\.version) == ["v1a", "v1"])
        #expect(twice.activeKeys(at: Self.now.addingTimeInterval(70)).map(\.version) == ["v1a"])
    }
}

@Suite("Webhook verification")
struct WebhookVerifierTests {
    static let now = Date(timeIntervalSince1970: 1_700_000_000)
    let secret = WebhookSecret.generate()
    let body = Data(#"{"a":1}"#.utf8)

    func signed(at time: Date) throws -> WebhookHeaders {
        try WebhookSigner(keys: SigningKeys(current: .symmetric(secret))).headers(id: "evt_v", body: body, at: time)
    }

    @Test("accepts timestamps within ±5 minutes and refuses beyond")
    func tolerance() throws {
        let verifier = WebhookVerifier(keys: [.secret(secret)])
        try verifier.verify(try signed(at: Self.now.addingTimeInterval(-300)), body: body, now: Self.now)
        try verifier.verify(try signed(at: Self.now.addingTimeInterval(300)), body: body, now: Self.now)
        let old = #expect(throws: HeraldError.self) {
            try verifier.verify(try signed(at: Self.now.addingTimeInterval(-301)), body: body, now: Self.now)
        }
        #expect(old?.message.contains("too old") == true)
        let future = #expect(throws: HeraldError.self) {
            try verifier.verify(try signed(at: Self.now.addingTimeInterval(301)), body: body, now: Self.now)
        }
        #expect(future?.message.contains("future") == true)
    }

    @Test("refuses a changed body, id or timestamp, and a wrong key")
    func tampering() throws {
        let headers = try signed(at: Self.now)
        let verifier = WebhookVerifier(keys: [.secret(secret)])
        #expect(throws: HeraldError.self) { try verifier.verify(headers, body: Data(#"{"a":2}"#.utf8), now: Self.now) }
        var otherID = headers
        otherID.id = "evt_w"
        #expect(throws: HeraldError.self) { try verifier.verify(otherID, body: body, now: Self.now) }
        var otherTime = headers
        otherTime.timestamp += 1
        #expect(throws: HeraldError.self) { try verifier.verify(otherTime, body: body, now: Self.now) }
        #expect(throws: HeraldError.self) {
            try WebhookVerifier(keys: [.secret(.generate())]).verify(headers, body: body, now: Self.now)
        }
        // A v1 signature is not checked against an Ed25519 key, and unknown versions are skipped.
        #expect(throws: HeraldError.self) {
            try WebhookVerifier(keys: [.publicKey(WebhookSigningKey.generate().publicKey)]).verify(headers, body: body, now: Self.now)
        }
        var extra = headers
        extra.signature = "v2,AAAA garbage v1,bm9wZQ== " + headers.signature
        try verifier.verify(extra, body: body, now: Self.now)
    }

    @Test("reads headers case-insensitively and names a missing one")
    func headerDictionary() throws {
        let headers = try signed(at: Self.now)
        let verifier = WebhookVerifier(keys: [.secret(secret)])
        try verifier.verify(
            headers: ["Webhook-Id": headers.id, "WEBHOOK-TIMESTAMP": String(headers.timestamp), "webhook-signature": headers.signature],
            body: body, now: Self.now)
        let missing = #expect(throws: HeraldError.self) {
            try verifier.verify(headers: ["webhook-id": headers.id, "webhook-signature": headers.signature], body: body, now: Self.now)
        }
        #expect(missing?.code == .unauthorized)
        #expect(missing?.message.contains("webhook-timestamp") == true)
    }

    @Test("verifies the published vector at its own time")
    func vector() throws {
        let verifier = WebhookVerifier(keys: [.secret(try WebhookSecret(parsing: WebhookSignerTests.vectorSecret))])
        try verifier.verify(
            WebhookHeaders(id: WebhookSignerTests.vectorID, timestamp: WebhookSignerTests.vectorTimestamp, signature: WebhookSignerTests.vectorSignature),
            body: Data(WebhookSignerTests.vectorBody.utf8), now: Date(timeIntervalSince1970: 1_614_265_400))
    }
}

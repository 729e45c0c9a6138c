import Foundation
import Testing
import _CryptoExtras

@testable import HeraldDelivery

/// RFC 8463 Appendix A: a message signed by `football.example.com` with Ed25519 (selector `brisbane`) and
/// with RSA (selector `test`), the keys (A.1), their DNS records (A.2) and the signed message (A.3).
@Suite("DKIM RFC 8463 test vector")
struct DKIMRFC8463Tests {
    /// A.1: the Ed25519 private key (its 32-byte seed, base64).
    static let ed25519Seed = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A="
    /// A.2: the key records.
    static let ed25519Record = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
    static let rsaRecord = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWR"
        + "iGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutAC"
        + "DfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3"
        + "Ip3G+2kryOTIKT+l/K4w3QIDAQAB"
    /// A.3: the signed message, with CRLF line endings.
    static let signed = [
        "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;",
        " d=football.example.com; i=@football.example.com;",
        " q=dns/txt; s=brisbane; t=1528637909; h=from : to :",
        " subject : date : message-id : from : subject : date;",
        " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
        " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus",
        " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==",
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;",
        " d=football.example.com; i=@football.example.com;",
        " q=dns/txt; s=test; t=1528637909; h=from : to : subject :",
        " date : message-id : from : subject : date;",
        " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
        " b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3",
        " DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz",
        " dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=",
        "From: Joe SixPack <joe@football.example.com>",
        "To: Suzie Q <suzie@shopping.example.net>",
        "Subject: Is dinner ready?",
        "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)",
        "Message-ID: <20030712040037.46341.5F8J@football.example.com>",
        "",
        "Hi.",
        "",
        "We lost the game.  Are you hungry yet?",
        "",
        "Joe.",
        "",
        "",
    ].joined(separator: "\r\n")
    static let signedNames = ["from", "to", "subject", "date", "message-id", "from", "subject", "date"]

    /// A signature field of the vector split into the field with an empty `b=` and the signature bytes.
    static func split(_ field: DKIMHeaderField) throws -> (unsigned: ArraySlice<UInt8>, signature: [UInt8]) {
        let text = String(decoding: field.raw, as: UTF8.self)
        let tag = try #require(text.range(of: "\r\n b="))
        let value = text[tag.upperBound...].filter { !$0.isWhitespace }
        let signature = try #require(Data(base64Encoded: String(value)))
        return (Array(text[..<tag.upperBound].utf8)[...], Array(signature))
    }

    @Test("the Ed25519 key of A.1 publishes the record of A.2")
    func ed25519Record() throws {
        let key = try DKIMKey(algorithm: .ed25519SHA256, privateKeyPEM: Self.ed25519Seed)
        #expect(key.dnsRecord == Self.ed25519Record)
    }

    @Test("the body hash of A.3")
    func bodyHash() throws {
        let message = try DKIMMessage(Array(Self.signed.utf8))
        #expect(DKIMSigner.bodyHash(message.body) == "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=")
    }

    @Test("the signed data: h= taken bottom-up, names listed twice add nothing, the signature field last with b= empty")
    func signedData() throws {
        let message = try DKIMMessage(Array(Self.signed.utf8))
        #expect(message.fields.map(\.name) == ["dkim-signature", "dkim-signature", "from", "to", "subject", "date", "message-id"])
        let (unsigned, _) = try Self.split(message.fields[0])
        let data = DKIMSigner.signedData(fields: message.fields(selectedBy: Self.signedNames), signatureField: unsigned)
        let expected = [
            "from:Joe SixPack <joe@football.example.com>\r\n",
            "to:Suzie Q <suzie@shopping.example.net>\r\n",
            "subject:Is dinner ready?\r\n",
            "date:Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n",
            "message-id:<20030712040037.46341.5F8J@football.example.com>\r\n",
            "dkim-signature:v=1; a=ed25519-sha256; c=relaxed/relaxed; d=football.example.com;",
            " i=@football.example.com; q=dns/txt; s=brisbane; t=1528637909; h=from : to : subject :",
            " date : message-id : from : subject : date; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=",
        ].joined()
        #expect(String(decoding: data, as: UTF8.self) == expected)
    }

    @Test("Ed25519 over that data reproduces the published signature (Ed25519 is deterministic)")
    func ed25519Signature() throws {
        let message = try DKIMMessage(Array(Self.signed.utf8))
        let (unsigned, published) = try Self.split(message.fields[0])
        let data = DKIMSigner.signedData(fields: message.fields(selectedBy: Self.signedNames), signatureField: unsigned)
        let key = try DKIMKey(algorithm: .ed25519SHA256, privateKeyPEM: Self.ed25519Seed)
        #expect(try key.signature(over: data) == published)
    }

    @Test("the published RSA signature verifies over the same construction with the key of A.2")
    func rsaSignature() throws {
        let message = try DKIMMessage(Array(Self.signed.utf8))
        let (unsigned, published) = try Self.split(message.fields[1])
        let data = DKIMSigner.signedData(fields: message.fields(selectedBy: Self.signedNames), signatureField: unsigned)
        let spki = try #require(Data(base64Encoded: String(Self.rsaRecord.split(separator: "p=")[1])))
        let publicKey = try _RSA.Signing.PublicKey(unsafeDERRepresentation: spki)
        #expect(publicKey.keySizeInBits == 1024)
        let signature = _RSA.Signing.RSASignature(rawRepresentation: published)
        #expect(publicKey.isValidSignature(signature, for: data, padding: .insecurePKCS1v1_5))
        var altered = data
        altered[altered.startIndex] ^= 0x20
        #expect(!publicKey.isValidSignature(signature, for: altered, padding: .insecurePKCS1v1_5))
    }
}

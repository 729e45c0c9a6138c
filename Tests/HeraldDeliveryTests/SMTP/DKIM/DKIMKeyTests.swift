import Foundation
import Testing

@testable import HeraldDelivery

/// Reading DKIM keys in the forms operators have them, refusing weak or wrong ones, and the DNS records
/// (checked against the public keys `openssl` derives).
@Suite("DKIM keys")
struct DKIMKeyTests {
    @Test("RSA keys from openssl, PKCS#1 and PKCS#8: the record carries the SubjectPublicKeyInfo openssl derives")
    func rsaKeys() throws {
        for traditional in [true, false] {
            let pem = try DKIMOpenSSL.rsaKey(bits: 2048, traditional: traditional)
            #expect(pem.contains(traditional ? "BEGIN RSA PRIVATE KEY" : "BEGIN PRIVATE KEY"))
            let key = try DKIMKey(algorithm: .rsaSHA256, privateKeyPEM: pem)
            #expect(key.algorithm == .rsaSHA256)
            #expect(key.keySizeInBits == 2048)
            let spki = try DKIMOpenSSL.publicKeyDER(of: pem)
            #expect(key.dnsRecord == "v=DKIM1; k=rsa; p=\(spki.base64EncodedString())")
        }
    }

    @Test("an Ed25519 key from openssl genpkey: the record carries the raw 32-byte public key (RFC 8463 §4)")
    func ed25519Key() throws {
        let pem = try DKIMOpenSSL.ed25519Key()
        let key = try DKIMKey(algorithm: .ed25519SHA256, privateKeyPEM: pem)
        let spki = try DKIMOpenSSL.publicKeyDER(of: pem)
        #expect(spki.count == 44)  // a 12-byte SubjectPublicKeyInfo prefix, then the key
        #expect(key.dnsRecord == "v=DKIM1; k=ed25519; p=\(spki.suffix(32).base64EncodedString())")
        #expect(key.keySizeInBits == 256)
    }

    @Test("RFC 8301: 1024-bit RSA keys are accepted, shorter ones refused")
    func rsaKeySizes() throws {
        let key = try DKIMKey(algorithm: .rsaSHA256, privateKeyPEM: try DKIMOpenSSL.rsaKey(bits: 1024, traditional: true))
        #expect(key.keySizeInBits == 1024)
        for bits in [512, 768] {
            let pem = try DKIMOpenSSL.rsaKey(bits: bits, traditional: bits == 512)
            #expect(throws: DKIMError.self) { try DKIMKey(algorithm: .rsaSHA256, privateKeyPEM: pem) }
            do {
                _ = try DKIMKey(algorithm: .rsaSHA256, privateKeyPEM: pem)
            } catch {
                #expect(error.code == .weakKey, "\(bits) bits: \(error)")
                #expect(error.message.contains("1024"))
            }
        }
    }

    @Test("keys of the wrong kind, encrypted keys and garbage are refused with invalid_key")
    func invalidKeys() throws {
        let rsa = try DKIMOpenSSL.rsaKey(bits: 2048, traditional: true)
        let ed25519 = try DKIMOpenSSL.ed25519Key()
        let encrypted = String(
            decoding: try DKIMOpenSSL.run(
                ["pkey", "-aes-128-cbc", "-passout", "pass:secret"], input: Data(rsa.utf8)),
            as: UTF8.self)
        #expect(encrypted.contains("ENCRYPTED PRIVATE KEY"))
        let cases: [(DKIMAlgorithm, String)] = [
            (.rsaSHA256, ed25519), (.ed25519SHA256, rsa), (.rsaSHA256, encrypted), (.ed25519SHA256, encrypted),
            (.rsaSHA256, "not a key"), (.rsaSHA256, ""), (.ed25519SHA256, "not a key"), (.ed25519SHA256, ""),
            (.ed25519SHA256, Data(repeating: 7, count: 31).base64EncodedString()),
            (.ed25519SHA256, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
        ]
        for (algorithm, text) in cases {
            do {
                _ = try DKIMKey(algorithm: algorithm, privateKeyPEM: text)
                Issue.record("\(algorithm.rawValue) accepted \(text.prefix(40))")
            } catch {
                #expect(error.code == .invalidKey, "\(algorithm.rawValue): \(error)")
                #expect(!error.description.contains("MII"), "an error must not echo key material")
            }
        }
    }

    @Test("an Ed25519 key given as its base64 seed equals the same key as PKCS#8")
    func ed25519Seed() throws {
        let pem = try DKIMOpenSSL.ed25519Key()
        let der = try DKIMOpenSSL.run(["pkey", "-outform", "DER"], input: Data(pem.utf8))
        let seed = der.suffix(32).base64EncodedString()  // PKCS#8 for Ed25519 ends with the 32-byte seed
        let fromSeed = try DKIMKey(algorithm: .ed25519SHA256, privateKeyPEM: " \(seed)\n")
        let fromPEM = try DKIMKey(algorithm: .ed25519SHA256, privateKeyPEM: pem)
        #expect(fromSeed.dnsRecord == fromPEM.dnsRecord)
    }

    @Test("generate makes keys whose PEM reads back to the same key", arguments: DKIMAlgorithm.allCases)
    func generate(algorithm: DKIMAlgorithm) throws {
        let (key, pem) = try DKIMKey.generate(algorithm)
        #expect(key.algorithm == algorithm)
        let read = try DKIMKey(algorithm: algorithm, privateKeyPEM: pem)
        #expect(read.dnsRecord == key.dnsRecord)
        #expect(try DKIMOpenSSL.publicKeyDER(of: pem).count > 0)
        if algorithm == .rsaSHA256 { #expect(key.keySizeInBits == 2048) }
    }

    @Test("the record is cut into TXT character-strings of at most 255 bytes")
    func recordStrings() throws {
        let (rsa, _) = try DKIMKey.generate(.rsaSHA256)
        #expect(rsa.dnsRecord.utf8.count > 255)
        #expect(rsa.dnsRecordStrings.count == 2)
        #expect(rsa.dnsRecordStrings.allSatisfy { $0.utf8.count <= 255 })
        #expect(rsa.dnsRecordStrings.joined() == rsa.dnsRecord)
        let (ed25519, _) = try DKIMKey.generate(.ed25519SHA256)
        #expect(ed25519.dnsRecordStrings == [ed25519.dnsRecord])
    }
}

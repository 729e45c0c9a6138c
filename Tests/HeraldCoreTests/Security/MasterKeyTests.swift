import Crypto
import Foundation
import HeraldCore
import Testing

@Suite("Master key")
struct MasterKeyTests {
    /// A fresh temp directory with `credentials/` and `state/` paths under it (neither created).
    func directories() throws -> (root: URL, credentials: String, state: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-mk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return (root, root.appendingPathComponent("credentials").path, root.appendingPathComponent("state").path)
    }

    func bytes(of key: MasterKey) -> [UInt8] { key.key.withUnsafeBytes { Array($0) } }

    @Test("is generated once in the state directory with mode 0600 and read back")
    func generated() throws {
        let dirs = try directories()
        defer { try? FileManager.default.removeItem(at: dirs.root) }
        let first = try MasterKey.load(credentialsDirectory: nil, stateDirectory: dirs.state)
        let path = dirs.state + "/master-key"
        #expect(first.source == .generated(path: path))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let second = try MasterKey.load(credentialsDirectory: nil, stateDirectory: dirs.state)
        #expect(second.source == .stateFile(path: path))
        #expect(bytes(of: first) == bytes(of: second))
        #expect(bytes(of: first).count == 32)
        #expect(!"\(first)".contains(Data(bytes(of: first)).base64EncodedString()))
    }

    @Test("the credentials directory wins over the state directory")
    func credentialsFirst() throws {
        let dirs = try directories()
        defer { try? FileManager.default.removeItem(at: dirs.root) }
        _ = try MasterKey.load(credentialsDirectory: nil, stateDirectory: dirs.state)
        try FileManager.default.createDirectory(atPath: dirs.credentials, withIntermediateDirectories: true)
        let raw = [UInt8](repeating: 7, count: 32)
        try Data(raw).write(to: URL(fileURLWithPath: dirs.credentials + "/master-key"))
        let key = try MasterKey.load(credentialsDirectory: dirs.credentials, stateDirectory: dirs.state)
        #expect(key.source == .credentials(path: dirs.credentials + "/master-key"))
        #expect(bytes(of: key) == raw)
    }

    @Test("a credentials directory without the file falls back to the state directory")
    func credentialsWithoutFile() throws {
        let dirs = try directories()
        defer { try? FileManager.default.removeItem(at: dirs.root) }
        try FileManager.default.createDirectory(atPath: dirs.credentials, withIntermediateDirectories: true)
        let key = try MasterKey.load(credentialsDirectory: dirs.credentials, stateDirectory: dirs.state)
        #expect(key.source == .generated(path: dirs.state + "/master-key"))
    }

    @Test("accepts raw bytes, hex and base64 (trimmed)", arguments: ["raw", "hex", "HEX", "base64"])
    func forms(form: String) throws {
        let dirs = try directories()
        defer { try? FileManager.default.removeItem(at: dirs.root) }
        try FileManager.default.createDirectory(atPath: dirs.credentials, withIntermediateDirectories: true)
        let raw = (0..<32).map { UInt8($0 * 7 + 1) }
        let contents: Data
        switch form {
        case "raw": contents = Data(raw)
        case "hex": contents = Data(("  " + raw.map { String(format: "%02x", $0) }.joined() + "\n").utf8)
        case "HEX": contents = Data(raw.map { String(format: "%02X", $0) }.joined().utf8)
        default: contents = Data((Data(raw).base64EncodedString() + "\r\n").utf8)
        }
        try contents.write(to: URL(fileURLWithPath: dirs.credentials + "/master-key"))
        let key = try MasterKey.load(credentialsDirectory: dirs.credentials, stateDirectory: dirs.state)
        #expect(bytes(of: key) == raw)
    }

    @Test("a key of the wrong size is refused with a message naming the file", arguments: [
        Data(count: 31), Data(count: 33), Data(String(repeating: "ab", count: 31).utf8),
        Data(Data(count: 16).base64EncodedString().utf8), Data("not a key at all\n".utf8), Data(),
    ])
    func wrongSize(contents: Data) throws {
        let dirs = try directories()
        defer { try? FileManager.default.removeItem(at: dirs.root) }
        try FileManager.default.createDirectory(atPath: dirs.state, withIntermediateDirectories: true)
        try contents.write(to: URL(fileURLWithPath: dirs.state + "/master-key"))
        let error = #expect(throws: HeraldError.self) {
            try MasterKey.load(credentialsDirectory: nil, stateDirectory: dirs.state)
        }
        #expect(error?.code == .masterKeyInvalid)
        #expect(error?.message.contains(dirs.state + "/master-key") == true)
        #expect(error?.message.contains("32") == true)
    }
}

@Suite("Secret sealer")
struct SecretSealerTests {
    let sealer = SecretSealer(masterKey: try! MasterKey(bytes: [UInt8](repeating: 1, count: 32)))
    let context = SealingContext(purpose: "webhook.secret", recordID: "ep_1")

    @Test("round-trips and uses a fresh nonce each time")
    func roundTrip() throws {
        let secret = WebhookSecret.generate().encoded
        let sealed = try sealer.seal(secret, context: context)
        #expect(sealed.hasPrefix("v1:"))
        #expect(!sealed.contains(secret.dropFirst(6)))
        #expect(try sealer.openString(sealed, context: context) == secret)
        #expect(try sealer.seal(secret, context: context) != sealed)
        #expect(Data(base64Encoded: String(sealed.dropFirst(3)))?.count == 12 + secret.utf8.count + 16)
        #expect(try sealer.open(try sealer.seal(Data(), context: context), context: context).isEmpty)
    }

    @Test("any altered byte makes opening fail")
    func tampering() throws {
        let sealed = try sealer.seal("s3cret", context: context)
        var bytes = try #require(Data(base64Encoded: String(sealed.dropFirst(3))))
        for index in [0, 12, bytes.count - 1] {
            bytes[index] ^= 0x01
            let altered = "v1:" + bytes.base64EncodedString()
            #expect(throws: HeraldError.self) { try sealer.open(altered, context: context) }
            bytes[index] ^= 0x01
        }
        #expect(throws: HeraldError.self) { try sealer.open("v2:" + sealed.dropFirst(3), context: context) }
        #expect(throws: HeraldError.self) { try sealer.open("v1:AAAA", context: context) }
        #expect(throws: HeraldError.self) { try sealer.open(String(sealed.dropLast(4)), context: context) }
    }

    @Test("a sealed value does not open for another record or purpose")
    func wrongAssociatedData() throws {
        let sealed = try sealer.seal("s3cret", context: context)
        let error = #expect(throws: HeraldError.self) {
            try sealer.open(sealed, context: SealingContext(purpose: "webhook.secret", recordID: "ep_2"))
        }
        #expect(error?.message.contains("s3cret") == false)
        #expect(throws: HeraldError.self) {
            try sealer.open(sealed, context: SealingContext(purpose: "smtp.password", recordID: "ep_1"))
        }
        // Length-prefixed fields: moving the boundary between purpose and record does not match.
        let a = try sealer.seal("x", context: SealingContext(purpose: "a.b", recordID: "c"))
        #expect(throws: HeraldError.self) { try sealer.open(a, context: SealingContext(purpose: "a", recordID: "b.c")) }
    }

    @Test("a sealed value does not open under another master key")
    func wrongKey() throws {
        let sealed = try sealer.seal("s3cret", context: context)
        let other = SecretSealer(masterKey: try MasterKey(bytes: [UInt8](repeating: 2, count: 32)))
        #expect(throws: HeraldError.self) { try other.open(sealed, context: context) }
    }

    @Test("refuses oversized plaintext")
    func oversized() {
        #expect(throws: HeraldError.self) { try sealer.seal(Data(count: 64 * 1024 + 1), context: context) }
    }
}

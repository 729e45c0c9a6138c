import Foundation
import HeraldCore
import Testing

/// Herald's signatures checked by independent verifiers: the Python `standardwebhooks` library
/// for `v1`, and `cryptography`'s Ed25519 for `v1a` (the library ignores `v1a` entries), run by
/// `scripts/peers/verify_webhook.py` in the peers virtualenv (`make peers`).
@Suite("Standard Webhooks peer verification")
struct StandardWebhooksPeerTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let python = packageRoot.appendingPathComponent(".build/peers-venv/bin/python")
    static let script = packageRoot.appendingPathComponent("scripts/peers/verify_webhook.py")

    struct Case {
        var name: String
        var key: [String: String]
        var headers: WebhookHeaders
        var body: Data
        var expected: Bool
    }

    @Test("the Python peers verify every signature Herald sends, and refuse altered ones")
    func peersVerify() throws {
        let now = Date()
        let secret = WebhookSecret.generate()
        let plainBody = Data(#"{"type":"user.created","data":{"id":"u_1"}}"#.utf8)
        let unicodeBody = Data(#"{"name":"Zoë Ångström — 日本語 🚀","note":"line\nbreak"}"#.utf8)
        let single = WebhookSigner(keys: SigningKeys(current: .symmetric(secret)))

        let old = WebhookSecret.generate()
        let new = WebhookSecret.generate()
        let rotated = SigningKeys(current: .symmetric(old)).rotated(to: .symmetric(new), at: now.addingTimeInterval(-3600))
        let rotatedHeaders = try WebhookSigner(keys: rotated).headers(id: "evt_rotation", body: plainBody, at: now)
        #expect(rotatedHeaders.signature.split(separator: " ").count == 2)
        let expiredKeys = SigningKeys(current: .symmetric(old))
            .rotated(to: .symmetric(new), at: now.addingTimeInterval(-25 * 3600))
        let expiredHeaders = try WebhookSigner(keys: expiredKeys).headers(id: "evt_expired", body: plainBody, at: now)

        let signingKey = WebhookSigningKey.generate()
        let ed25519 = try WebhookSigner(keys: SigningKeys(current: .asymmetric(signingKey)))
            .headers(id: "evt_v1a", body: unicodeBody, at: now)
        // Moving an endpoint from v1 to v1a: both signatures go out during the grace period.
        let mixedKeys = SigningKeys(current: .symmetric(old)).rotated(to: .asymmetric(signingKey), at: now)
        let mixed = try WebhookSigner(keys: mixedKeys).headers(id: "evt_mixed", body: plainBody, at: now)
        let publicKey = ["public_key": signingKey.publicKey.encoded, "public_key_pem": signingKey.publicKey.pem]

        let cases = [
            Case(name: "plain", key: ["secret": secret.encoded],
                 headers: try single.headers(id: "evt_plain", body: plainBody, at: now), body: plainBody, expected: true),
            Case(name: "unicode body", key: ["secret": secret.encoded],
                 headers: try single.headers(id: "evt_unicode", body: unicodeBody, at: now), body: unicodeBody, expected: true),
            Case(name: "empty body", key: ["secret": secret.encoded],
                 headers: try single.headers(id: "evt_empty", body: Data(), at: now), body: Data(), expected: true),
            Case(name: "rotation, new secret alone", key: ["secret": new.encoded],
                 headers: rotatedHeaders, body: plainBody, expected: true),
            Case(name: "rotation, old secret alone", key: ["secret": old.encoded],
                 headers: rotatedHeaders, body: plainBody, expected: true),
            Case(name: "after the grace period, new secret", key: ["secret": new.encoded],
                 headers: expiredHeaders, body: plainBody, expected: true),
            Case(name: "after the grace period, old secret refused", key: ["secret": old.encoded],
                 headers: expiredHeaders, body: plainBody, expected: false),
            Case(name: "v1a Ed25519", key: publicKey, headers: ed25519, body: unicodeBody, expected: true),
            Case(name: "v1 to v1a, Ed25519", key: publicKey, headers: mixed, body: plainBody, expected: true),
            Case(name: "v1 to v1a, old secret", key: ["secret": old.encoded], headers: mixed, body: plainBody, expected: true),
            // Controls: the peers do refuse what they should.
            Case(name: "altered body refused", key: ["secret": secret.encoded],
                 headers: try single.headers(id: "evt_alter", body: plainBody, at: now),
                 body: Data(#"{"type":"user.deleted","data":{"id":"u_1"}}"#.utf8), expected: false),
            Case(name: "wrong secret refused", key: ["secret": WebhookSecret.generate().encoded],
                 headers: try single.headers(id: "evt_wrong", body: plainBody, at: now), body: plainBody, expected: false),
            Case(name: "stale timestamp refused", key: ["secret": secret.encoded],
                 headers: try single.headers(id: "evt_stale", body: plainBody, at: now.addingTimeInterval(-600)),
                 body: plainBody, expected: false),
            Case(name: "v1a altered body refused", key: publicKey, headers: ed25519, body: plainBody, expected: false),
            Case(name: "v1a wrong key refused", key: ["public_key": WebhookSigningKey.generate().publicKey.encoded],
                 headers: ed25519, body: unicodeBody, expected: false),
        ]

        guard let results = try runPeer(cases) else { return }
        for item in cases {
            let result = results[item.name]
            #expect(result != nil, "no result for case \(item.name)")
            guard let result else { continue }
            #expect(
                result["ok"] as? Bool == item.expected,
                "case \(item.name): expected \(item.expected ? "verified" : "refused") by \(result["verifier"] ?? "?"), got \(result)"
            )
        }
    }

    /// Runs the script on `cases`; records an issue and returns `nil` when the peers are not installed.
    func runPeer(_ cases: [Case]) throws -> [String: [String: Any]]? {
        guard FileManager.default.isExecutableFile(atPath: Self.python.path) else {
            Issue.record(
                "the Python peers are not installed (\(Self.python.path) is missing): run `make peers` (in CI this is a failure)")
            return nil
        }
        let input: [[String: Any]] = cases.map { item in
            var object: [String: Any] = ["name": item.name, "headers": item.headers.dictionary, "body": item.body.base64EncodedString()]
            for (name, value) in item.key { object[name] = value }
            return object
        }
        let process = Process()
        process.executableURL = Self.python
        process.arguments = [Self.script.path]
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(try JSONSerialization.data(withJSONObject: input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        if process.terminationStatus == 2, let missing = objects.first?["missing"] {
            let hint = "scripts/requirements-peers.txt must list standardwebhooks and cryptography"
            Issue.record("a Python peer library is missing from the venv (\(missing)): run `make peers` (\(hint))")
            return nil
        }
        guard process.terminationStatus == 0 else {
            Issue.record("verify_webhook.py exited with \(process.terminationStatus): \(errors)")
            return nil
        }
        var results: [String: [String: Any]] = [:]
        for object in objects {
            if let name = object["name"] as? String { results[name] = object }
        }
        return results
    }
}

import Foundation
@testable import HeraldCore
import Testing

/// Herald's OCSF events checked against the real OCSF schema by `scripts/peers/ocsf_validate.py` in the peers
/// virtualenv (`make peers`): `pydantic-ocsf`'s bundled OCSF schemas and `ocsf-emitter`'s generated models.
///
/// With `HERALD_OCSF_SAMPLES=<path>` the samples are also written to that file as NDJSON, for running the
/// validator by hand: `.build/peers-venv/bin/python scripts/peers/ocsf_validate.py <path>`.
@Suite("OCSF peer validation")
struct OCSFPeerValidationTests {
    typealias F = SiemFixtures

    static let packageRoot: URL = {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent("scripts/peers").path) {
                return directory
            }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }()
    static let python = packageRoot.appendingPathComponent(".build/peers-venv/bin/python")
    static let script = packageRoot.appendingPathComponent("scripts/peers/ocsf_validate.py")

    /// One event of every class, every catalogued type with its example data, the ingested types the catalogue
    /// does not list, and every type with no optional column at all.
    static var samples: [Event] {
        let everyType = EventCatalogue.entries.map(\.type) + F.uncataloguedIngestedTypes
        return F.all
            + EventCatalogue.entries.map { F.full($0.type, data: $0.example) }
            + F.uncataloguedIngestedTypes.map { F.full($0) }
            + everyType.map { F.event(20, $0, orgId: nil) }
            + [
                F.event(21, "auth.mfa.failed", userId: "user_jane", ip: "2001:db8::1", data: ["factor": "webauthn"]),
                F.event(22, "risk.suspicious_activity", email: "jane@acme.example", severity: .critical,
                        data: ["alert_type": "MultipleFailures", "details": "10 failed MFA attempts in 5 minutes"]),
            ]
    }

    static func ndjson(_ events: [Event]) -> Data {
        var bytes: [UInt8] = []
        for event in events {
            bytes += SiemSchema.ocsf.render(event, producer: F.producer).bytes
            bytes.append(UInt8(ascii: "\n"))
        }
        return Data(bytes)
    }

    @Test("the OCSF schema accepts every rendering Herald produces")
    func schemaAcceptsRenderings() throws {
        let samples = Self.samples
        let input = Self.ndjson(samples)
        if let path = ProcessInfo.processInfo.environment["HERALD_OCSF_SAMPLES"], !path.isEmpty {
            try input.write(to: URL(fileURLWithPath: path))
        }
        guard let results = try runPeer(input) else { return }
        #expect(results.count == samples.count)
        for (event, result) in zip(samples, results) {
            #expect(result["uid"] as? String == event.id)
            #expect(result["ok"] as? Bool == true, "\(event.type): \(result["errors"] ?? "?")")
            let checks = result["checks"] as? [String] ?? []
            #expect(checks.contains { $0.hasPrefix("pydantic-ocsf 1.5.0") }, "\(event.type): \(checks)")
            #expect(checks.contains { $0.hasPrefix("ocsf-emitter") }, "\(event.type): \(checks)")
        }
    }

    @Test("the validator refuses events that break the schema (so a pass means something)")
    func validatorRefusesBrokenEvents() throws {
        func broken(_ event: Event, _ change: (inout [String: JSONValue]) -> Void) -> [UInt8] {
            var object = OCSFEventMapping.render(event, producer: F.producer)
            change(&object)
            return JSONValue.object(object).serialized(sortedKeys: true) + [UInt8(ascii: "\n")]
        }
        // Each broken event, and a word its errors must name.
        let cases: [([UInt8], String)] = [
            (broken(F.loginSucceeded) { $0["type_uid"] = 300_202 }, "type_uid"),
            (broken(F.loginSucceeded) { $0["user"] = nil }, "user"),
            (broken(F.loginSucceeded) { $0["service"] = nil }, "service, dst_endpoint"),
            (broken(F.loginSucceeded) { $0["user"] = ["email_addr": "jane@acme.example"] }, "account, name, uid"),
            (broken(F.memberAdded) { $0["activity_id"] = 42; $0["type_uid"] = 300_142 }, "activity_id"),
            (broken(F.impossibleTravel) { $0["finding_info"] = ["title": "no uid"] }, "finding_info.uid"),
            (broken(F.organizationApproved) { $0["api"] = ["service": ["name": "Herald"]] }, "api.operation"),
            (broken(F.organizationApproved) { $0["src_endpoint"] = ["ip": "not-an-ip"] }, "src_endpoint.ip"),
            (broken(F.organizationApproved) { $0["herald_extra"] = "not an OCSF attribute" }, "herald_extra"),
            (broken(F.webhookDeleted) { $0["severity_id"] = 9 }, "severity_id"),
            (broken(F.webhookDeleted) { $0["time"] = "2025-01-15T10:30:00Z" }, "time"),
        ]
        guard let results = try runPeer(Data(cases.flatMap(\.0)), expectFailure: true) else { return }
        #expect(results.count == cases.count)
        for ((_, word), result) in zip(cases, results) {
            let errors = result["errors"] as? [String] ?? []
            #expect(result["ok"] as? Bool == false, "the case naming \(word) was accepted")
            #expect(errors.contains { $0.contains(word) }, "\(word) not in \(errors)")
        }
    }

    /// Runs the validator on NDJSON; records an issue and returns `nil` when the peers are not installed.
    func runPeer(_ input: Data, expectFailure: Bool = false) throws -> [[String: Any]]? {
        guard FileManager.default.isExecutableFile(atPath: Self.python.path) else {
            Issue.record(
                "the Python peers are not installed (\(Self.python.path) is missing): run `make peers` (in CI this is a failure)")
            return nil
        }
        let process = Process()
        process.executableURL = Self.python
        process.arguments = [Self.script.path, "--json"]
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Write and read at once: the input is larger than a pipe's buffer.
        let writer = Thread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
        let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
        if process.terminationStatus == 2, let missing = objects.first?["missing"] {
            let hint = "scripts/requirements-peers.txt must list pydantic-ocsf and ocsf-emitter"
            Issue.record("a Python peer library is missing from the venv (\(missing)): run `make peers` (\(hint))")
            return nil
        }
        let expected: Int32 = expectFailure ? 1 : 0
        guard process.terminationStatus == expected else {
            Issue.record("ocsf_validate.py exited with \(process.terminationStatus), not \(expected): \(errors)")
            return objects
        }
        return objects
    }
}

import Foundation
import HeraldCore
import HeraldHTTP
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// The shipped connector manifests (`connectors/` at the repository's root), loaded once.
enum ShippedConnectors {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("connectors").path

    static func catalogue() throws -> SiemConnectorCatalogue {
        try SiemConnectorCatalogue.load(directory: directory)
    }
}

/// A ``SiemTesting`` double that records what the test route handed it and answers a fixed result (the real
/// sender is tested with the delivery target).
final class RecordingSiemTester: SiemTesting {
    struct Call: Sendable {
        var integration: SiemIntegration
        var credentials: [String: String]
    }

    let result: SiemTestResult
    private let recorded = Mutex<[Call]>([])

    init(
        result: SiemTestResult = SiemTestResult(
            success: false, statusCode: 403, vendorCode: 4, message: "Invalid token", latencyMilliseconds: 42)
    ) {
        self.result = result
    }

    func test(_ integration: SiemIntegration, credentials: [String: String]) async -> SiemTestResult {
        recorded.withLock { $0.append(Call(integration: integration, credentials: credentials)) }
        return result
    }

    var calls: [Call] { recorded.withLock { $0 } }
}

/// An organization `acme` (owner, admin, member), an outsider who owns `globex`, and the platform owner; the
/// admin router gets the shipped connectors and, optionally, a SIEM tester.
struct SiemFixture: Sendable {
    /// The HEC token the tests create integrations with.
    static let secret = "hec-secret-0001"

    /// Every sub-route of one integration, with a body where the method needs one.
    static func routes(_ base: String, _ id: String) -> [(HTTPRequest.Method, String, String?)] {
        [
            (.get, "\(base)/\(id)", nil), (.patch, "\(base)/\(id)", #"{"name":"x"}"#), (.delete, "\(base)/\(id)", nil),
            (.post, "\(base)/\(id)/test", nil), (.post, "\(base)/\(id)/replay", #"{"since":"2020-01-01"}"#),
            (.get, "\(base)/\(id)/dead-letters", nil),
        ]
    }

    let api: TestAPI
    let dependencies: HTTPDependencies
    let ownerKey, adminKey, memberKey, outsiderKey: String
    var platformKey: String { api.ownerKey }

    static let integrationFields: Set<String> = [
        "id", "org_id", "provider", "name", "endpoint", "credentials_set", "event_types", "min_severity", "schema",
        "options", "enabled", "status", "disabled_reason", "last_success_at", "last_error", "last_error_at",
        "lag_events", "lag_seconds", "dropped_events", "created_at", "updated_at",
    ]

    init(tester: (any SiemTesting)? = nil, configure: @escaping (inout HeraldConfiguration) -> Void = { _ in })
        async throws
    {
        api = try await TestAPI(configure: configure)
        var dependencies = api.dependencies
        dependencies.siemConnectors = try ShippedConnectors.catalogue()
        dependencies.siemTester = tester
        self.dependencies = dependencies
        (_, ownerKey) = try await api.user("owner@acme.example")
        (_, adminKey) = try await api.user("admin@acme.example")
        (_, memberKey) = try await api.user("member@acme.example")
        (_, outsiderKey) = try await api.user("boss@globex.example")
    }

    /// Runs `body` with a client of the admin router.
    func run(_ body: @Sendable (TestClient) async throws -> Void) async throws {
        let app = Application(router: HeraldRouters.admin(dependencies))
        try await app.test(.router) { client in
            try await body(TestClient(client: client))
        }
    }

    /// Creates the organizations and adds the admin and the member to `acme`; answers the two ids.
    @discardableResult
    func seed(_ client: TestClient) async throws -> (acme: String, globex: String) {
        let acme = try await client.call(.post, "/api/organizations", key: ownerKey, json: #"{"slug":"acme","name":"Acme"}"#)
        try #require(acme.status == 201)
        let globex = try await client.call(
            .post, "/api/organizations", key: outsiderKey, json: #"{"slug":"globex","name":"Globex"}"#)
        try #require(globex.status == 201)
        try #require(try await client.call(.post, "/api/organizations/acme/members", key: ownerKey,
                                           json: #"{"email":"admin@acme.example","role":"admin"}"#).status == 201)
        try #require(try await client.call(.post, "/api/organizations/acme/members", key: ownerKey,
                                           json: #"{"email":"member@acme.example","role":"member"}"#).status == 201)
        return (try #require(acme.json["id"] as? String), try #require(globex.json["id"] as? String))
    }

    static let splunk = #"""
        {"provider":"splunk-hec","name":"Splunk","endpoint":"https://splunk.example.com:8088",
         "credentials":{"token":"hec-secret-0001"}}
        """#

    /// Creates an integration under `base` (`/api/organizations/{slug}/siem` or `/api/platform/siem`) and answers
    /// its JSON.
    func create(_ client: TestClient, _ base: String = "/api/organizations/acme/siem", key: String? = nil,
                json: String = SiemFixture.splunk) async throws -> [String: Any]
    {
        let response = try await client.call(.post, base, key: key ?? ownerKey, json: json)
        try #require(response.status == 201, "\(response.text)")
        return response.json
    }

    /// The actions of an audit log (`/api/organizations/{slug}/audit-logs` or `/api/platform/audit-log`).
    func auditActions(_ client: TestClient, _ path: String, key: String) async throws -> [String] {
        let audit = try await client.call(.get, "\(path)?limit=1000", key: key)
        try #require(audit.status == 200, "\(audit.text)")
        return audit.array.compactMap { $0["action"] as? String }
    }
}

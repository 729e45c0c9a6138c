import Foundation
import HeraldCore
import HeraldHTTP
import HeraldStorage
import Hummingbird
import HummingbirdTesting
import Testing

/// SCIM message URNs the tests compare against.
enum ScimTestURN {
    static let user = "urn:ietf:params:scim:schemas:core:2.0:User"
    static let group = "urn:ietf:params:scim:schemas:core:2.0:Group"
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    static let list = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
    static let patchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    static let error = "urn:ietf:params:scim:api:messages:2.0:Error"
    static let bulkRequest = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
    static let searchRequest = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
}

/// A SCIM response: status, headers, the raw body and its JSON object.
struct ScimResponse: Sendable {
    var status: Int
    var headers: HTTPFields
    var body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var text: String { String(decoding: body, as: UTF8.self) }
    /// The JSON with sorted keys, for comparing two bodies.
    var canonical: String {
        let data = (try? JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
    var id: String? { json["id"] as? String }
    var etag: String? { headers[.eTag] }
    var contentType: String? { headers[.contentType] }
    var resources: [[String: Any]] { json["Resources"] as? [[String: Any]] ?? [] }
    var resourceIds: [String] { resources.compactMap { $0["id"] as? String } }
    /// `totalResults` only when the body writes it as an integer (`0`, not `0.0`).
    var totalResults: Int? { integer("totalResults") }
    /// A top-level member written as a JSON integer in the raw body.
    func integer(_ key: String) -> Int? {
        guard let range = text.range(of: #""\#(key)":(-?[0-9]+)(?=[,}])"#, options: .regularExpression) else {
            return nil
        }
        return Int(text[range].split(separator: ":").last ?? "")
    }
    var scimType: String? { json["scimType"] as? String }
    var detail: String? { json["detail"] as? String }
    /// A SCIM Error body whose `status` is the HTTP status as a string.
    var isScimError: Bool {
        (json["schemas"] as? [String]) == [ScimTestURN.error] && json["status"] as? String == String(status)
    }
    var isListResponse: Bool { (json["schemas"] as? [String]) == [ScimTestURN.list] }
    var members: [[String: Any]] { json["members"] as? [[String: Any]] ?? [] }
    var memberIds: Set<String> { Set(members.compactMap { $0["value"] as? String }) }
    var active: Bool? { json["active"] as? Bool }

}

/// An active organization with its owner's API key and a SCIM token.
struct ScimOrg: Sendable {
    let id: String
    let slug: String
    let ownerKey: String
    let token: String
    let tokenId: String
}

/// Both listeners of one `TestAPI`: the admin router (set-up, request log) and the public one (SCIM).
struct ScimHarness: Sendable {
    let api: TestAPI
    let admin: TestClient
    let publicClient: any TestClientProtocol

    var store: SQLiteStore { api.store }

    /// Runs `body` with clients of the admin and public routers over the same dependencies.
    static func run(configure: @escaping (inout HeraldConfiguration) -> Void = { _ in },
                    _ body: @Sendable (ScimHarness) async throws -> Void) async throws {
        let api = try await TestAPI(configure: configure)
        try await api.run { admin in
            let app = Application(router: HeraldRouters.public(api.dependencies))
            try await app.test(.router) { client in
                try await body(ScimHarness(api: api, admin: admin, publicClient: client))
            }
        }
    }

    // MARK: SCIM requests

    /// Sends a SCIM request to `/scim/v2<path>`; `body` is a JSON object (serialized) or a JSON string.
    @discardableResult
    func scim(
        _ method: HTTPRequest.Method, _ path: String, token: String?, _ body: Any? = nil, headers extra: HTTPFields = [:]
    ) async throws -> ScimResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let body {
            let data = try (body as? String).map { Data($0.utf8) } ?? JSONSerialization.data(withJSONObject: body)
            buffer = ByteBuffer(bytes: data)
            if headers[.contentType] == nil { headers[.contentType] = "application/scim+json" }
        }
        return try await publicClient.execute(
            uri: "/scim/v2\(path)", method: method, headers: headers, body: buffer
        ) { response in
            ScimResponse(status: Int(response.status.code), headers: response.headers, body: Data(buffer: response.body))
        }
    }

    /// A PATCH with the PatchOp schema and these operations.
    @discardableResult
    func patch(_ path: String, token: String, _ operations: [[String: Any]], headers: HTTPFields = [:]) async throws
        -> ScimResponse
    {
        try await scim(.patch, path, token: token,
                       ["schemas": [ScimTestURN.patchOp], "Operations": operations], headers: headers)
    }

    /// `GET /Users?filter=…` (or another type), the filter percent-encoded, with extra query text appended.
    func list(_ endpoint: String, token: String?, filter: String? = nil, query: String = "") async throws
        -> ScimResponse
    {
        var parts: [String] = []
        if let filter { parts.append("filter=\(Self.encode(filter))") }
        if !query.isEmpty { parts.append(query) }
        return try await scim(.get, parts.isEmpty ? endpoint : "\(endpoint)?\(parts.joined(separator: "&"))",
                              token: token)
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    // MARK: Resources

    static func userBody(_ userName: String, _ extra: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = ["schemas": [ScimTestURN.user], "userName": userName, "active": true]
        for (key, value) in extra { body[key] = value }
        return body
    }

    /// Creates a user (201 required) and answers its id.
    @discardableResult
    func createUser(_ org: ScimOrg, _ userName: String, _ extra: [String: Any] = [:]) async throws -> String {
        let created = try await scim(.post, "/Users", token: org.token, Self.userBody(userName, extra))
        try #require(created.status == 201, "\(created.text)")
        return try #require(created.id)
    }

    /// Creates a group (201 required) with members given by id and answers its id.
    @discardableResult
    func createGroup(_ org: ScimOrg, _ displayName: String, members: [String] = []) async throws -> String {
        let created = try await scim(.post, "/Groups", token: org.token, [
            "schemas": [ScimTestURN.group], "displayName": displayName,
            "members": members.map { ["value": $0] },
        ])
        try #require(created.status == 201, "\(created.text)")
        return try #require(created.id)
    }

    /// Waits out the public listener's token cache (`ScimTokenCache.lifetime`, one second): a revoked or deleted
    /// token, or a suspended or reactivated organization, takes effect at most that much later.
    func waitForTokenCache() async throws {
        try await Task.sleep(for: .milliseconds(1_150))
    }

    // MARK: Organizations

    /// Creates a tier through the platform API.
    func tier(_ id: String, maxUsers: Int? = nil) async throws {
        var body: [String: Any] = ["id": id, "display_name": "Tier \(id)"]
        if let maxUsers { body["max_users"] = maxUsers }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        let response = try await admin.call(.post, "/api/platform/tiers", key: api.ownerKey, json: json)
        try #require(response.status == 201, "\(response.text)")
    }

    /// A new organization approved on `tier` (created when `createTier`), with a SCIM token.
    func organization(_ slug: String, tier tierId: String = "scim", createTier: Bool = true, maxUsers: Int? = nil)
        async throws -> ScimOrg
    {
        if createTier { try await tier(tierId, maxUsers: maxUsers) }
        let (_, ownerKey) = try await api.user("owner@\(slug).example")
        let created = try await admin.call(.post, "/api/organizations", key: ownerKey,
                                           json: #"{"slug":"\#(slug)","name":"Org \#(slug)"}"#)
        try #require(created.status == 201, "\(created.text)")
        let id = try #require(created.json["id"] as? String)
        let approved = try await admin.call(.post, "/api/platform/organizations/\(id)/approve", key: api.ownerKey,
                                            json: #"{"tier_id":"\#(tierId)"}"#)
        try #require(approved.status == 200, "\(approved.text)")
        let (tokenId, token) = try await scimToken(slug: slug, ownerKey: ownerKey)
        return ScimOrg(id: id, slug: slug, ownerKey: ownerKey, token: token, tokenId: tokenId)
    }

    /// A new SCIM token of the organization: (id, secret).
    func scimToken(slug: String, ownerKey: String, name: String = "idp") async throws -> (String, String) {
        let response = try await admin.call(.post, "/api/organizations/\(slug)/scim/tokens", key: ownerKey,
                                            json: #"{"name":"\#(name)"}"#)
        try #require(response.status == 201, "\(response.text)")
        return (try #require(response.json["id"] as? String), try #require(response.json["token"] as? String))
    }

    /// The organization's SCIM request log (newest first), waiting until it holds at least `count` lines (the log
    /// is appended from a detached task after each response).
    func requestLog(_ org: ScimOrg, atLeast count: Int) async throws -> [[String: Any]] {
        var lines: [[String: Any]] = []
        for _ in 0..<50 {
            let response = try await admin.call(
                .get, "/api/organizations/\(org.slug)/scim/requests?limit=500", key: org.ownerKey)
            try #require(response.status == 200, "\(response.text)")
            lines = response.array
            if lines.count >= count { return lines }
            try await Task.sleep(for: .milliseconds(50))
        }
        return lines
    }

    /// The organization's `directory.*` events, oldest first.
    func events(_ org: ScimOrg) async throws -> [Event] {
        try await store.events(after: 0, limit: 10_000).filter { $0.orgId == org.id && $0.type.hasPrefix("directory.") }
    }
}

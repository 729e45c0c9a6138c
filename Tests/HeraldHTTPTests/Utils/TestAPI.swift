import Foundation
import HeraldCore
import HeraldHTTP
import HeraldStorage
import Hummingbird
import HummingbirdTesting
import Prometheus
import Synchronization
import Testing

/// An admin router over a fresh in-memory store (with a job store on the same database and a secret sealer),
/// with helpers to call it as different users.
struct TestAPI: Sendable {
    let store: SQLiteStore
    let jobs: SQLiteJobStore
    /// How many times the API woke the (absent) delivery dispatcher.
    let wakes = WakeCounter()
    let dependencies: HTTPDependencies
    let ownerKey: String
    var configuration: HeraldConfiguration

    init(configure: (inout HeraldConfiguration) -> Void = { _ in }, jwt: JWTVerifier? = nil) async throws {
        let database = try SQLiteDatabase.inMemory()
        try database.migrate()
        let masterKey = try MasterKey(bytes: (0..<MasterKey.byteCount).map { _ in UInt8.random(in: .min ... .max) })
        store = database.store(sealer: SecretSealer(masterKey: masterKey))
        jobs = SQLiteJobStore(database: database)
        var configuration = HeraldConfiguration()
        configure(&configuration)
        self.configuration = configuration
        ownerKey = try #require(try await store.bootstrapPlatformOwner(email: "admin@localhost")).secret
        let wakes = self.wakes
        dependencies = (
            HTTPDependencies(
                store: store, configuration: configuration, jwt: jwt, metrics: PrometheusCollectorRegistry(),
                limiter: FailedAuthenticationLimiter(
                    allowance: configuration.limits.authFailures,
                    window: .seconds(configuration.limits.authFailureWindowSeconds)),
                jobs: jobs, wakeDeliveries: { wakes.increment() }))
    }

    /// A new user with an API key.
    func user(_ email: String, service: Bool = false) async throws -> (User, String) {
        let user = try await store.ensureUser(email: email, actor: .system)
        if service { try await store.setService(userId: user.id, isService: true) }
        let key = try await store.createAPIKey(userId: user.id, name: "test", actor: .system)
        return (user, key.secret)
    }

    /// Runs `body` with a client of the router.
    func run(_ body: @Sendable (TestClient) async throws -> Void) async throws {
        let app = Application(router: HeraldRouters.admin(dependencies))
        try await app.test(.router) { client in
            try await body(TestClient(client: client))
        }
    }
}

/// Counts calls of `wakeDeliveries`.
final class WakeCounter: Sendable {
    private let count = Mutex(0)

    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}

/// A response with its status, headers and JSON body.
struct TestResponse: Sendable {
    var status: Int
    var headers: HTTPFields
    var body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
    var array: [[String: Any]] { (try? JSONSerialization.jsonObject(with: body)) as? [[String: Any]] ?? [] }
    var text: String { String(decoding: body, as: UTF8.self) }
    /// `error.code` of an error body.
    var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
    var errorField: String? { (json["error"] as? [String: Any])?["field"] as? String }
    var errorMessage: String? { (json["error"] as? [String: Any])?["message"] as? String }
}

struct TestClient: Sendable {
    let client: any TestClientProtocol

    /// Sends a request as the holder of `key` (none: unauthenticated) with an optional JSON body.
    @discardableResult
    func call(
        _ method: HTTPRequest.Method, _ uri: String, key: String?, json: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await client.execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }
        ) { response in
            TestResponse(
                status: Int(response.status.code), headers: response.headers, body: Data(buffer: response.body))
        }
    }
}

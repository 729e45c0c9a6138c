import Foundation
import HeraldCore
import HeraldHTTP
import HeraldStorage
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// A ``MailSending`` double that records what the routes handed it (the real mailer is tested against a real SMTP
/// server). `validate` checks, like the real one, that an active template resolves in the store and that every
/// variable it declares is given; `verify` answers ``verifyResult``; `dkimRecord` answers a fixed record (and
/// refuses the key `bad` and unknown algorithms); `checkTemplate` throws ``templateError`` when one is set.
final class FakeMailer: MailSending {
    struct VerifyCall: Sendable {
        var settings: SmtpSettingsInput
        var password: String?
    }

    struct State: Sendable {
        var verifyResult = SmtpVerifyResult(ok: true, message: "verified")
        var validateError: HeraldError?
        var templateError: HeraldError?
        var validated: [MailRequest] = []
        var verified: [VerifyCall] = []
        var checked: [EmailTemplate] = []
        var messageIDs = 0
    }

    static let dnsRecord = "v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAfake"
    static let messageIDDomain = "mail.herald.test"

    let store: any HeraldStore
    let maxAttempts = 7
    private let state = Mutex(State())

    init(store: any HeraldStore) {
        self.store = store
    }

    func validate(_ request: MailRequest) async throws {
        let error = state.withLock {
            $0.validated.append(request)
            return $0.validateError
        }
        if let error { throw error }
        guard let template = try await store.resolveEmailTemplate(
            orgId: request.orgId, name: request.template, language: request.language)
        else { throw HeraldError.invalid("template", "no active template \(request.template)") }
        let missing = template.variables.filter { request.variables[$0] == nil }
        guard missing.isEmpty else {
            throw HeraldError.invalid("variables", "missing variables: \(missing.joined(separator: ", "))")
        }
    }

    func verify(_ settings: SmtpSettingsInput, password: String?) async -> SmtpVerifyResult {
        state.withLock {
            $0.verified.append(VerifyCall(settings: settings, password: password))
            return $0.verifyResult
        }
    }

    func dkimRecord(algorithm: String, privateKeyPEM: String) throws -> String {
        guard ["rsa-sha256", "ed25519-sha256"].contains(algorithm) else {
            throw HeraldError.invalid("algorithm", "algorithm must be rsa-sha256 or ed25519-sha256")
        }
        guard privateKeyPEM != "bad" else { throw HeraldError.invalid("private_key_pem", "not a private key") }
        return Self.dnsRecord
    }

    func checkTemplate(_ template: EmailTemplate) throws {
        let error = state.withLock {
            $0.checked.append(template)
            return $0.templateError
        }
        if let error { throw error }
    }

    func makeMessageID() -> String {
        let n = state.withLock {
            $0.messageIDs += 1
            return $0.messageIDs
        }
        return "fake-\(n)-\(UUID().uuidString.lowercased())@\(Self.messageIDDomain)"
    }

    func set(_ change: (inout State) -> Void) { state.withLock { change(&$0) } }
    var recorded: State { state.withLock { $0 } }
}

/// An organization `acme` (owner, admin, member), an outsider who owns `globex`, the platform owner and a service
/// key (the SSO core's); the platform's default templates are seeded, and the admin router gets a ``FakeMailer``
/// (or none). With `enqueueing`, the router's store enqueues the mails of its own (invitations, decisions).
struct MailFixture: Sendable {
    static let invitationURL = "https://app.example.com/accept?token="

    let api: TestAPI
    let dependencies: HTTPDependencies
    /// The store the router uses (with ``SQLiteStore/mail`` set when `enqueueing`).
    let store: SQLiteStore
    let mailer: FakeMailer?
    let ownerKey, adminKey, memberKey, outsiderKey, serviceKey: String
    var platformKey: String { api.ownerKey }

    static let smtpFields: Set<String> = [
        "host", "port", "security", "username", "auth", "has_password", "from_address", "from_name", "reply_to", "ca_pem",
        "created_at", "updated_at",
    ]
    static let dkimFields: Set<String> = ["domain", "selector", "algorithm", "dns_name", "dns_record", "created_at"]
    static let templateFields: Set<String> = [
        "id", "name", "type", "subject", "html_body", "text_body", "shipper_name", "shipper_email", "response_email",
        "language", "variables", "description", "is_active", "created_at", "updated_at",
    ]
    static let mailFields: Set<String> = [
        "id", "message_id", "job_id", "template", "language", "status", "recipients", "attempts", "created_at",
    ]

    init(
        mailer withMailer: Bool = true, enqueueing: Bool = false,
        configure: @escaping (inout HeraldConfiguration) -> Void = { _ in }
    ) async throws {
        api = try await TestAPI(configure: configure)
        store = enqueueing
            ? api.store.database.store(
                sealer: api.store.sealer,
                mail: SQLiteStore.MailEnqueueing(
                    messageIDDomain: FakeMailer.messageIDDomain, maxAttempts: 5, invitationURL: Self.invitationURL))
            : api.store
        try await store.seedDefaultEmailTemplates(DefaultEmailTemplates.all())
        mailer = withMailer ? FakeMailer(store: store) : nil
        var dependencies = api.dependencies
        dependencies.store = store
        dependencies.mailer = mailer
        self.dependencies = dependencies
        (_, ownerKey) = try await api.user("owner@acme.example")
        (_, adminKey) = try await api.user("admin@acme.example")
        (_, memberKey) = try await api.user("member@acme.example")
        (_, outsiderKey) = try await api.user("boss@globex.example")
        (_, serviceKey) = try await api.user("core@sso.example", service: true)
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

    static let smtp = #"""
        {"host":"smtp.acme.example","username":"mailer","password":"smtp-secret-0001",
         "from_address":"NoReply@Acme.example","from_name":"Acme","reply_to":"support@acme.example"}
        """#

    /// The actions of an audit log (`/api/organizations/{slug}/audit-logs` or `/api/platform/audit-log`).
    func auditActions(_ client: TestClient, _ path: String, key: String) async throws -> [String] {
        let audit = try await client.call(.get, "\(path)?limit=1000", key: key)
        try #require(audit.status == 200, "\(audit.text)")
        return audit.array.compactMap { $0["action"] as? String }
    }

    /// Sends `json` to `POST /api/mail` with the service key; requires 202 and answers the body.
    func send(_ client: TestClient, _ json: String, idempotencyKey: String? = nil) async throws -> [String: Any] {
        var headers: HTTPFields = [:]
        if let idempotencyKey { headers[.init("Idempotency-Key")!] = idempotencyKey }
        let response = try await client.call(.post, "/api/mail", key: serviceKey, json: json, headers: headers)
        try #require(response.status == 202, "\(response.text)")
        return response.json
    }
}

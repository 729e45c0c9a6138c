import HeraldCore
import Hummingbird
import Prometheus

/// What the routers need from the rest of the daemon.
public struct HTTPDependencies: Sendable {
    public var store: any HeraldStore
    public var configuration: HeraldConfiguration
    public var jwt: JWTVerifier?
    public var metrics: PrometheusCollectorRegistry
    public var limiter: FailedAuthenticationLimiter
    /// The durable job queue (`/api/platform/jobs`).
    public var jobs: any JobStore
    /// Wakes the delivery dispatcher after the API enqueued jobs (test ping, resend, replay, retry).
    public var wakeDeliveries: @Sendable () -> Void
    /// The SCIM request log's buffer (written by the public listener, read by the admin API).
    public var scimRequestLog: ScimRequestLog
    /// The SIEM connectors (`connectors/*.json`) integrations are checked against.
    public var siemConnectors: SiemConnectorCatalogue
    /// Sends the SIEM test routes' synthetic events (nil: those routes answer 503).
    public var siemTester: (any SiemTesting)?
    /// Mail checks, SMTP verify and DKIM records (nil: `POST /api/mail`, `?verify=true` and DKIM answer 503).
    public var mailer: (any MailSending)?

    /// - Parameters:
    ///   - jobs: the job queue (on the same database as `store`).
    ///   - wakeDeliveries: called after the API enqueued jobs.
    public init(
        store: any HeraldStore, configuration: HeraldConfiguration, jwt: JWTVerifier?,
        metrics: PrometheusCollectorRegistry, limiter: FailedAuthenticationLimiter,
        jobs: any JobStore, wakeDeliveries: @escaping @Sendable () -> Void,
        siemConnectors: SiemConnectorCatalogue = SiemConnectorCatalogue([]), siemTester: (any SiemTesting)? = nil,
        mailer: (any MailSending)? = nil
    ) {
        self.store = store
        self.configuration = configuration
        self.jwt = jwt
        self.metrics = metrics
        self.limiter = limiter
        self.jobs = jobs
        self.wakeDeliveries = wakeDeliveries
        self.scimRequestLog = ScimRequestLog(store: store)
        self.siemConnectors = siemConnectors
        self.siemTester = siemTester
        self.mailer = mailer
    }
}

/// Builds the two listeners' routers.
public enum HeraldRouters {
    /// The admin listener: `/api/…`, `/metrics`, `/healthz`, `/readyz`, `/openapi.yaml`.
    public static func admin(_ dependencies: HTTPDependencies) -> Router<AdminRequestContext> {
        let router = Router(context: AdminRequestContext.self)
        addCommonMiddleware(to: router, listener: "admin", dependencies.configuration.adminListener, dependencies)
        HealthController(store: dependencies.store).addRoutes(to: router)
        router.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: dependencies.metrics.emitToBuffer())))
        }
        router.get("openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml)))
        }
        let api = router.group("api")
            .add(
                middleware: AuthenticationMiddleware(
                    store: dependencies.store, jwt: dependencies.jwt, limiter: dependencies.limiter))
        let store = dependencies.store
        let platform = api.group("platform")
        TiersController(store: store).addRoutes(to: platform)
        PlatformOrganizationsController(store: store).addRoutes(to: platform)
        PlatformUsersController(store: store).addRoutes(to: platform)
        AnalyticsController(store: store).addRoutes(to: platform)
        JobsController(store: store, jobs: dependencies.jobs, wakeDeliveries: dependencies.wakeDeliveries)
            .addRoutes(to: platform)
        MeController(store: store).addRoutes(to: api)
        OrganizationsController(store: store, organizations: dependencies.configuration.organizations)
            .addRoutes(to: api)
        MembersController(store: store).addRoutes(to: api)
        WebhooksController(
            store: store, configuration: dependencies.configuration, wakeDeliveries: dependencies.wakeDeliveries
        ).addRoutes(to: api)
        IngestController(store: store).addRoutes(to: api)
        SiemController(
            store: store, configuration: dependencies.configuration, catalogue: dependencies.siemConnectors,
            tester: dependencies.siemTester, wakeDeliveries: dependencies.wakeDeliveries
        ).addRoutes(to: api)
        MailSettingsController(store: store, configuration: dependencies.configuration, mailer: dependencies.mailer)
            .addRoutes(to: api)
        EmailTemplatesController(store: store, mailer: dependencies.mailer).addRoutes(to: api)
        MailController(store: store, mailer: dependencies.mailer, wakeDeliveries: dependencies.wakeDeliveries)
            .addRoutes(to: api)
        ScimAdminController(store: store, log: dependencies.scimRequestLog).addRoutes(to: api)
        return router
    }

    /// The public listener: `/healthz`, `/readyz` and SCIM 2.0 under `/scim/v2` (a SCIM token per organization).
    public static func `public`(_ dependencies: HTTPDependencies) -> Router<AdminRequestContext> {
        let router = Router(context: AdminRequestContext.self)
        let listener = dependencies.configuration.publicListener
        addCommonMiddleware(to: router, listener: "public", listener, dependencies)
        HealthController(store: dependencies.store).addRoutes(to: router)
        let scim = router.group("scim/v2")
            .add(
                middleware: ScimAuthenticationMiddleware(
                    store: dependencies.store, limiter: dependencies.limiter, log: dependencies.scimRequestLog,
                    tokens: ScimTokenCache()))
        ScimResourcesController(store: dependencies.store, tls: listener.usesTLS).addRoutes(to: scim)
        ScimBulkController(
            store: dependencies.store, tls: listener.usesTLS, maxPayloadSize: dependencies.configuration.limits.maxBodyBytes
        ).addRoutes(to: scim)
        ScimDiscoveryController(tls: listener.usesTLS, maxPayloadSize: dependencies.configuration.limits.maxBodyBytes)
            .addRoutes(to: scim)
        return router
    }

    private static func addCommonMiddleware(
        to router: Router<AdminRequestContext>, listener: String, _ configuration: ListenerConfiguration,
        _ dependencies: HTTPDependencies
    ) {
        let proxies = configuration.trustedProxies.compactMap { CIDR($0) }
        router.add(middleware: RequestMetricsMiddleware(listener: listener))
        router.add(middleware: ErrorMiddleware())
        router.add(
            middleware: RequestLimitsMiddleware(
                maxBodyBytes: dependencies.configuration.limits.maxBodyBytes,
                clientAddresses: ClientAddressResolver(trustedProxies: proxies)))
    }
}

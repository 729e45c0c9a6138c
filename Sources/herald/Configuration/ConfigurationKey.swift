/// The catalogue of configuration keys: their dotted names, shapes and environment twins.
///
/// Every key here is documented in `etc/herald.example.yaml`; the loader reads nothing that is not listed.
struct ConfigurationKey: Sendable, Hashable {
    /// Whether the key holds one value or a list.
    enum Shape: Sendable, Hashable {
        case scalar
        case list
    }

    /// The dotted key, as in the YAML file and in CLI overrides (`public.tls.key_file`).
    var name: String
    var shape: Shape
    /// The environment variable that sets the key (`HERALD_PUBLIC_TLS_KEY_FILE`).
    var environmentName: String
    /// Whether the value is a secret (never echoed in problems or access logs).
    var isSecret: Bool

    init(_ name: String, _ shape: Shape = .scalar, environmentName: String? = nil, isSecret: Bool = false) {
        self.name = name
        self.shape = shape
        self.environmentName = environmentName ?? ConfigurationKey.defaultEnvironmentName(for: name)
        self.isSecret = isSecret
    }

    /// `HERALD_` followed by the key in upper case with dots as underscores.
    static func defaultEnvironmentName(for name: String) -> String {
        "HERALD_" + name.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    static let stateDirectory = ConfigurationKey("state_dir")
    static let logLevel = ConfigurationKey("log.level")
    static let logFormat = ConfigurationKey("log.format")
    static let maxBodyBytes = ConfigurationKey("limits.max_body_bytes")
    static let authFailures = ConfigurationKey("limits.auth_failures")
    static let authFailureWindow = ConfigurationKey("limits.auth_failure_window_seconds")
    static let autoApprove = ConfigurationKey("organizations.auto_approve")
    static let defaultTier = ConfigurationKey("organizations.default_tier")
    static let jwtIssuer = ConfigurationKey("auth.jwt.issuer", environmentName: "HERALD_JWT_ISSUER")
    static let jwtAudience = ConfigurationKey("auth.jwt.audience", environmentName: "HERALD_JWT_AUDIENCE")
    static let jwtHS256Secret = ConfigurationKey(
        "auth.jwt.hs256_secret", environmentName: "HERALD_JWT_HS256_SECRET", isSecret: true)
    static let jwtPublicKeys = ConfigurationKey(
        "auth.jwt.public_keys", .list, environmentName: "HERALD_JWT_PUBLIC_KEYS")
    static let outboundAllowlist = ConfigurationKey("outbound.allowlist", .list)
    static let webhookRetrySchedule = ConfigurationKey("webhooks.retry_schedule_seconds", .list)
    static let webhookRetryJitter = ConfigurationKey("webhooks.retry_jitter")
    static let webhookRequestTimeout = ConfigurationKey("webhooks.request_timeout_seconds")
    static let webhookConnectTimeout = ConfigurationKey("webhooks.connect_timeout_seconds")
    static let webhookAutoDisableAfter = ConfigurationKey("webhooks.auto_disable_after_seconds")
    static let webhookRotationGrace = ConfigurationKey("webhooks.rotation_grace_seconds")
    static let webhookConcurrencyPerEndpoint = ConfigurationKey("webhooks.concurrency_per_endpoint")
    static let webhookWorkers = ConfigurationKey("webhooks.workers")

    /// The `webhooks.*` keys, in the order of the example file.
    static let webhooks: [ConfigurationKey] = [
        webhookRetrySchedule, webhookRetryJitter, webhookRequestTimeout, webhookConnectTimeout,
        webhookAutoDisableAfter, webhookRotationGrace, webhookConcurrencyPerEndpoint, webhookWorkers,
    ]
    static let siemConnectorsDirectory = ConfigurationKey("siem.connectors_dir")
    static let siemRequestTimeout = ConfigurationKey("siem.request_timeout_seconds")
    static let siemConnectTimeout = ConfigurationKey("siem.connect_timeout_seconds")
    static let siemFlushDelay = ConfigurationKey("siem.flush_delay_ms")
    static let siemRetrySchedule = ConfigurationKey("siem.retry_schedule_seconds", .list)
    static let siemWorkers = ConfigurationKey("siem.workers")

    /// The `siem.*` keys, in the order of the example file.
    static let siem: [ConfigurationKey] = [
        siemConnectorsDirectory, siemRequestTimeout, siemConnectTimeout, siemFlushDelay, siemRetrySchedule,
        siemWorkers,
    ]
    static let smtpRelay = ConfigurationKey("smtp.relay", environmentName: "HERALD_SMTP_RELAY", isSecret: true)
    static let smtpFrom = ConfigurationKey("smtp.from", environmentName: "HERALD_SMTP_FROM")
    static let smtpCAFile = ConfigurationKey("smtp.ca_file", environmentName: "HERALD_SMTP_CA_FILE")
    static let smtpRetrySchedule = ConfigurationKey("smtp.retry_schedule_seconds", .list)
    static let smtpTimeout = ConfigurationKey("smtp.timeout_seconds")
    static let smtpConnectTimeout = ConfigurationKey("smtp.connect_timeout_seconds")
    static let smtpWorkers = ConfigurationKey("smtp.workers")
    static let smtpConnectionsPerServer = ConfigurationKey("smtp.connections_per_server")
    static let smtpMessageIDDomain = ConfigurationKey("smtp.message_id_domain")
    static let smtpInvitationURL = ConfigurationKey("smtp.invitation_url")
    static let smtpDKIMDomain = ConfigurationKey("smtp.dkim_domain")
    static let smtpDKIMSelector = ConfigurationKey("smtp.dkim_selector")
    static let smtpDKIMAlgorithm = ConfigurationKey("smtp.dkim_algorithm")
    static let smtpDKIMKeyFile = ConfigurationKey("smtp.dkim_key_file")

    /// The `smtp.*` keys, in the order of the example file.
    static let smtp: [ConfigurationKey] = [
        smtpRelay, smtpFrom, smtpCAFile, smtpRetrySchedule, smtpTimeout, smtpConnectTimeout, smtpWorkers,
        smtpConnectionsPerServer, smtpMessageIDDomain, smtpInvitationURL, smtpDKIMDomain, smtpDKIMSelector,
        smtpDKIMAlgorithm, smtpDKIMKeyFile,
    ]
    static let retentionFinishedJobs = ConfigurationKey("retention.finished_jobs_seconds")
    static let retentionEvents = ConfigurationKey("retention.events_seconds")
    static let retentionInterval = ConfigurationKey("retention.interval_seconds")
    static let databaseSynchronous = ConfigurationKey("database.synchronous")
    static let shutdownGrace = ConfigurationKey("shutdown.grace_seconds")
    static let bootstrapAdminEmail = ConfigurationKey("bootstrap.admin_email")

    /// The keys of one listener (`public` or `admin`).
    struct Listener: Sendable {
        var address: ConfigurationKey
        var certificateFile: ConfigurationKey
        var keyFile: ConfigurationKey
        var trustedProxies: ConfigurationKey

        init(_ prefix: String) {
            address = ConfigurationKey("\(prefix).address")
            certificateFile = ConfigurationKey("\(prefix).tls.certificate_file")
            keyFile = ConfigurationKey("\(prefix).tls.key_file")
            trustedProxies = ConfigurationKey("\(prefix).trusted_proxies", .list)
        }

        var all: [ConfigurationKey] { [address, certificateFile, keyFile, trustedProxies] }
    }

    static let publicListener = Listener("public")
    static let adminListener = Listener("admin")

    /// Every key, in the order of the example file.
    static let all: [ConfigurationKey] =
        [stateDirectory] + publicListener.all + adminListener.all + [
            logLevel, logFormat, maxBodyBytes, authFailures, authFailureWindow, autoApprove, defaultTier,
            jwtIssuer, jwtAudience, jwtHS256Secret, jwtPublicKeys,
        ] + webhooks + siem + smtp + [
            outboundAllowlist, retentionFinishedJobs, retentionEvents, retentionInterval, databaseSynchronous,
            shutdownGrace, bootstrapAdminEmail,
        ]

    /// The keys by dotted name.
    static let byName: [String: ConfigurationKey] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The keys by environment variable name.
    static let byEnvironmentName: [String: ConfigurationKey] =
        Dictionary(uniqueKeysWithValues: all.map { ($0.environmentName, $0) })
}

import Foundation

/// The daemon's whole configuration, after CLI flags, `HERALD_*` environment variables, the YAML file and
/// defaults have been merged (in that order of precedence). Every key is documented in
/// `etc/herald.example.yaml`; the dotted key of each field is named in its comment.
public struct HeraldConfiguration: Sendable, Equatable {
    /// `state_dir`: where the database, master key, bootstrap key and addresses file live.
    public var stateDirectory: String = "./var"
    /// `public`: the internet-facing listener (SCIM, health).
    public var publicListener = ListenerConfiguration(host: "127.0.0.1", port: 8080)
    /// `admin`: the admin API, ingest and metrics listener.
    public var adminListener = ListenerConfiguration(host: "127.0.0.1", port: 8081)
    /// `log.level`: trace, debug, info, notice, warning, error, critical.
    public var logLevel: String = "info"
    /// `log.format`: text or json.
    public var logFormat: String = "text"
    /// `limits.*`
    public var limits = LimitsConfiguration()
    /// `organizations.*`
    public var organizations = OrganizationsConfiguration()
    /// `auth.*`
    public var auth = AuthConfiguration()
    /// `webhooks.*`
    public var webhooks = WebhooksConfiguration()
    /// `siem.*`
    public var siem = SiemConfiguration()
    /// `smtp.*`
    public var smtp = SmtpConfiguration()
    /// `retention.*`
    public var retention = RetentionConfiguration()
    /// `outbound.allowlist`: CIDRs that outbound delivery may reach although private or loopback.
    public var outboundAllowlist: [String] = []
    /// `database.synchronous`: full (power-loss durable, default) or normal.
    public var databaseSynchronous: String = "full"
    /// `shutdown.grace_seconds`: how long a graceful shutdown may take before it is cut short.
    public var shutdownGraceSeconds: Double = 20
    /// `bootstrap.admin_email`: the platform owner created on an empty store.
    public var bootstrapAdminEmail: String = "admin@localhost"

    public init() {}
}

/// One HTTP listener.
public struct ListenerConfiguration: Sendable, Equatable {
    /// `<listener>.address` host part.
    public var host: String
    /// `<listener>.address` port part; 0 picks a free port.
    public var port: Int
    /// `<listener>.tls.certificate_file`: PEM certificate chain; with `key_file`, the listener speaks TLS.
    public var tlsCertificateFile: String?
    /// `<listener>.tls.key_file`: PEM private key.
    public var tlsKeyFile: String?
    /// `<listener>.trusted_proxies`: CIDRs whose `X-Forwarded-For` is believed.
    public var trustedProxies: [String] = []

    public init(host: String, port: Int, tlsCertificateFile: String? = nil, tlsKeyFile: String? = nil,
                trustedProxies: [String] = []) {
        self.host = host
        self.port = port
        self.tlsCertificateFile = tlsCertificateFile
        self.tlsKeyFile = tlsKeyFile
        self.trustedProxies = trustedProxies
    }

    /// Whether TLS is configured.
    public var usesTLS: Bool { tlsCertificateFile != nil && tlsKeyFile != nil }
}

/// Input and abuse limits.
public struct LimitsConfiguration: Sendable, Equatable {
    /// `limits.max_body_bytes`: largest accepted request body (413 beyond).
    public var maxBodyBytes: Int = 1 << 20
    /// `limits.auth_failures`: failed authentications allowed per client address per window.
    public var authFailures: Int = 20
    /// `limits.auth_failure_window_seconds`: the window of `auth_failures`.
    public var authFailureWindowSeconds: Int = 60

    public init() {}
}

/// Organization defaults.
public struct OrganizationsConfiguration: Sendable, Equatable {
    /// `organizations.auto_approve`: new organizations start active instead of pending.
    public var autoApprove: Bool = false
    /// `organizations.default_tier`: the tier auto-approved organizations get (created when missing).
    public var defaultTierId: String = "free"

    public init() {}
}

/// Verification of JWTs issued by the SSO core.
public struct AuthConfiguration: Sendable, Equatable {
    /// `auth.jwt.issuer`: the required `iss` claim (required when any key is set).
    public var jwtIssuer: String?
    /// `auth.jwt.audience`: the required `aud` claim, when set.
    public var jwtAudience: String?
    /// `auth.jwt.hs256_secret` (or the credential `jwt-hs256-secret`): a shared HMAC secret.
    public var jwtHS256Secret: String?
    /// `auth.jwt.public_keys`: PEM public keys (EdDSA or ES256) or paths to PEM files.
    public var jwtPublicKeys: [String] = []

    public init() {}

    /// Whether any JWT verification key is configured.
    public var jwtEnabled: Bool { jwtHS256Secret != nil || !jwtPublicKeys.isEmpty }
}

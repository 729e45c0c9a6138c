import Foundation
import HeraldCore
import HeraldDelivery
import HeraldHTTP
import HeraldStorage
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

/// `herald serve`: opens and migrates the store, loads the master key, bootstraps the first platform owner, and
/// runs the job processor, the webhook fan-out, the listeners and the systemd integration in one `ServiceGroup`
/// until SIGTERM/SIGINT; then shuts the outbound HTTP clients down.
struct Daemon {
    let configuration: HeraldConfiguration
    let configFile: String?
    let overrides: [String: String]

    func run() async throws {
        LogSetup.bootstrap(level: configuration.logLevel, format: configuration.logFormat)
        let logger = Logger(label: "herald")
        let state = try StateDirectory(path: configuration.stateDirectory)
        let lock = try state.lockForServing()
        defer { withExtendedLifetime(lock) {} }
        let database = try state.openDatabase(synchronous: configuration.databaseSynchronous)
        try database.migrate()
        let masterKey = try MasterKey.load(
            credentialsDirectory: ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"],
            stateDirectory: state.path)
        let delivery = try DeliveryRuntime(database: database, configuration: configuration, masterKey: masterKey)
        let store = delivery.store
        try await bootstrapPlatformOwner(store: store, state: state, logger: logger)
        try await store.seedDefaultEmailTemplates(DefaultEmailTemplates.all())
        if configuration.smtp.relay.isEmpty {
            logger.warning(
                "no smtp.relay configured: mail of organizations without SMTP settings is not sent (those mail jobs are dead with the reason and can be retried)")
        }

        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let jwt = configuration.auth.jwtEnabled ? try await JWTVerifier(configuration: configuration.auth) : nil
        let dependencies = HTTPDependencies(
            store: store, configuration: configuration, jwt: jwt, metrics: registry,
            limiter: FailedAuthenticationLimiter(
                allowance: configuration.limits.authFailures,
                window: .seconds(configuration.limits.authFailureWindowSeconds)),
            jobs: delivery.jobs, wakeDeliveries: delivery.wakeDeliveries, siemConnectors: delivery.siemConnectors,
            siemTester: delivery.siemTester, mailer: delivery.mailService)

        let publicTLS = try tlsMaterial(configuration.publicListener)
        let adminTLS = try tlsMaterial(configuration.adminListener)
        let readiness = ReadinessGate(parts: 2)
        let bound = BoundAddresses(state: state, readiness: readiness, logger: logger)
        let publicApp = try ListenerApplication.make(
            router: HeraldRouters.public(dependencies), listener: configuration.publicListener, tls: publicTLS,
            logger: logger, onBound: { await bound.record(listener: "public", url: $0) })
        let adminApp = try ListenerApplication.make(
            router: HeraldRouters.admin(dependencies), listener: configuration.adminListener, tls: adminTLS,
            logger: logger, onBound: { await bound.record(listener: "admin", url: $0) })

        let notifier = SystemdNotifier()
        let systemd = SystemdService(
            notifier: notifier, readiness: readiness, livenessTimeout: .seconds(5), logger: logger,
            livenessCheck: { (try? await store.checkHealth()) != nil })
        let reload = ReloadService(
            notifier: notifier, triggers: await UnixSignalsSequence(trapping: .sighup), logger: logger
        ) {
            try await reloadConfiguration(tls: [publicTLS, adminTLS].compactMap { $0 }, logger: logger)
        }
        let group = ServiceGroup(
            configuration: .init(
                // Shut down in reverse order: the notifier first, then the listeners, then the fan-out and
                // the job processor (in-flight deliveries finish after the listeners stopped taking requests).
                services: [
                    .init(service: delivery.processor), .init(service: delivery.fanOut),
                    .init(service: delivery.retention), .init(service: publicApp),
                    .init(service: adminApp), .init(service: systemd), .init(service: reload),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger
            ).withShutdownDeadline(seconds: configuration.shutdownGraceSeconds))
        do {
            try await group.run()
        } catch {
            await delivery.siemTransports.shutdown()
            await delivery.smtpTransport.shutdown()
            await delivery.clients.shutdown()
            throw error
        }
        await delivery.siemTransports.shutdown()
        await delivery.smtpTransport.shutdown()
        await delivery.clients.shutdown()
        logger.info("stopped")
    }

    private func bootstrapPlatformOwner(store: SQLiteStore, state: StateDirectory, logger: Logger) async throws {
        guard let created = try await store.bootstrapPlatformOwner(email: configuration.bootstrapAdminEmail) else {
            return
        }
        try state.writePrivate(created.secret + "\n", to: state.bootstrapKeyPath)
        logger.notice(
            "created platform owner \(configuration.bootstrapAdminEmail); its API key is in \(state.bootstrapKeyPath)")
    }

    private func tlsMaterial(_ listener: ListenerConfiguration) throws -> ReloadableTLSMaterial? {
        guard let certificate = listener.tlsCertificateFile, let key = listener.tlsKeyFile else { return nil }
        return try ReloadableTLSMaterial(certificateFile: certificate, keyFile: key)
    }

    /// SIGHUP: re-reads the configuration for what can change at run time (log level, TLS material).
    private func reloadConfiguration(tls: [ReloadableTLSMaterial], logger: Logger) async throws -> String {
        let fresh = try await ConfigurationLoader.load(configFile: configFile, overrides: overrides)
        if let level = Logger.Level(rawValue: fresh.logLevel) { LogSetup.level.value = level }
        for material in tls { try material.reload() }
        logger.notice("reloaded", metadata: ["log.level": "\(fresh.logLevel)", "tls.listeners": "\(tls.count)"])
        return "reloaded: log level \(fresh.logLevel), \(tls.count) TLS listener(s)"
    }
}

extension ServiceGroupConfiguration {
    /// The configuration with a bound on how long a graceful shutdown may take.
    func withShutdownDeadline(seconds: Double) -> Self {
        var copy = self
        copy.maximumGracefulShutdownDuration = .milliseconds(Int64(seconds * 1000))
        return copy
    }
}

/// Collects the listeners' bound addresses; once both are known, prints them, writes `addresses.json` and
/// opens the readiness gate (systemd's `READY=1`).
/// Writes a line to standard output at once (operators and scripts watch it; no buffering).
func announce(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

actor BoundAddresses {
    private let state: StateDirectory
    private let readiness: ReadinessGate
    private let logger: Logger
    private var urls: [String: String] = [:]

    init(state: StateDirectory, readiness: ReadinessGate, logger: Logger) {
        self.state = state
        self.readiness = readiness
        self.logger = logger
    }

    func record(listener: String, url: String) {
        urls[listener] = url
        announce("herald: \(listener) listener on \(url)")
        guard let publicURL = urls["public"], let adminURL = urls["admin"] else {
            readiness.fulfil(status: "\(listener) \(url)")
            return
        }
        do {
            try state.writeAddresses(public: publicURL, admin: adminURL)
        } catch {
            logger.error("cannot write \(state.addressesPath): \(error)")
        }
        announce("herald: ready; the bootstrap platform owner's API key (written on first start) is in \(state.bootstrapKeyPath)")
        readiness.fulfil(status: "\(listener) \(url)")
    }
}

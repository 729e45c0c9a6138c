import Foundation
import HeraldCore
import HeraldDelivery
import HeraldStorage
import Logging
import Synchronization

/// The delivery side of `herald serve`: the store (with its sealer and commit hooks), the job store on the
/// same database, the job processor with the webhook deliverer and the SIEM forwarder, the fan-out and retention
/// services, the outbound clients and the SIEM transports.
///
/// The store's hooks need the dispatcher and the dispatcher's handler needs the store, so the jobs hook
/// goes through a ``DispatcherWake`` that is attached once the processor exists.
struct DeliveryRuntime {
    let store: SQLiteStore
    let jobs: SQLiteJobStore
    let processor: JobProcessor
    let fanOut: FanOutService
    let retention: RetentionService
    let clients: OutboundHTTPClients
    let siemTransports: SiemTransports
    let siemConnectors: SiemConnectorCatalogue
    let siemTester: SiemTester
    let smtpTransport: SMTPTransport
    let mailService: MailService

    /// Wakes the job dispatcher (after the API enqueued jobs).
    var wakeDeliveries: @Sendable () -> Void { processor.dispatcher.wake }

    /// - Throws: when the SIEM connector manifests cannot be loaded.
    init(database: SQLiteDatabase, configuration: HeraldConfiguration, masterKey: MasterKey) throws {
        let webhooks = configuration.webhooks
        let retryPolicy = Self.retryPolicy(webhooks)
        let signal = FanOutService.Signal()
        let dispatcherWake = DispatcherWake()
        // Every change to an endpoint or an organization's status records an event: after such a commit the
        // deliverer reads endpoints afresh.
        let endpoints = WebhookEndpointCache()
        let smtp = configuration.smtp
        let mailRetryPolicy = RetryPolicy(
            schedule: smtp.retryScheduleSeconds.map { .milliseconds(Int64(($0 * 1000).rounded())) }, jitter: 0.1)
        let store = database.store(
            sealer: SecretSealer(masterKey: masterKey), webhookMaxAttempts: retryPolicy.maxAttempts,
            mail: SQLiteStore.MailEnqueueing(
                messageIDDomain: smtp.effectiveMessageIDDomain, maxAttempts: mailRetryPolicy.maxAttempts,
                invitationURL: smtp.invitationURL),
            onEventsCommitted: {
                endpoints.invalidateAll()
                signal.notify()
                // An activation makes the organization's held jobs claimable.
                dispatcherWake.wake()
            }, onJobsEnqueued: dispatcherWake.wake)
        let jobs = SQLiteJobStore(database: database)
        let clients = OutboundHTTPClients(connectTimeout: .seconds(webhooks.connectTimeoutSeconds))
        let deliverer = WebhookDeliverer(
            store: store, configuration: webhooks,
            addressGuard: OutboundAddressGuard(
                allowList: CIDR.parseList(configuration.outboundAllowlist).ranges,
                resolutionTimeout: .milliseconds(Int64(configuration.webhooks.connectTimeoutSeconds * 1000))),
            clients: clients, cache: endpoints, logger: Logger(label: "herald.webhooks"))
        let siem = configuration.siem
        let siemConnectors = try ConnectorsDirectory.load(configured: siem.connectorsDirectory)
        let siemTransports = SiemTransports(
            addressGuard: OutboundAddressGuard(
                allowList: CIDR.parseList(configuration.outboundAllowlist).ranges,
                resolutionTimeout: .milliseconds(Int64(siem.connectTimeoutSeconds * 1000))),
            clients: clients, requestTimeout: .milliseconds(Int64(siem.requestTimeoutSeconds * 1000)),
            connectTimeout: .milliseconds(Int64(siem.connectTimeoutSeconds * 1000)))
        let siemRetryPolicy = RetryPolicy(
            schedule: siem.retryScheduleSeconds.map { .milliseconds(Int64(($0 * 1000).rounded())) }, jitter: 0.1)
        let smtpTransport = SMTPTransport(threads: smtp.workers, maxHandlesPerServer: smtp.connectionsPerServer)
        let mailer = Mailer(
            store: store, transport: smtpTransport, routing: try MailRouting.configured(smtp),
            addressGuard: OutboundAddressGuard(
                allowList: CIDR.parseList(configuration.outboundAllowlist).ranges,
                resolutionTimeout: .milliseconds(Int64(smtp.connectTimeoutSeconds * 1000))),
            logger: Logger(label: "herald.mail"))
        let forwarder = SiemForwarder(
            store: store, catalogue: siemConnectors, transports: siemTransports, logger: Logger(label: "herald.siem"))
        // In-flight deliveries get half of the graceful shutdown (the listeners stop first); what is cut short
        // keeps its lease and runs again after a restart.
        let processor = JobProcessor(
            store: jobs,
            kinds: [
                .webhookDelivery: JobKindConfiguration(
                    handler: deliverer, concurrency: webhooks.workers, retryPolicy: retryPolicy),
                .siemFlush: JobKindConfiguration(
                    handler: forwarder, concurrency: siem.workers, retryPolicy: siemRetryPolicy),
                .mailSend: JobKindConfiguration(
                    handler: mailer, concurrency: smtp.workers, retryPolicy: mailRetryPolicy,
                    destination: DestinationGate.Configuration(concurrencyCap: smtp.connectionsPerServer)),
            ],
            configuration: JobDispatcherConfiguration(
                shutdownDeadline: .milliseconds(Int64(configuration.shutdownGraceSeconds * 500)),
                destination: DestinationGate.Configuration(concurrencyCap: webhooks.concurrencyPerEndpoint),
                // The daemon holds the state directory's lock: any other lease owner is a process that died.
                rescuesForeignLeasesAtStart: true),
            logger: Logger(label: "herald.jobs"))
        dispatcherWake.attach(processor.dispatcher)
        self.store = store
        self.jobs = jobs
        self.processor = processor
        self.clients = clients
        self.siemTransports = siemTransports
        self.siemConnectors = siemConnectors
        self.smtpTransport = smtpTransport
        self.mailService = MailService(
            mailer: mailer, messageIDDomain: smtp.effectiveMessageIDDomain, maxAttempts: mailRetryPolicy.maxAttempts)
        // The test route answers within 10 s (or the request timeout when shorter).
        self.siemTester = SiemTester(
            catalogue: siemConnectors, transports: siemTransports,
            timeout: .milliseconds(Int64(min(10, siem.requestTimeoutSeconds) * 1000)))
        self.retention = RetentionService(
            jobs: jobs, events: store, configuration: configuration.retention, logger: Logger(label: "herald.retention"))
        self.fanOut = FanOutService(
            store: store,
            siem: FanOutService.SiemScheduling(
                store: store, flushDelay: .milliseconds(Int64(siem.flushDelayMilliseconds)),
                maxAttempts: SiemConfiguration.flushMaxAttempts),
            signal: signal, wakeDeliveries: processor.dispatcher.wake,
            logger: Logger(label: "herald.fanout"))
    }

    /// `webhooks.retry_schedule_seconds` and `webhooks.retry_jitter` as the webhook kind's policy.
    static func retryPolicy(_ webhooks: WebhooksConfiguration) -> RetryPolicy {
        RetryPolicy(
            schedule: webhooks.retryScheduleSeconds.map { .milliseconds(Int64(($0 * 1000).rounded())) },
            jitter: webhooks.retryJitter)
    }
}

/// A wake-up for a dispatcher that is created after the hook that calls it; calls before `attach` do nothing
/// (the dispatcher claims everything due when it starts).
final class DispatcherWake: Sendable {
    private let dispatcher = Mutex<JobDispatcher?>(nil)

    func attach(_ dispatcher: JobDispatcher) {
        self.dispatcher.withLock { $0 = dispatcher }
    }

    @Sendable func wake() {
        dispatcher.withLock { $0 }?.wake()
    }
}

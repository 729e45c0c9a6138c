import Foundation
import Logging
import ServiceLifecycle

/// Tells systemd how the daemon is doing: `READY=1` once the ``ReadinessGate`` opens, `WATCHDOG=1` while a
/// liveness check passes, `STOPPING=1` on graceful shutdown.
///
/// Runs as the last service of the `ServiceGroup`. Without `$NOTIFY_SOCKET` the sends are no-ops, but the
/// service still waits and checks as usual (so it behaves the same in tests and under systemd).
struct SystemdService: Service {
    let notifier: SystemdNotifier
    let readiness: ReadinessGate
    /// The `WATCHDOG_USEC` interval, if systemd asked for pings; a ping is due every half of it.
    let watchdogInterval: Duration?
    /// Whether the daemon is healthy (e.g. `SELECT 1` answered and the job processor's heartbeat moved).
    /// It should honour task cancellation: a check that runs past ``livenessTimeout`` counts as failed, but the
    /// next check waits for it to end.
    let livenessCheck: @Sendable () async -> Bool
    /// How long one liveness check may take; by default half of the ping period.
    let livenessTimeout: Duration
    let logger: Logger

    /// - Parameters:
    ///   - notifier: where to send state changes.
    ///   - readiness: opened by the server wiring once the listeners are bound.
    ///   - environment: supplies `WATCHDOG_USEC` and `WATCHDOG_PID`.
    ///   - livenessTimeout: the limit of one check; `nil` for a quarter of the watchdog interval.
    ///   - livenessCheck: the check that gates each `WATCHDOG=1`.
    init(
        notifier: SystemdNotifier,
        readiness: ReadinessGate,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        livenessTimeout: Duration? = nil,
        logger: Logger = Logger(label: "herald.systemd"),
        livenessCheck: @escaping @Sendable () async -> Bool = { true }
    ) {
        self.notifier = notifier
        self.readiness = readiness
        self.watchdogInterval = SystemdWatchdog.interval(environment: environment)
        self.livenessTimeout = livenessTimeout ?? (watchdogInterval.map { $0 / 4 } ?? .seconds(5))
        self.livenessCheck = livenessCheck
        self.logger = logger
    }

    func run() async throws {
        try await withGracefulShutdownHandler {
            do {
                try await cancelWhenGracefulShutdown { try await self.notifyUntilCancelled() }
            } catch is CancellationError where Task.isShuttingDownGracefully {
                // Graceful shutdown cancelled the wait or the watchdog loop: a normal end.
            }
        } onGracefulShutdown: { [notifier, logger] in
            do {
                try notifier.send("STOPPING=1")
            } catch {
                logger.warning("systemd notification failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Waits for readiness, sends `READY=1`, then pings the watchdog (if any) until cancelled.
    private func notifyUntilCancelled() async throws {
        let status = try await readiness.wait()
        notify(["READY": "1", "STATUS": status.isEmpty ? "ready" : status])
        logger.debug("readiness sent to systemd", metadata: ["systemd.enabled": "\(notifier.isEnabled)"])
        guard let watchdogInterval else {
            // Nothing more to do until shutdown; sleeping in long steps keeps this cancellable.
            while true { try await Task.sleep(for: .seconds(3600)) }
        }
        let period = watchdogInterval / 2
        var failing = false
        while true {
            if await isAlive() {
                notify(["WATCHDOG": "1"])
                if failing {
                    logger.notice("liveness check passes again; watchdog pings resumed")
                    failing = false
                }
            } else if !failing {
                logger.error("liveness check failed; withholding watchdog pings")
                failing = true
            }
            try await Task.sleep(for: period)
        }
    }

    /// Runs the liveness check, counting a check slower than ``livenessTimeout`` as failed.
    private func isAlive() async -> Bool {
        let (check, timeout) = (livenessCheck, livenessTimeout)
        return await withTaskGroup(of: Bool?.self) { group in
            group.addTask { await check() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? false
        }
    }

    private func notify(_ state: [String: String]) {
        do {
            try notifier.send(state)
        } catch {
            logger.warning("systemd notification failed", metadata: ["error": "\(error)"])
        }
    }
}

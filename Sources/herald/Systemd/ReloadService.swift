import Foundation
import Logging
import ServiceLifecycle

/// Reloads what can be reloaded (log level, limits, TLS material) each time its trigger sequence yields, and
/// tells systemd: `RELOADING=1` with `MONOTONIC_USEC=` in one datagram, then `READY=1` with a `STATUS=`.
///
/// In the daemon the triggers are `UnixSignalsSequence(trapping: .sighup)` (product `UnixSignals` of
/// swift-service-lifecycle); this service must be the only owner of SIGHUP. Tests pass an `AsyncStream`.
/// Iteration ends on graceful shutdown.
struct ReloadService<Triggers: AsyncSequence & Sendable>: Service where Triggers.Element: Sendable {
    let notifier: SystemdNotifier
    let triggers: Triggers
    /// Re-reads configuration and credentials, swaps the reloadable settings, and returns a status text.
    let reload: @Sendable () async throws -> String
    let logger: Logger

    init(
        notifier: SystemdNotifier,
        triggers: Triggers,
        logger: Logger = Logger(label: "herald.reload"),
        reload: @escaping @Sendable () async throws -> String
    ) {
        self.notifier = notifier
        self.triggers = triggers
        self.reload = reload
        self.logger = logger
    }

    func run() async throws {
        for try await _ in triggers.cancelOnGracefulShutdown() {
            await reloadOnce()
        }
    }

    /// One reload, bracketed by the notifications systemd expects. A failed reload keeps the old settings and
    /// still ends the reloading state, with the failure in `STATUS=`.
    func reloadOnce() async {
        notify("RELOADING=1\nMONOTONIC_USEC=\(SystemdWatchdog.monotonicMicroseconds())")
        let status: String
        do {
            status = try await reload()
            logger.info("configuration reloaded", metadata: ["reload.status": "\(status)"])
        } catch {
            status = "reload failed: \(error)"
            logger.error("configuration reload failed", metadata: ["error": "\(error)"])
        }
        notify("READY=1\nSTATUS=\(status.replacingOccurrences(of: "\n", with: " "))")
    }

    private func notify(_ state: String) {
        do {
            try notifier.send(state)
        } catch {
            logger.warning("systemd notification failed", metadata: ["error": "\(error)"])
        }
    }
}

import Foundation
import HeraldCore
import Logging

/// The dispatcher's maintenance: heartbeats of held leases, rescue of expired ones, gauges.
extension JobDispatcher {
    /// At start, when configured so: the leases of a process that died (a `kill -9`) run again at once.
    public func rescueForeignLeasesIfSoleUser() async {
        guard configuration.rescuesForeignLeasesAtStart else { return }
        do {
            let rescued = try await store.rescueLeases(notOwnedBy: configuration.owner)
            if rescued > 0 {
                logger.notice("rescued jobs leased by a stopped process", metadata: ["jobs": "\(rescued)"])
            }
        } catch {
            logger.error("rescuing a stopped process's leases failed", metadata: ["error": "\(error)"])
        }
    }

    /// Extends the leases this process holds that would expire within half a lease, rescues expired leases
    /// (of processes that died), refreshes the destinations' gates and the gauges.
    func maintain() async {
        let now = Date()
        let horizon = now.addingTimeInterval(configuration.leaseDuration.inSeconds / 2)
        for (id, lease) in held where lease.expiresAt <= horizon {
            do {
                let until = now.addingTimeInterval(configuration.leaseDuration.inSeconds)
                if let extended = try await store.extend(lease, until: until), held[id] != nil {
                    held[id] = extended
                }
            } catch {
                logger.error("extending a lease failed", metadata: ["job.id": "\(id)", "error": "\(error)"])
            }
        }
        do {
            let rescued = try await store.rescueExpiredLeases(now: now)
            if rescued > 0 {
                logger.notice("rescued jobs whose lease expired", metadata: ["jobs": "\(rescued)"])
                resumeWaiter()
            }
            metrics.record(counts: try await store.counts(), kinds: Set(kinds.keys))
        } catch {
            logger.error("queue maintenance failed", metadata: ["error": "\(error)"])
        }
        await refreshGates(now: now)
        var open = 0
        for gate in gates.values where await gate.isOpen { open += 1 }
        metrics.openBreakers(open)
    }
}

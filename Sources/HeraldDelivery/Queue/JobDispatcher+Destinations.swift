import Foundation
import HeraldCore
import Logging

/// The dispatcher's destinations: their gates (cap, rate limit, breaker), throttle wake-ups and backlogs.
extension JobDispatcher {
    /// The limits of `kind`'s destinations: its own, else the dispatcher's.
    func destinationConfiguration(_ kind: JobKind) -> DestinationGate.Configuration {
        kinds[kind]?.destination ?? configuration.destination
    }

    /// The destination's gate; a new one starts with the limits the kind's handler gives.
    func gate(for destination: String, kind: JobKind) async -> DestinationGate {
        if let gate = gates[destination] { return gate }
        let limits = await kinds[kind]?.handler.limits(forDestination: destination) ?? DestinationLimits()
        // Another job of the destination may have made the gate while the handler answered.
        if let gate = gates[destination] { return gate }
        let gate = DestinationGate(configuration: destinationConfiguration(kind), limits: limits)
        gates[destination] = gate
        gateKinds[destination] = kind
        return gate
    }

    func wakeAtThrottleEnd(_ until: Date) {
        throttleWake = min(throttleWake ?? until, until)
    }

    /// Drops the gates that remember nothing (made anew, with fresh limits, when their destination has work again)
    /// and gives the others their handler's current limits.
    func refreshGates(now: Date) async {
        for (destination, gate) in gates {
            if backlog[destination] == nil, await gate.isIdle(now: now) {
                gates[destination] = nil
                gateKinds[destination] = nil
            } else if let kind = gateKinds[destination], let handler = kinds[kind]?.handler {
                await gate.update(limits: await handler.limits(forDestination: destination))
            }
        }
    }

    /// Destinations with a backlog: not to be claimed from now. A destination whose slots are all busy but whose
    /// backlog is empty is claimed from: what it gets waits in the backlog, ready for the next free slot.
    func saturatedDestinations() -> Set<String> {
        Set(backlog.filter { !$0.value.isEmpty }.keys)
    }

    func backlogCount(kind: JobKind) -> Int {
        backlog.values.reduce(0) { $0 + $1.filter { $0.job.kind == kind }.count }
    }

    /// Moves backlog leases whose destination has a free slot into the worker pool.
    func drainBacklog(into workers: inout DiscardingTaskGroup) async {
        for destination in Array(backlog.keys) {
            while let next = await admitFromBacklog(destination) {
                let claimedAt = ContinuousClock.now
                workers.addTask { await self.execute(next.lease, gate: next.gate, claimedAt: claimedAt) }
            }
        }
    }

    /// The oldest lease of the destination's backlog, with the slot its gate gave it; nil when the backlog is empty,
    /// the gate says wait (it stays first) or the dispatcher is stopping. A gate that says "not before" (breaker
    /// open, destination paused) sends the whole backlog back to the store until then.
    func admitFromBacklog(_ destination: String) async -> (lease: JobLease, gate: DestinationGate)? {
        guard !stopping, var waiting = backlog[destination], !waiting.isEmpty else { return nil }
        // Taken out before the gate is asked: the backlog may change while the actor waits for the gate.
        let lease = waiting.removeFirst()
        backlog[destination] = waiting.isEmpty ? nil : waiting
        let gate = await gate(for: destination, kind: lease.job.kind)
        let admission = await gate.admit(now: Date())
        switch admission {
        case .run:
            runningByKind[lease.job.kind, default: 0] += 1
            return (lease, gate)
        case .full, .throttled:
            if case .throttled(let until) = admission { wakeAtThrottleEnd(until) }
            backlog[destination, default: []].insert(lease, at: 0)
            return nil
        case .notBefore(let date):
            for waiting in [lease] + (backlog.removeValue(forKey: destination) ?? []) {
                held[waiting.job.id] = nil
                _ = try? await store.postpone(waiting, until: date)
            }
            return nil
        }
    }

    /// Gives backlog leases back to the store at shutdown, due at once (nothing is lost, nothing waits for expiry).
    func returnBacklog() async {
        let waiting = backlog.values.flatMap { $0 }
        backlog = [:]
        for lease in waiting {
            held[lease.job.id] = nil
            _ = try? await store.postpone(lease, until: Date())
        }
    }
}

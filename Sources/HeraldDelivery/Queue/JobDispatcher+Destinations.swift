import Foundation
import HeraldCore
import Logging

/// The dispatcher's destinations: their gates (cap, rate limit, breaker), throttle wake-ups and backlogs.
extension JobDispatcher {
    /// The destination's gate; a new one starts with the limits the kind's handler gives.
    func gate(for destination: String, kind: JobKind) async -> DestinationGate {
        if let gate = gates[destination] { return gate }
        let limits = await kinds[kind]?.handler.limits(forDestination: destination) ?? DestinationLimits()
        // Another job of the destination may have made the gate while the handler answered.
        if let gate = gates[destination] { return gate }
        let gate = DestinationGate(configuration: configuration.destination, limits: limits)
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

    /// Destinations at their cap or with a backlog: not to be claimed from now.
    func saturatedDestinations() async -> Set<String> {
        var saturated = Set(backlog.filter { !$0.value.isEmpty }.keys)
        for (destination, gate) in gates where await gate.runningCount >= configuration.destination.concurrencyCap {
            saturated.insert(destination)
        }
        return saturated
    }

    func backlogCount(kind: JobKind) -> Int {
        backlog.values.reduce(0) { $0 + $1.filter { $0.job.kind == kind }.count }
    }

    /// Moves backlog leases whose destination has a free slot into the worker pool.
    func drainBacklog(into workers: inout DiscardingTaskGroup) async {
        for destination in Array(backlog.keys) {
            while var waiting = backlog[destination], !waiting.isEmpty {
                let gate = await gate(for: destination, kind: waiting[0].job.kind)
                let admission = await gate.admit(now: Date())
                if case .throttled(let until) = admission { wakeAtThrottleEnd(until) }
                guard case .run = admission else {
                    if case .notBefore(let date) = admission {
                        backlog[destination] = nil
                        for lease in waiting {
                            held[lease.job.id] = nil
                            _ = try? await store.postpone(lease, until: date)
                        }
                    }
                    break
                }
                let lease = waiting.removeFirst()
                backlog[destination] = waiting.isEmpty ? nil : waiting
                runningByKind[lease.job.kind, default: 0] += 1
                let claimedAt = ContinuousClock.now
                workers.addTask { await self.execute(lease, gate: gate, claimedAt: claimedAt) }
            }
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

import Foundation
import HeraldCore
import Logging

/// Claims due jobs and runs them: bounded worker pools per kind, a gate per destination.
///
/// It sleeps until it is woken (an enqueue through ``JobQueue``, a finished job), until the earliest
/// `runAt` in the store, or ``JobDispatcherConfiguration/maxIdle`` at most. Jobs claimed beyond a
/// destination's cap wait in memory (leased, heartbeated) for a slot; a destination at its cap or
/// with a backlog is excluded from claims, so one slow destination never fills the process.
public actor JobDispatcher {
    enum Signal: Sendable {
        case wake
        case stop
    }

    let store: any JobStore
    let kinds: [JobKind: JobKindConfiguration]
    let configuration: JobDispatcherConfiguration
    let logger: Logger
    let metrics = JobMetrics()
    private let signals: AsyncStream<Signal>
    private let signalContinuation: AsyncStream<Signal>.Continuation

    private var gates: [String: DestinationGate] = [:]
    /// The kind whose handler knows each gate's limits.
    private var gateKinds: [String: JobKind] = [:]
    /// The earliest end of a rate-limit wait of a destination with a backlog.
    private var throttleWake: Date?
    private var runningByKind: [JobKind: Int] = [:]
    /// Leases held by this process (running or waiting in a backlog), for heartbeats.
    private var held: [Int64: JobLease] = [:]
    private var backlog: [String: [JobLease]] = [:]
    private var stopping = false
    /// A claim of the last dispatch took as many jobs as it asked for: more may be due at once.
    private var claimsFull = false
    /// The time the last dispatch claimed at: jobs due by then that it did not take wait for their destination.
    private var claimedAt = Date.distantPast
    private var wakePending = false
    private var waiter: CheckedContinuation<Void, Never>?

    public init(
        store: any JobStore, kinds: [JobKind: JobKindConfiguration],
        configuration: JobDispatcherConfiguration = JobDispatcherConfiguration(), logger: Logger
    ) {
        self.store = store
        self.kinds = kinds
        self.configuration = configuration
        self.logger = logger
        (signals, signalContinuation) = AsyncStream.makeStream(of: Signal.self, bufferingPolicy: .bufferingNewest(8))
    }

    /// Wakes the dispatcher at once (after an enqueue); callable from anywhere, never blocks.
    public nonisolated func wake() {
        signalContinuation.yield(.wake)
    }

    /// Starts graceful shutdown: no more claims; in-flight jobs get the shutdown deadline.
    nonisolated func beginShutdown() {
        signalContinuation.yield(.stop)
    }

    /// Ends the signal stream (after ``run(workers:)`` has returned).
    nonisolated func finishSignals() {
        signalContinuation.finish()
    }

    /// Delivers the nonisolated signals to the actor until the stream ends.
    func forwardSignals() async {
        for await signal in signals {
            switch signal {
            case .wake: resumeWaiter()
            case .stop:
                stopping = true
                resumeWaiter()
            }
        }
    }

    /// Jobs this process holds now (running and waiting for a destination slot).
    public var heldCount: Int { held.count }

    // MARK: The loop

    /// Claims and runs jobs until graceful shutdown, then waits for in-flight jobs up to the deadline,
    /// cancels what is left (their leases stay; they will be rescued after expiry) and returns.
    func run() async {
        await withDiscardingTaskGroup { workers in
            while !stopping {
                await dispatch(into: &workers)
                await idle(for: await nextIdle())
            }
            await returnBacklog()
            let deadline = ContinuousClock.now.advanced(by: configuration.shutdownDeadline)
            while !held.isEmpty, ContinuousClock.now < deadline {
                await idle(for: ContinuousClock.now.duration(to: deadline))
            }
            if !held.isEmpty {
                logger.warning("abandoning in-flight jobs at the shutdown deadline", metadata: ["jobs": "\(held.count)"])
            }
            workers.cancelAll()
        }
    }

    private func dispatch(into workers: inout DiscardingTaskGroup) async {
        claimsFull = false
        claimedAt = Date()
        await drainBacklog(into: &workers)
        for (kind, kindConfiguration) in kinds where !stopping {
            let free = kindConfiguration.concurrency - runningByKind[kind, default: 0] - backlogCount(kind: kind)
            guard free > 0 else { continue }
            let saturated = await saturatedDestinations()
            let leases: [JobLease]
            do {
                leases = try await store.claim(
                    limit: min(free, configuration.batchSize), owner: configuration.owner,
                    leaseDuration: configuration.leaseDuration, now: claimedAt, kinds: [kind],
                    excludingDestinations: saturated)
            } catch {
                logger.error("claiming jobs failed", metadata: ["error": "\(error)"])
                return
            }
            if leases.count == min(free, configuration.batchSize) { claimsFull = true }
            for lease in leases {
                held[lease.job.id] = lease
                await admit(lease, into: &workers)
            }
        }
    }

    /// Starts the lease at once, parks it in its destination's backlog, or gives it back for later.
    private func admit(_ lease: JobLease, into workers: inout DiscardingTaskGroup) async {
        let gate = await gate(for: lease.job.destination, kind: lease.job.kind)
        let admission = await gate.admit(now: Date())
        if case .throttled(let until) = admission { wakeAtThrottleEnd(until) }
        switch admission {
        case .run:
            runningByKind[lease.job.kind, default: 0] += 1
            let claimedAt = ContinuousClock.now
            workers.addTask { await self.execute(lease, gate: gate, claimedAt: claimedAt) }
        case .full, .throttled:
            // A destination keeps at most its cap waiting in memory: more would hold worker slots (the
            // backlog counts against the pool) that other destinations need while this one is slow.
            if backlog[lease.job.destination, default: []].count < configuration.destination.concurrencyCap {
                backlog[lease.job.destination, default: []].append(lease)
            } else {
                held[lease.job.id] = nil
                do {
                    // Still due at its own time (order kept); claims skip the destination while it has a backlog.
                    _ = try await store.postpone(lease, until: lease.job.runAt)
                } catch {
                    logger.error("giving a job back failed", metadata: ["job.id": "\(lease.job.id)", "error": "\(error)"])
                }
            }
        case .notBefore(let date):
            held[lease.job.id] = nil
            do {
                _ = try await store.postpone(lease, until: date)
            } catch {
                logger.error("postponing a job failed", metadata: ["job.id": "\(lease.job.id)", "error": "\(error)"])
            }
        }
    }

    /// Runs one attempt off the actor and records its outcome, fenced by the lease.
    nonisolated private func execute(_ lease: JobLease, gate: DestinationGate, claimedAt: ContinuousClock.Instant) async {
        guard let kind = kinds[lease.job.kind] else { return }
        let outcome = await kind.handler.handle(lease)
        if Task.isCancelled {
            // Shutdown deadline passed: abandon, keep the lease; the job will be rescued after expiry.
            await gate.release()
            await completed(lease)
            return
        }
        let now = Date()
        var success = false
        var retryAfter: Duration?
        var label = "failure"
        do {
            switch outcome {
            case .success(let attempt):
                success = true
                label = "success"
                _ = try await store.ack(lease, attempt: attempt)
            case .retry(let after, let attempt):
                retryAfter = after.map { min($0, kind.retryPolicy.retryAfterCap) }
                if lease.attempt >= lease.job.maxAttempts {
                    label = "dead"
                    _ = try await store.dead(lease, attempt: attempt, reason: attempt.error ?? "no attempts left")
                } else {
                    label = "retry"
                    let delay =
                        kind.retryPolicy.delay(afterAttempt: lease.attempt, retryAfter: after)
                        ?? kind.retryPolicy.schedule.last ?? .seconds(60)
                    _ = try await store.retry(lease, at: now.addingTimeInterval(delay.inSeconds), attempt: attempt)
                }
            case .dead(let reason, let attempt):
                label = "dead"
                _ = try await store.dead(lease, attempt: attempt, reason: reason)
            case .postpone(let until):
                label = "postponed"
                _ = try await store.postpone(lease, until: until)
            }
        } catch {
            logger.error("recording a job outcome failed", metadata: ["job.id": "\(lease.job.id)", "error": "\(error)"])
        }
        if case .postpone = outcome {
            await gate.release()
        } else {
            await gate.finish(success: success, retryAfter: retryAfter, now: now)
        }
        metrics.finished(kind: lease.job.kind, outcome: label, claimToFinish: ContinuousClock.now - claimedAt)
        await completed(lease)
    }

    /// Bookkeeping after an attempt; the freed slot is used at the next dispatch.
    private func completed(_ lease: JobLease) {
        held[lease.job.id] = nil
        runningByKind[lease.job.kind, default: 1] -= 1
        wakePending = true
        resumeWaiter()
    }

    // MARK: Destinations

    /// The destination's gate; a new one starts with the limits the kind's handler gives.
    private func gate(for destination: String, kind: JobKind) async -> DestinationGate {
        if let gate = gates[destination] { return gate }
        let limits = await kinds[kind]?.handler.limits(forDestination: destination) ?? DestinationLimits()
        // Another job of the destination may have made the gate while the handler answered.
        if let gate = gates[destination] { return gate }
        let gate = DestinationGate(configuration: configuration.destination, limits: limits)
        gates[destination] = gate
        gateKinds[destination] = kind
        return gate
    }

    private func wakeAtThrottleEnd(_ until: Date) {
        throttleWake = min(throttleWake ?? until, until)
    }

    /// Drops the gates that remember nothing (made anew, with fresh limits, when their destination has work again)
    /// and gives the others their handler's current limits.
    private func refreshGates(now: Date) async {
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
    private func saturatedDestinations() async -> Set<String> {
        var saturated = Set(backlog.filter { !$0.value.isEmpty }.keys)
        for (destination, gate) in gates where await gate.runningCount >= configuration.destination.concurrencyCap {
            saturated.insert(destination)
        }
        return saturated
    }

    private func backlogCount(kind: JobKind) -> Int {
        backlog.values.reduce(0) { $0 + $1.filter { $0.job.kind == kind }.count }
    }

    /// Moves backlog leases whose destination has a free slot into the worker pool.
    private func drainBacklog(into workers: inout DiscardingTaskGroup) async {
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
    private func returnBacklog() async {
        let waiting = backlog.values.flatMap { $0 }
        backlog = [:]
        for lease in waiting {
            held[lease.job.id] = nil
            _ = try? await store.postpone(lease, until: Date())
        }
    }

    // MARK: Maintenance

    /// Extends the leases this process holds that would expire within half a lease, rescues expired leases
    /// (of processes that died) and refreshes the gauges.
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

    // MARK: Sleeping

    private func nextIdle() async -> Duration {
        if wakePending || claimsFull { return .zero }
        // Due jobs that were not claimed wait for their destination (a finished job wakes the loop), not for time.
        var wait = configuration.maxIdle
        if let next = try? await store.nextRunAt(after: claimedAt) {
            wait = min(wait, .seconds(max(0, next.timeIntervalSinceNow)))
        }
        if let throttleWake {
            // A throttled backlog is admitted at the next dispatch; a later throttle sets a new wake.
            self.throttleWake = nil
            wait = min(wait, .seconds(max(0, throttleWake.timeIntervalSinceNow)))
        }
        return wait
    }

    /// Sleeps until woken or `duration` has passed.
    private func idle(for duration: Duration) async {
        if wakePending || stopping && held.isEmpty {
            wakePending = false
            return
        }
        guard duration > .zero else { return }
        await withDiscardingTaskGroup { timer in
            timer.addTask {
                try? await Task.sleep(for: duration)
                if !Task.isCancelled { await self.resumeWaiter() }
            }
            await withCheckedContinuation { continuation in
                if wakePending {
                    continuation.resume()
                } else {
                    waiter = continuation
                }
            }
            timer.cancelAll()
        }
        wakePending = false
    }

    private func resumeWaiter() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            wakePending = true
        }
    }
}

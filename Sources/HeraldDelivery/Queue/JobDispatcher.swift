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

    var gates: [String: DestinationGate] = [:]
    /// The kind whose handler knows each gate's limits.
    var gateKinds: [String: JobKind] = [:]
    /// The earliest end of a rate-limit wait of a destination with a backlog.
    var throttleWake: Date?
    var runningByKind: [JobKind: Int] = [:]
    /// Leases held by this process (running or waiting in a backlog), for heartbeats.
    var held: [Int64: JobLease] = [:]
    var backlog: [String: [JobLease]] = [:]
    var stopping = false
    /// A claim of the last dispatch took as many jobs as it asked for: more may be due at once.
    var claimsFull = false
    /// The time the last dispatch claimed at: jobs due by then that it did not take wait for their destination.
    var claimedAt = Date.distantPast
    var wakePending = false
    var waiter: CheckedContinuation<Void, Never>?

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

    func dispatch(into workers: inout DiscardingTaskGroup) async {
        claimsFull = false
        claimedAt = Date()
        await drainBacklog(into: &workers)
        for (kind, kindConfiguration) in kinds where !stopping {
            let free = kindConfiguration.concurrency - runningByKind[kind, default: 0] - backlogCount(kind: kind)
            guard free > 0 else { continue }
            let saturated = saturatedDestinations()
            let leases: [JobLease]
            do {
                leases = try await store.claim(
                    limit: min(free, configuration.batchSize), owner: configuration.owner,
                    leaseDuration: configuration.leaseDuration, now: claimedAt, kinds: [kind],
                    // At most a cap of each destination: what its free slots take, the rest waits (leased) in its
                    // backlog for the slots' next turn.
                    excludingDestinations: saturated, perDestination: destinationConfiguration(kind).concurrencyCap)
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
    func admit(_ lease: JobLease, into workers: inout DiscardingTaskGroup) async {
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
            if backlog[lease.job.destination, default: []].count < destinationConfiguration(lease.job.kind).concurrencyCap {
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

    /// Runs attempts off the actor: this lease's, then those of the jobs waiting (leased) in its destination's
    /// backlog, one after the other in the slot the gate gave. Each outcome is written by a child task while the
    /// next attempt already runs, so a destination's slot never waits for a commit or a claim.
    nonisolated func execute(_ first: JobLease, gate: DestinationGate, claimedAt: ContinuousClock.Instant) async {
        await withDiscardingTaskGroup { recorders in
            var lease = first
            var gate = gate
            var started = claimedAt
            while let kind = kinds[lease.job.kind] {
                let outcome = await kind.handler.handle(lease)
                if Task.isCancelled {
                    // Shutdown deadline passed: abandon, keep the lease; the job will be rescued after expiry.
                    await gate.release()
                    await completed(lease)
                    return
                }
                let now = Date()
                switch outcome {
                case .success: await gate.finish(success: true, now: now)
                case .retry(let after, _):
                    await gate.finish(
                        success: false, retryAfter: after.map { min($0, kind.retryPolicy.retryAfterCap) }, now: now)
                case .dead: await gate.finish(success: false, now: now)
                case .postpone: await gate.release()
                }
                let finished = lease
                let finishedStart = started
                recorders.addTask {
                    let label = await self.record(outcome, of: finished, kind: kind, now: now)
                    self.metrics.finished(
                        kind: finished.job.kind, outcome: label, claimToFinish: ContinuousClock.now - finishedStart)
                    await self.completed(finished)
                }
                guard let next = await admitFromBacklog(finished.job.destination) else {
                    await slotFreed()
                    return
                }
                (lease, gate, started) = (next.lease, next.gate, ContinuousClock.now)
            }
        }
    }

    /// Writes the outcome of an attempt (fenced by the lease); answers the outcome's metrics label.
    nonisolated func record(
        _ outcome: JobOutcome, of lease: JobLease, kind: JobKindConfiguration, now: Date
    ) async -> String {
        do {
            switch outcome {
            case .success(let attempt):
                _ = try await store.ack(lease, attempt: attempt)
                return "success"
            case .retry(let after, let attempt):
                if lease.attempt >= lease.job.maxAttempts {
                    _ = try await store.dead(lease, attempt: attempt, reason: attempt.error ?? "no attempts left")
                    return "dead"
                }
                let delay =
                    kind.retryPolicy.delay(afterAttempt: lease.attempt, retryAfter: after)
                    ?? kind.retryPolicy.schedule.last ?? .seconds(60)
                _ = try await store.retry(lease, at: now.addingTimeInterval(delay.inSeconds), attempt: attempt)
                return "retry"
            case .dead(let reason, let attempt):
                _ = try await store.dead(lease, attempt: attempt, reason: reason)
                return "dead"
            case .postpone(let until):
                _ = try await store.postpone(lease, until: until)
                return "postponed"
            }
        } catch {
            logger.error("recording a job outcome failed", metadata: ["job.id": "\(lease.job.id)", "error": "\(error)"])
            return "error"
        }
    }

    /// A destination slot was given back: dispatch again (its backlog may start at once).
    func slotFreed() {
        wakePending = true
        resumeWaiter()
    }

    /// Bookkeeping after an attempt; the freed slot is used at the next dispatch.
    func completed(_ lease: JobLease) {
        held[lease.job.id] = nil
        runningByKind[lease.job.kind, default: 1] -= 1
        wakePending = true
        resumeWaiter()
    }

    // MARK: Sleeping

    func nextIdle() async -> Duration {
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
    func idle(for duration: Duration) async {
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

    func resumeWaiter() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            wakePending = true
        }
    }
}

import HeraldCore
import Metrics

/// The queue's metrics (swift-metrics; exported by whatever backend the binary bootstraps).
struct JobMetrics: Sendable {
    /// Jobs by kind and state (all but succeeded), refreshed by the maintenance loop.
    func record(counts: [JobCount], kinds: Set<JobKind>) {
        var seen: Set<String> = []
        for count in counts {
            seen.insert("\(count.kind.rawValue)/\(count.state.rawValue)")
            Gauge(label: "herald_jobs", dimensions: [("kind", count.kind.rawValue), ("state", count.state.rawValue)])
                .record(count.count)
        }
        for kind in kinds {
            for state in JobState.allCases where state != .succeeded && !seen.contains("\(kind.rawValue)/\(state.rawValue)") {
                Gauge(label: "herald_jobs", dimensions: [("kind", kind.rawValue), ("state", state.rawValue)]).record(0)
            }
        }
    }

    /// One finished attempt: its outcome and the time from claim to finish.
    func finished(kind: JobKind, outcome: String, claimToFinish: Duration) {
        Counter(label: "herald_job_outcomes_total", dimensions: [("kind", kind.rawValue), ("outcome", outcome)])
            .increment()
        Metrics.Timer(label: "herald_job_claim_to_finish_seconds", dimensions: [("kind", kind.rawValue)])
            .recordNanoseconds(Int64(claimToFinish.inSeconds * 1e9))
    }

    /// Destinations whose breaker is open.
    func openBreakers(_ count: Int) {
        Gauge(label: "herald_destination_breakers_open").record(count)
    }
}

/// SIEM forwarding settings (`siem.*`).
public struct SiemConfiguration: Sendable, Equatable {
    /// `siem.connectors_dir`: the connector manifests (`<id>.json`); empty looks for `connectors/` beside the
    /// binary's `share/herald` (an installed daemon) and then in the working directory.
    public var connectorsDirectory: String = ""
    /// `siem.request_timeout_seconds`: one request (HTTP) or one batch's write (syslog), connect included.
    public var requestTimeoutSeconds: Double = 30
    /// `siem.connect_timeout_seconds`
    public var connectTimeoutSeconds: Double = 10
    /// `siem.flush_delay_ms`: how long a flush waits after the first new event, so that a burst goes in one batch.
    public var flushDelayMilliseconds: Double = 200
    /// `siem.retry_schedule_seconds`: the waits between failed flushes of one integration: 1 s, 5 s, 30 s,
    /// 2 min, 5 min, 10 min; the last one repeats until the destination takes the batch (the cursor waits;
    /// nothing is dropped and a flush never dies of retries).
    public var retryScheduleSeconds: [Double] = [1, 5, 30, 120, 300, 600]
    /// A flush's attempts before it would be dead: far beyond the schedule, so that it keeps retrying at the
    /// schedule's last wait.
    public static let flushMaxAttempts = 1_000_000
    /// `siem.workers`: flushes in flight in all (each integration has at most one).
    public var workers: Int = 16

    public init() {}
}

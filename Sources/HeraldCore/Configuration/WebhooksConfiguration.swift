/// Webhook delivery settings (`webhooks.*`).
public struct WebhooksConfiguration: Sendable, Equatable {
    /// `webhooks.retry_schedule_seconds`: the waits between attempts (the first attempt is at once):
    /// 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h — 8 attempts in all.
    public var retryScheduleSeconds: [Double] = [5, 300, 1800, 7200, 18000, 36000, 36000]
    /// `webhooks.retry_jitter`: each wait varies by ± this fraction.
    public var retryJitter: Double = 0.2
    /// `webhooks.request_timeout_seconds`: the whole request, connect included.
    public var requestTimeoutSeconds: Double = 15
    /// `webhooks.connect_timeout_seconds`
    public var connectTimeoutSeconds: Double = 5
    /// `webhooks.auto_disable_after_seconds`: an endpoint with only failures for this long is disabled (5 days).
    public var autoDisableAfterSeconds: Double = 5 * 86_400
    /// `webhooks.rotation_grace_seconds`: how long the previous secret keeps signing after a rotation (24 h).
    public var rotationGraceSeconds: Double = 86_400
    /// `webhooks.concurrency_per_endpoint`: deliveries in flight to one endpoint at most.
    public var concurrencyPerEndpoint: Int = 4
    /// `webhooks.workers`: deliveries in flight in all.
    public var workers: Int = 64

    public init() {}
}

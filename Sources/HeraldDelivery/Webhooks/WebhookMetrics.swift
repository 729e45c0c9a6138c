import Metrics

/// Webhook delivery metrics: attempts by outcome and their duration.
struct WebhookMetrics: Sendable {
    /// One attempt. `outcome`: `2xx`, `3xx`, `4xx`, `5xx`, `timeout`, `connection_error`, `refused`.
    func attempt(outcome: String, duration: Duration) {
        Counter(label: "herald_webhook_deliveries_total", dimensions: [("outcome", outcome)]).increment()
        Metrics.Timer(label: "herald_webhook_attempt_seconds", dimensions: [("outcome", outcome)])
            .recordNanoseconds(Int64(duration.inSeconds * 1e9))
    }

    /// An endpoint disabled by delivery (410 Gone or auto-disable).
    func endpointDisabled(reason: String) {
        Counter(label: "herald_webhook_endpoints_disabled_total", dimensions: [("reason", reason)]).increment()
    }
}

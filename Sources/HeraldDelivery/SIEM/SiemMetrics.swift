import Metrics

/// The forwarder's Prometheus series: events forwarded or set aside by provider, requests by outcome.
enum SiemMetrics {
    static func forwarded(provider: String, delivered: Int, deadLettered: Int) {
        if delivered > 0 {
            Counter(label: "herald_siem_events_total", dimensions: [("provider", provider), ("outcome", "delivered")])
                .increment(by: delivered)
        }
        if deadLettered > 0 {
            Counter(label: "herald_siem_events_total", dimensions: [("provider", provider), ("outcome", "dead_lettered")])
                .increment(by: deadLettered)
        }
    }

    static func request(label: String) {
        Counter(label: "herald_siem_requests_total", dimensions: [("outcome", label)]).increment()
    }
}

import Foundation

/// What a destination made of one request (or, for syslog, one write of a batch).
struct SiemSendResult: Sendable {
    enum Verdict: Sendable, Equatable {
        /// Every event was taken.
        case delivered
        /// Some items failed (Elasticsearch `_bulk`): those at `retry` (429/5xx) may go again, those in `rejected`
        /// were refused for good (with the reason); the rest were taken (409 on `create` included).
        case partial(retry: [Int], rejected: [Int: String])
        /// Try again later (the destination is down or busy); `after` when it said how long to wait.
        case retry(after: Duration?)
        /// The destination refused this request's content: split it to find the event at fault.
        case reject
        /// The request was too large: send it in two halves.
        case split
        /// The destination refuses the credentials or the configuration: stop until the integration changes.
        case disable
    }

    var verdict: Verdict
    var statusCode: Int?
    /// The vendor's own code (Splunk HEC `code`), when the answer had one.
    var vendorCode: Int?
    /// What happened, for the attempt log, `last_error` and the test endpoint (the vendor's text included).
    var message: String
    /// The first bytes of the answer.
    var excerpt: String?
    /// `2xx`, `4xx`, `5xx`, `timeout`, `connection_error`, `refused` (the metrics label).
    var label: String

    static func failure(_ message: String, label: String) -> SiemSendResult {
        SiemSendResult(
            verdict: .retry(after: nil), statusCode: nil, vendorCode: nil, message: message, excerpt: nil, label: label)
    }
}

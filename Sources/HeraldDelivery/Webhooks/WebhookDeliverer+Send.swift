import AsyncHTTPClient
import Foundation
import HeraldCore
import Logging
import NIOCore

/// What one request to an endpoint came to.
struct WebhookAttemptResult: Sendable {
    enum Verdict: Sendable, Equatable {
        case success
        /// 410 Gone: disable the endpoint, stop.
        case gone
        /// Retry; `retryAfter` when the peer asked (429/503 with `Retry-After`).
        case failure(retryAfter: Duration?, timedOut: Bool)
    }

    var verdict: Verdict
    var statusCode: Int?
    var error: String?
    var excerpt: String?
    /// `2xx`, `3xx`, `4xx`, `5xx`, `timeout`, `connection_error`, `refused`.
    var metricLabel: String

    func attempt(_ lease: JobLease, startedAt: Date, now: Date, outcome: JobAttempt.Outcome) -> JobAttempt {
        JobAttempt(
            lease, startedAt: startedAt, now: now, outcome: outcome, statusCode: statusCode, error: error,
            responseExcerpt: excerpt)
    }

    static func failure(_ error: String, label: String, timedOut: Bool = false) -> WebhookAttemptResult {
        WebhookAttemptResult(
            verdict: .failure(retryAfter: nil, timedOut: timedOut), statusCode: nil, error: error, excerpt: nil,
            metricLabel: label)
    }
}

extension WebhookDeliverer {
    /// Headers an endpoint's custom headers may not set (the deliverer's own, and framing).
    static let reservedHeaders: Set<String> = [
        "host", "content-length", "content-type", "transfer-encoding", "connection", "user-agent", "te", "upgrade",
    ]

    /// Vets, signs and sends one attempt; never throws.
    func send(
        _ body: Data, id: String, to endpoint: WebhookEndpoint, keys: SigningKeys, logger: Logger
    ) async -> WebhookAttemptResult {
        let destination: OutboundDestination
        do {
            destination = try await addressGuard.vet(endpoint.url)
        } catch let error as HeraldError {
            return .failure(error.message, label: "refused")
        } catch {
            return .failure("outbound URL refused: \(error)", label: "refused")
        }

        var request = HTTPClientRequest(url: destination.url.absoluteString)
        request.method = .POST
        for (name, value) in endpoint.headers.sorted(by: { $0.key < $1.key }) {
            let lowered = name.lowercased()
            guard !Self.reservedHeaders.contains(lowered), !lowered.hasPrefix("webhook-") else { continue }
            request.headers.add(name: name, value: value)
        }
        request.headers.replaceOrAdd(name: "content-type", value: "application/json")
        request.headers.replaceOrAdd(name: "user-agent", value: userAgent)
        do {
            // Signed as late as possible: the timestamp is this attempt's own.
            let signed = try WebhookSigner(keys: keys).headers(id: id, body: body, at: now())
            for field in signed.fields { request.headers.replaceOrAdd(name: field.name, value: field.value) }
        } catch {
            let message = (error as? HeraldError)?.message ?? "\(error)"
            return .failure("cannot sign the delivery: \(message)", label: "connection_error")
        }
        request.body = .bytes(body)

        let lease = await clients.acquire(for: destination)
        let result = await execute(request, client: lease.client, logger: logger)
        await clients.release(lease)
        return result
    }

    private func execute(_ request: HTTPClientRequest, client: HTTPClient, logger: Logger) async -> WebhookAttemptResult {
        let timeout = TimeAmount.nanoseconds(Int64(configuration.requestTimeoutSeconds * 1e9))
        let deadline = NIODeadline.now() + timeout
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, deadline: deadline, logger: logger)
        } catch {
            return Self.classify(error, configuration: configuration)
        }
        let status = Int(response.status.code)
        let excerpt = await Self.readExcerpt(response.body)
        switch status {
        case 200..<300:
            return WebhookAttemptResult(
                verdict: .success, statusCode: status, error: nil, excerpt: excerpt, metricLabel: "2xx")
        case 410:
            return WebhookAttemptResult(
                verdict: .gone, statusCode: status, error: "410 Gone: the endpoint asked to be disabled",
                excerpt: excerpt, metricLabel: "4xx")
        case 300..<400:
            let location = response.headers.first(name: "location").map { " to \($0)" } ?? ""
            return WebhookAttemptResult(
                verdict: .failure(retryAfter: nil, timedOut: false), statusCode: status,
                error: "HTTP \(status): redirect\(location) not followed", excerpt: excerpt, metricLabel: "3xx")
        default:
            var retryAfter: Duration?
            if status == 429 || status == 503, let value = response.headers.first(name: "retry-after") {
                retryAfter = RetryAfter.parse(value, now: now())
            }
            let reason = response.status.reasonPhrase.isEmpty ? "" : " \(response.status.reasonPhrase)"
            let suffix = retryAfter.map { " (Retry-After \(Int($0.inSeconds.rounded())) s)" } ?? ""
            return WebhookAttemptResult(
                verdict: .failure(retryAfter: retryAfter, timedOut: false), statusCode: status,
                error: "HTTP \(status)\(reason)\(suffix)", excerpt: excerpt, metricLabel: status < 500 ? "4xx" : "5xx")
        }
    }

    /// Up to ``excerptLimit`` bytes of the body as text; the rest is not read (the connection is then closed).
    static func readExcerpt(_ body: HTTPClientResponse.Body) async -> String? {
        var buffer = ByteBuffer()
        do {
            for try await var chunk in body {
                let take = min(chunk.readableBytes, excerptLimit - buffer.readableBytes)
                if take > 0, let slice = chunk.readSlice(length: take) { buffer.writeImmutableBuffer(slice) }
                if buffer.readableBytes >= excerptLimit { break }
            }
        } catch {
            // A body cut short (timeout, reset) after the status line: keep what arrived.
        }
        guard buffer.readableBytes > 0 else { return nil }
        return String(buffer: buffer)
    }

    /// A failed request: timeouts and connection errors retry.
    static func classify(_ error: any Error, configuration: WebhooksConfiguration) -> WebhookAttemptResult {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return .failure(
                    "timed out: no complete answer within \(format(configuration.requestTimeoutSeconds)) s",
                    label: "timeout", timedOut: true)
            case .connectTimeout, .tlsHandshakeTimeout:
                return .failure(
                    "timed out connecting (connect timeout \(format(configuration.connectTimeoutSeconds)) s)",
                    label: "timeout", timedOut: true)
            case .remoteConnectionClosed:
                return .failure("connection error: the endpoint closed the connection", label: "connection_error")
            default:
                return .failure("connection error: \(error)", label: "connection_error")
            }
        }
        if error is CancellationError { return .failure("cancelled", label: "connection_error") }
        return .failure("connection error: \(error)", label: "connection_error")
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

import AsyncHTTPClient
import CompressNIO
import Foundation
import HeraldCore
import Logging
import NIOCore

/// Sends request bodies to one integration's HTTP destination: the URL and headers its connector names, gzip
/// when it asks for it, through the SSRF guard and the pinned outbound clients, with connect and total timeouts.
struct SiemHTTPTransport: Sendable {
    let url: String
    let headers: [(String, String)]
    let compression: SiemCompression
    let classifier: SiemResponseClassifier
    let addressGuard: OutboundAddressGuard
    let clients: OutboundHTTPClients
    let timeout: Duration
    /// With indexer acknowledgement on: where acks are polled and the rule.
    let acknowledgement: (url: String, rule: SiemConnector.AckRule)?

    /// - Throws: `invalid_field` when the credentials satisfy none of the connector's authentication methods or
    ///   the URL cannot be made (the integration's configuration is wrong: forwarding stops with the reason).
    init(
        connector: SiemConnector, integration: SiemIntegration, credentials: [String: String],
        addressGuard: OutboundAddressGuard, clients: OutboundHTTPClients, timeout: Duration
    ) throws {
        self.url = try Self.url(connector: connector, integration: integration, credentials: credentials)
        var headers: [(String, String)] = [
            ("content-type", connector.contentType), ("user-agent", "Herald-SIEM/\(HeraldVersion.string)"),
        ]
        for (name, value) in connector.headers.sorted(by: { $0.key < $1.key }) { headers.append((name, value)) }
        if !connector.auth.isEmpty {
            guard let method = connector.authMethod(for: credentials) else {
                let needed = connector.auth.map { $0.requires.joined(separator: " and ") }.joined(separator: ", or ")
                throw HeraldError.invalid("credentials", "\(connector.name) needs the credentials \(needed)")
            }
            if method.basic {
                let pair = "\(credentials["username"] ?? ""):\(credentials["password"] ?? "")"
                headers.append(("authorization", "Basic " + Data(pair.utf8).base64EncodedString()))
            }
            for (name, template) in method.headers.sorted(by: { $0.key < $1.key }) {
                headers.append((Self.fill(name, credentials), Self.fill(template, credentials)))
            }
        }
        if let rule = connector.ack, integration.options["ack"] == "true" {
            // The channel is the integration's own (a UUID): stable across restarts, never shared.
            headers.append((rule.channelHeader, integration.id))
            let base = integration.endpoint.isEmpty ? (connector.endpoint.defaultValue ?? "") : integration.endpoint
            acknowledgement = ((base.hasSuffix("/") ? String(base.dropLast()) : base) + rule.path, rule)
        } else {
            acknowledgement = nil
        }
        if connector.compression == .gzip { headers.append(("content-encoding", "gzip")) }
        self.headers = headers
        self.compression = connector.compression
        self.classifier = SiemResponseClassifier(rules: connector.responses, wire: connector.wire)
        self.addressGuard = addressGuard
        self.clients = clients
        self.timeout = timeout
    }

    /// The request URL: the endpoint (or the connector's default, or the credential that holds the URL) with the
    /// connector's path.
    static func url(connector: SiemConnector, integration: SiemIntegration, credentials: [String: String]) throws
        -> String
    {
        if let name = connector.endpoint.fromCredential {
            guard let url = credentials[name], !url.isEmpty else {
                throw HeraldError.invalid("credentials", "\(connector.name) needs the credential \(name) (its URL)")
            }
            return url
        }
        let base = integration.endpoint.isEmpty ? (connector.endpoint.defaultValue ?? "") : integration.endpoint
        guard !base.isEmpty else { throw HeraldError.invalid("endpoint", "\(connector.name) needs an endpoint") }
        guard let path = connector.endpoint.path else { return base }
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
    }

    /// `{name}` replaced by the credential of that name (header values must stay one line).
    static func fill(_ template: String, _ credentials: [String: String]) -> String {
        var text = template
        for (name, value) in credentials {
            text = text.replacingOccurrences(
                of: "{\(name)}", with: value.filter { $0 != "\r" && $0 != "\n" })
        }
        return text
    }

    /// Sends one body; never throws.
    func send(_ body: [UInt8], logger: Logger) async -> SiemSendResult {
        let destination: OutboundDestination
        do {
            destination = try await addressGuard.vet(url)
        } catch let error as HeraldError {
            return .failure(error.message, label: "refused")
        } catch {
            return .failure("outbound URL refused: \(error)", label: "refused")
        }
        var request = HTTPClientRequest(url: destination.url.absoluteString)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        do {
            request.body = .bytes(try encoded(body))
        } catch {
            return .failure("cannot compress the batch: \(error)", label: "connection_error")
        }
        let lease = await clients.acquire(for: destination)
        var result = await execute(request, client: lease.client, logger: logger)
        if let acknowledgement, result.verdict == .delivered {
            result = await awaitAcknowledgement(of: result, acknowledgement, client: lease.client, logger: logger)
        }
        await clients.release(lease)
        return result
    }

    /// Polls the batch's ack id until the destination says it is stored; a timeout makes the batch go again.
    private func awaitAcknowledgement(
        of accepted: SiemSendResult, _ acknowledgement: (url: String, rule: SiemConnector.AckRule), client: HTTPClient,
        logger: Logger
    ) async -> SiemSendResult {
        let rule = acknowledgement.rule
        guard let excerpt = accepted.excerpt, case .object(let answer)? = try? JSONValue.parse(excerpt),
            case .number(let number)? = answer[rule.idField]
        else {
            // No ack id: acknowledgement is off for this token on the destination's side; the 200 counts.
            return accepted
        }
        let id = Int64(number)
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(rule.timeoutMilliseconds)
        while clock.now < deadline && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(rule.pollIntervalMilliseconds))
            var request = HTTPClientRequest(url: acknowledgement.url)
            request.method = .POST
            for (name, value) in headers where name != "content-encoding" { request.headers.add(name: name, value: value) }
            request.headers.replaceOrAdd(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"acks":[\#(id)]}"#))
            let polled = await execute(request, client: client, logger: logger, classify: false)
            guard let text = polled.excerpt, case .object(let object)? = try? JSONValue.parse(text),
                case .object(let acks)? = object["acks"]
            else { continue }
            if case .bool(true)? = acks[String(id)] {
                var acknowledged = accepted
                acknowledged.message = "\(accepted.message), acknowledged (ack \(id))"
                return acknowledged
            }
        }
        var late = accepted
        late.verdict = .retry(after: nil)
        late.message = "the indexer did not acknowledge ack \(id) within \(rule.timeoutMilliseconds / 1000) s: sending the batch again"
        return late
    }

    private func execute(_ request: HTTPClientRequest, client: HTTPClient, logger: Logger, classify: Bool = true)
        async -> SiemSendResult
    {
        let deadline = NIODeadline.now() + .nanoseconds(Int64(timeout.inSeconds * 1e9))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, deadline: deadline, logger: logger)
        } catch {
            return Self.failure(for: error, timeout: timeout)
        }
        var answer = ByteBuffer()
        do {
            for try await var chunk in response.body {
                if answer.readableBytes < 1 << 20 { answer.writeBuffer(&chunk) }
            }
        } catch {
            return Self.failure(for: error, timeout: timeout)
        }
        let status = Int(response.status.code)
        guard classify else {
            return SiemSendResult(
                verdict: .delivered, statusCode: status, vendorCode: nil, message: "HTTP \(status)",
                excerpt: String(decoding: answer.readableBytesView.prefix(4096), as: UTF8.self), label: "2xx")
        }
        let retryAfter = response.headers.first(name: "retry-after").flatMap { RetryAfter.parse($0) }
        return classifier.classify(status: status, body: Array(answer.readableBytesView), retryAfter: retryAfter)
    }

    private func encoded(_ body: [UInt8]) throws -> ByteBuffer {
        var buffer = ByteBuffer(bytes: body)
        guard compression == .gzip else { return buffer }
        return try buffer.compress(with: .gzip(configuration: .init(compressionLevel: 1)))
    }

    static func failure(for error: any Error, timeout: Duration) -> SiemSendResult {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return .failure("timed out: no complete answer within \(Int(timeout.inSeconds)) s", label: "timeout")
            case .connectTimeout, .tlsHandshakeTimeout:
                return .failure("timed out connecting", label: "timeout")
            case .remoteConnectionClosed:
                return .failure("connection error: the destination closed the connection", label: "connection_error")
            default:
                return .failure("connection error: \(error)", label: "connection_error")
            }
        }
        if error is CancellationError { return .failure("cancelled", label: "connection_error") }
        return .failure("connection error: \(error)", label: "connection_error")
    }
}

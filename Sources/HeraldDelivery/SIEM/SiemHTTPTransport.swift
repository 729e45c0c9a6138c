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
        let result = await execute(request, client: lease.client, logger: logger)
        await clients.release(lease)
        return result
    }

    private func execute(_ request: HTTPClientRequest, client: HTTPClient, logger: Logger) async -> SiemSendResult {
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

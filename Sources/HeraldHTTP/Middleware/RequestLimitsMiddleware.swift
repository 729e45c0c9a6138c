import HeraldCore
import HTTPTypes
import Hummingbird

/// Applies the listener's body size limit and resolves the client address through trusted proxies.
struct RequestLimitsMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext

    let maxBodyBytes: Int
    let clientAddresses: ClientAddressResolver

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        context.maxUploadSize = maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw HeraldError(.payloadTooLarge, "Request body is larger than \(maxBodyBytes) bytes")
        }
        context.clientAddress = clientAddresses.clientAddress(
            peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[values: .xForwardedFor])
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let idempotencyKey = Self("Idempotency-Key")!
}

/// Finds the client's address: the TCP peer, or — when the peer is a trusted proxy — the right-most
/// `X-Forwarded-For` entry that is not itself a trusted proxy.
public struct ClientAddressResolver: Sendable {
    let trustedProxies: [CIDR]

    public init(trustedProxies: [CIDR]) {
        self.trustedProxies = trustedProxies
    }

    func isTrusted(_ address: String) -> Bool {
        trustedProxies.contains { $0.contains(address) }
    }

    /// The client address for a request from `peer` carrying these `X-Forwarded-For` values.
    public func clientAddress(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, isTrusted(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        for hop in hops.reversed() where !isTrusted(hop) {
            return hop
        }
        return hops.first ?? peer
    }
}

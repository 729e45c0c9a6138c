import Foundation
import HeraldCore
import Hummingbird
import NIOCore

/// The request context of both listeners: the caller's address and, once authenticated, the principal.
public struct AdminRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer (the proxy, when there is one).
    public let remoteAddress: SocketAddress?
    /// The client address after trusted-proxy resolution of `X-Forwarded-For`.
    public var clientAddress: String?
    /// The authenticated caller, set by ``AuthenticationMiddleware``.
    public var principal: Principal?
    /// The SCIM token's session, set by ``ScimAuthenticationMiddleware`` on `/scim/v2`.
    public var scim: ScimSession?
    /// The largest request body accepted, set per listener by ``RequestLimitsMiddleware``.
    public var maxUploadSize: Int = 1 << 20

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }

    public var requestDecoder: JSONRequestDecoder { JSONRequestDecoder() }
    public var responseEncoder: JSONStreamEncoder { JSONStreamEncoder() }

    /// The authenticated caller.
    /// - Throws: 401 when the route was reached without authentication (a wiring error).
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw HeraldError(.unauthorized, "Authentication required") }
        return principal
    }
}

/// The authenticated caller of a request.
public struct Principal: Sendable {
    /// How the caller proved who they are.
    public enum Method: String, Sendable {
        case apiKey = "api_key"
        case jwt
    }

    public var user: User
    public var method: Method
    /// The API key used, when `method` is `.apiKey`.
    public var apiKeyId: String?

    public init(user: User, method: Method, apiKeyId: String? = nil) {
        self.user = user
        self.method = method
        self.apiKeyId = apiKeyId
    }
}

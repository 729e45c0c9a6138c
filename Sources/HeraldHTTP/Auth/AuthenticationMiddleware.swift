import HeraldCore
import Hummingbird

/// Authenticates `Authorization: Bearer` with an API key or an SSO-core JWT and loads the caller through the store on
/// every request. The store answers API keys from a cache that every change to keys or users empties, so a demotion
/// or a revocation takes effect on the next request. Failed attempts are limited per client address.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AdminRequestContext

    let store: any HeraldStore
    let jwt: JWTVerifier?
    let limiter: FailedAuthenticationLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let address = context.clientAddress ?? "unknown"
        try limiter.refuseIfBlocked(address: address)
        guard let principal = try await authenticate(request) else {
            try limiter.refuseAfterFailure(address: address)
            throw HeraldError(.unauthorized, "Missing or invalid credentials")
        }
        var context = context
        context.principal = principal
        context.logger[metadataKey: "user.id"] = .string(principal.user.id)
        return try await next(request, context)
    }

    private func authenticate(_ request: Request) async throws -> Principal? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = String(parts[1]).trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty, token.count <= 8192 else { return nil }
        if token.hasPrefix(SecretPrefix.apiKey) {
            guard let (key, user) = try await store.authenticateAPIKey(secret: token) else { return nil }
            return Principal(user: user, method: .apiKey, apiKeyId: key.id)
        }
        guard let jwt, token.split(separator: ".").count == 3, let identity = await jwt.verify(token) else {
            return nil
        }
        let user = try await store.jwtUser(issuer: identity.issuer, subject: identity.subject, email: identity.email)
        return Principal(user: user, method: .jwt)
    }
}

import HeraldCore
import Hummingbird

/// `/ServiceProviderConfig`, `/ResourceTypes[/{id}]`, `/Schemas[/{id}]` (GET only: other methods are 405), `/Me`
/// (501: Herald's SCIM clients are identity providers, not users), and 404 for any other path.
struct ScimDiscoveryController {
    let tls: Bool
    let maxPayloadSize: Int

    private static let readOnly: [HTTPRequest.Method] = [.post, .put, .patch, .delete]

    func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        let tls = self.tls
        let maxPayloadSize = self.maxPayloadSize
        @Sendable func base(_ request: Request) -> String { ScimRequestReader.baseURL(request, tls: tls) }
        group.get("ServiceProviderConfig") { request, _ in
            ScimResponses.json(ScimDiscovery.serviceProviderConfig(baseURL: base(request), maxPayloadSize: maxPayloadSize))
        }
        group.get("ResourceTypes") { request, _ in
            let all = ScimResourceType.all.map { ScimDiscovery.resourceType($0, baseURL: base(request)) }
            return ScimResponses.list(all, total: all.count, startIndex: 1, nextCursor: nil, cursorMode: false)
        }
        group.get("ResourceTypes/{id}") { request, context in
            let id = try request.parameter("id", context)
            guard let type = ScimResourceType.all.first(where: { $0.id == id }) else {
                throw ScimError(status: 404, nil, "resource type \(id) not found")
            }
            return ScimResponses.json(ScimDiscovery.resourceType(type, baseURL: base(request)))
        }
        group.get("Schemas") { request, _ in
            let all = ScimSchemas.all.map { ScimDiscovery.schema($0, baseURL: base(request)) }
            return ScimResponses.list(all, total: all.count, startIndex: 1, nextCursor: nil, cursorMode: false)
        }
        group.get("Schemas/{id}") { request, context in
            let id = try request.parameter("id", context)
            guard let schema = ScimSchemas.all.first(where: { ScimURN.same($0.id, id) }) else {
                throw ScimError(status: 404, nil, "schema \(id) not found")
            }
            return ScimResponses.json(ScimDiscovery.schema(schema, baseURL: base(request)))
        }
        for path in ["ServiceProviderConfig", "ResourceTypes", "ResourceTypes/{id}", "Schemas", "Schemas/{id}"] {
            for method in Self.readOnly {
                group.on(RouterPath(path), method: method) { _, _ -> Response in
                    throw ScimError(status: 405, nil, "\(path) is read-only: only GET is allowed")
                }
            }
        }
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            group.on("Me", method: method) { _, _ -> Response in
                throw ScimError(status: 501, nil, "/Me is not supported: Herald's SCIM clients are identity providers")
            }
            group.on("**", method: method) { request, _ -> Response in
                throw ScimError(status: 404, nil, "no SCIM endpoint at \(request.uri.path)")
            }
        }
    }
}

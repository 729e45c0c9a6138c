import Foundation
import HeraldCore
import Hummingbird

/// `/scim/v2/Users` and `/scim/v2/Groups` (RFC 7644 §3): create, read, list and search, replace, patch, delete.
/// Every request went through ``ScimAuthenticationMiddleware``: the token's organization is the only one touched.
struct ScimResourcesController {
    let store: any HeraldStore
    let tls: Bool

    func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        group.post(".search") { request, context in try await searchAll(request, context) }
        for type in ScimResourceType.all {
            let path = String(type.endpoint.dropFirst())
            group.get(RouterPath(path)) { request, context in
                try await list(type, try .query(request), request, context)
            }
            group.post(RouterPath("\(path)/.search")) { request, context in
                let body = try await ScimRequestReader.object(request, context: context)
                return try await list(type, try .searchRequest(body), request, context)
            }
            group.post(RouterPath(path)) { request, context in try await create(type, request, context) }
            for method in [HTTPRequest.Method.put, .patch, .delete] {
                group.on(RouterPath(path), method: method) { _, _ -> Response in
                    throw ScimError(status: 405, nil, "\(method.rawValue) needs a resource: \(type.endpoint)/{id}")
                }
            }
            group.get(RouterPath("\(path)/{id}")) { request, context in try await get(type, request, context) }
            group.put(RouterPath("\(path)/{id}")) { request, context in try await replace(type, request, context) }
            group.patch(RouterPath("\(path)/{id}")) { request, context in try await patch(type, request, context) }
            group.delete(RouterPath("\(path)/{id}")) { request, context in
                let session = try Self.session(context)
                try await store.deleteScimResource(
                    orgId: session.principal.orgId, type: type, id: try request.parameter("id", context),
                    ifMatch: request.headers[.ifMatch], actor: Self.actor(session, request, context))
                return Response(status: .noContent)
            }
        }
    }

    static func session(_ context: AdminRequestContext) throws -> ScimSession {
        guard let session = context.scim else { throw ScimError(status: 401, nil, "SCIM authentication required") }
        return session
    }

    static func actor(_ session: ScimSession, _ request: Request, _ context: AdminRequestContext) -> Actor {
        session.principal.actor(
            ipAddress: context.clientAddress, userAgent: request.headers[.userAgent].map { String($0.prefix(256)) })
    }

    private func baseURL(_ request: Request) -> String { ScimRequestReader.baseURL(request, tls: tls) }

    /// One resource's response: the projection asked for, `ETag` and (on create) `Location`.
    private func respond(
        _ stored: ScimStoredResource, _ request: Request, projection: ScimProjection, status: HTTPResponse.Status = .ok
    ) -> Response {
        let base = baseURL(request)
        let rendered = projection.apply(to: ScimResourceRenderer.render(stored, baseURL: base), type: stored.type)
        var headers: HTTPFields = [.eTag: stored.etag]
        if status == .created { headers[.location] = "\(base)\(stored.type.endpoint)/\(stored.id)" }
        return ScimResponses.json(rendered, status: status, headers: headers)
    }

    private func list(
        _ type: ScimResourceType, _ parameters: ScimRequestReader.ListParameters, _ request: Request,
        _ context: AdminRequestContext
    ) async throws -> Response {
        let session = try Self.session(context)
        var query = try parameters.query(defaultCount: ScimDiscovery.defaultPageSize)
        let projection = try parameters.projection()
        query.includeMembers = type.id == ScimResourceType.group.id && !projection.attributes.isEmpty
            && projection.returns("members", type: type, returnedByDefault: false)
        let page = try await store.listScimResources(orgId: session.principal.orgId, type: type, query)
        let base = baseURL(request)
        let resources = page.resources.map { stored in
            projection.apply(to: ScimResourceRenderer.render(stored, baseURL: base), type: type)
        }
        return ScimResponses.list(
            resources, total: page.totalResults, startIndex: query.startIndex, nextCursor: page.nextCursor,
            cursorMode: query.cursor != nil)
    }

    private func get(_ type: ScimResourceType, _ request: Request, _ context: AdminRequestContext) async throws
        -> Response
    {
        let session = try Self.session(context)
        let id = try request.parameter("id", context)
        let projection = try ScimRequestReader.ListParameters.query(request).projection()
        let includeMembers = projection.returns("members", type: type, returnedByDefault: true)
        guard
            let stored = try await store.scimResource(
                orgId: session.principal.orgId, type: type, id: id, includeMembers: includeMembers)
        else { throw ScimError.notFound(type.id, id) }
        if let tags = request.headers[.ifNoneMatch], ScimETag.matches(tags, version: stored.version) {
            return Response(status: .notModified, headers: [.eTag: stored.etag])
        }
        return respond(stored, request, projection: projection)
    }

    /// A create or replace body in stored form, with a group's members apart (nil: the body has no `members`).
    static func resourceBody(_ type: ScimResourceType, _ raw: [String: JSONValue], session: ScimSession) throws
        -> (attributes: [String: JSONValue], members: [ScimMember]?)
    {
        let (body, fired) = ScimQuirks.resourceBody(raw, type: type)
        session.noteQuirks(fired)
        var attributes = try ScimResourceNormalizer(type).normalize(body)
        guard type.id == ScimResourceType.group.id else { return (attributes, nil) }
        let hasMembers = body.keys.contains { $0.equalsIgnoringASCIICase("members") }
        let members = members(attributes["members"])
        attributes["members"] = nil
        return (attributes, hasMembers ? members : nil)
    }

    static func members(_ value: JSONValue?) -> [ScimMember] {
        guard case .array(let elements)? = value else { return [] }
        return elements.compactMap { element in
            guard let object = element.objectValue, let id = object["value"]?.stringValue else { return nil }
            return ScimMember(value: id, type: object["type"]?.stringValue, display: object["display"]?.stringValue)
        }
    }

    // MARK: Operations (shared with /Bulk)

    func createResource(_ type: ScimResourceType, _ body: [String: JSONValue], session: ScimSession, actor: Actor)
        async throws -> ScimStoredResource
    {
        let (attributes, members) = try Self.resourceBody(type, body, session: session)
        if let members, members.contains(where: { $0.value.isEmpty }) {
            throw ScimError.badRequest(.invalidValue, "every member needs a value (the member's id)")
        }
        let stored = try await store.createScimResource(
            session.principal, type: type, attributes: attributes, members: members ?? [], actor: actor)
        guard let members, !members.isEmpty else { return stored }
        return try await store.scimResource(
            orgId: session.principal.orgId, type: type, id: stored.id, includeMembers: true) ?? stored
    }

    func replaceResource(
        _ type: ScimResourceType, id: String, _ body: [String: JSONValue], ifMatch: String?, includeMembers: Bool,
        session: ScimSession, actor: Actor
    ) async throws -> ScimStoredResource {
        let (attributes, members) = try Self.resourceBody(type, body, session: session)
        let stored = try await store.replaceScimResource(
            orgId: session.principal.orgId, type: type, id: id, attributes: attributes, members: members,
            ifMatch: ifMatch, actor: actor)
        guard type.id == ScimResourceType.group.id, includeMembers else { return stored }
        return try await store.scimResource(orgId: session.principal.orgId, type: type, id: id, includeMembers: true)
            ?? stored
    }

    func patchResource(
        _ type: ScimResourceType, id: String, _ raw: [String: JSONValue], ifMatch: String?, includeMembers: Bool,
        session: ScimSession, actor: Actor
    ) async throws -> ScimStoredResource {
        let (body, fired) = ScimQuirks.patchBody(raw, type: type)
        session.noteQuirks(fired)
        let operations = try ScimPatchRequest.decode(body, allowsEmptyOperations: fired.contains(.emptyOperations))
            .operations
        let engine = ScimPatchEngine(type, createsMissingFilteredEntries: true)
        return try await store.patchScimResource(
            orgId: session.principal.orgId, type: type, id: id, ifMatch: ifMatch, actor: actor,
            includeMembers: includeMembers
        ) { attributes throws(ScimError) in
            let result = try engine.apply(operations, to: attributes)
            session.noteQuirks(result.firedRules)
            return result
        }
    }

    // MARK: HTTP

    private func create(_ type: ScimResourceType, _ request: Request, _ context: AdminRequestContext) async throws
        -> Response
    {
        let session = try Self.session(context)
        let projection = try ScimRequestReader.ListParameters.query(request).projection()
        let stored = try await createResource(
            type, try await ScimRequestReader.object(request, context: context), session: session,
            actor: Self.actor(session, request, context))
        return respond(stored, request, projection: projection, status: .created)
    }

    private func replace(_ type: ScimResourceType, _ request: Request, _ context: AdminRequestContext) async throws
        -> Response
    {
        let session = try Self.session(context)
        let projection = try ScimRequestReader.ListParameters.query(request).projection()
        let stored = try await replaceResource(
            type, id: try request.parameter("id", context), try await ScimRequestReader.object(request, context: context),
            ifMatch: request.headers[.ifMatch],
            includeMembers: projection.returns("members", type: type, returnedByDefault: true), session: session,
            actor: Self.actor(session, request, context))
        return respond(stored, request, projection: projection)
    }

    /// A group's PATCH answer carries `members` when `attributes` names them, or when the request changed the
    /// membership and the group then has at most ``ScimListQuery/maxCount`` members (the RFC's "entire resource",
    /// bounded like a list page); `excludedAttributes=members` leaves them out. A PATCH of a large group never
    /// loads its members.
    private func patch(_ type: ScimResourceType, _ request: Request, _ context: AdminRequestContext) async throws
        -> Response
    {
        let session = try Self.session(context)
        let projection = try ScimRequestReader.ListParameters.query(request).projection()
        let isGroup = type.id == ScimResourceType.group.id
        let asked = isGroup && !projection.attributes.isEmpty
            && projection.returns("members", type: type, returnedByDefault: false)
        let id = try request.parameter("id", context)
        let body = try await ScimRequestReader.object(request, context: context)
        var stored = try await patchResource(
            type, id: id, body, ifMatch: request.headers[.ifMatch], includeMembers: asked, session: session,
            actor: Self.actor(session, request, context))
        if isGroup, !asked, projection.returns("members", type: type, returnedByDefault: true),
            Self.touchesMembers(body),
            try await store.scimGroupMemberCount(orgId: session.principal.orgId, groupId: id) <= ScimListQuery.maxCount,
            let withMembers = try await store.scimResource(
                orgId: session.principal.orgId, type: type, id: id, includeMembers: true)
        {
            stored = withMembers
        }
        return respond(stored, request, projection: projection)
    }

    /// Whether a PATCH body names `members` (in a path or a path-less value).
    static func touchesMembers(_ body: [String: JSONValue]) -> Bool {
        guard case .array(let operations)? = body.first(where: { $0.key.equalsIgnoringASCIICase("Operations") })?.value
        else { return false }
        return operations.contains { operation in
            guard let object = operation.objectValue else { return false }
            if let path = object.first(where: { $0.key.equalsIgnoringASCIICase("path") })?.value.stringValue {
                return path.lowercased().hasPrefix("members")
            }
            let value = object.first { $0.key.equalsIgnoringASCIICase("value") }?.value.objectValue ?? [:]
            return value.keys.contains { $0.equalsIgnoringASCIICase("members") }
        }
    }

    /// `POST /scim/v2/.search` (RFC 7644 §3.4.3): users, then groups, as one list. A filter that is valid for only
    /// one of the types searches that type; one that is valid for neither is 400 `invalidFilter`. Cursors are per resource type, so this search
    /// pages by index only.
    func searchAll(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let session = try Self.session(context)
        let parameters = try ScimRequestReader.ListParameters.searchRequest(
            try await ScimRequestReader.object(request, context: context))
        guard parameters.cursor == nil else {
            throw ScimError.badRequest(.invalidCursor, "cursor pagination is per resource type: search /Users or /Groups")
        }
        let query = try parameters.query(defaultCount: ScimDiscovery.defaultPageSize)
        let projection = try parameters.projection()
        let base = baseURL(request)
        var resources: [[String: JSONValue]] = []
        var total = 0
        var skip = query.startIndex - 1
        var types = ScimResourceType.all
        if let filter = query.filter {
            var firstError: (any Error)?
            types = []
            for type in ScimResourceType.all {
                do {
                    try ScimFilterEvaluator.validate(filter, type: type)
                    types.append(type)
                } catch {
                    firstError = firstError ?? error
                }
            }
            if types.isEmpty, let firstError { throw firstError }
        }
        for type in types {
            var typed = query
            typed.startIndex = max(1, skip + 1)
            typed.count = max(0, query.count - resources.count)
            let page = try await store.listScimResources(orgId: session.principal.orgId, type: type, typed)
            total += page.totalResults
            skip = max(0, skip - page.totalResults)
            resources += page.resources.map {
                projection.apply(to: ScimResourceRenderer.render($0, baseURL: base), type: type)
            }
        }
        return ScimResponses.list(resources, total: total, startIndex: query.startIndex, nextCursor: nil, cursorMode: false)
    }
}

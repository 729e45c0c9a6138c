import Foundation
import HeraldCore
import Hummingbird

/// `POST /scim/v2/Bulk` (RFC 7644 §3.7): up to ``ScimDiscovery/maxOperations`` operations, each run through the same
/// code as its single request. `bulkId:<id>` references in an operation's data or path are replaced by the id of the
/// resource that the operation with that `bulkId` created; an operation whose reference is created later waits
/// for it, and references that never resolve (or circular ones) fail with 409. `failOnErrors` stops after that many
/// errors. Operations are not one transaction: each is committed on its own, as the RFC describes.
struct ScimBulkController {
    let store: any HeraldStore
    let tls: Bool
    let maxPayloadSize: Int

    private struct Operation {
        var index: Int
        var method: String
        var bulkId: String?
        var version: String?
        var path: String
        var data: JSONValue?
    }

    func addRoutes(to group: RouterGroup<AdminRequestContext>) {
        group.post("Bulk") { request, context in try await bulk(request, context) }
    }

    private func bulk(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let session = try ScimResourcesController.session(context)
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxPayloadSize {
            throw ScimError(status: 413, nil, "the bulk request is larger than maxPayloadSize (\(maxPayloadSize) bytes)")
        }
        let body = try await ScimRequestReader.object(request, context: context)
        guard case .array(let schemas)? = body["schemas"],
            schemas.contains(where: { ScimURN.same($0.stringValue ?? "", ScimURN.bulkRequest) })
        else { throw ScimError.badRequest(.invalidSyntax, "schemas must name \(ScimURN.bulkRequest)") }
        guard case .array(let raw)? = body["Operations"] else {
            throw ScimError.badRequest(.invalidSyntax, "Operations must be an array")
        }
        guard raw.count <= ScimDiscovery.maxOperations else {
            throw ScimError(status: 413, nil, "a bulk request holds at most \(ScimDiscovery.maxOperations) operations")
        }
        var failOnErrors = Int.max
        if let value = body["failOnErrors"] {
            guard case .number(let number) = value, number >= 1, number.rounded() == number else {
                throw ScimError.badRequest(.invalidValue, "failOnErrors must be a positive integer")
            }
            failOnErrors = Int(min(number, 1e9))
        }
        var operations: [Operation] = []
        for (index, element) in raw.enumerated() {
            guard let object = element.objectValue, let method = object["method"]?.stringValue?.uppercased(),
                let path = object["path"]?.stringValue
            else {
                throw ScimError.badRequest(.invalidSyntax, "operation \(index) needs a method and a path")
            }
            let bulkId = object["bulkId"]?.stringValue
            if method == "POST", bulkId?.isEmpty ?? true {
                throw ScimError.badRequest(.invalidSyntax, "operation \(index): a POST needs a bulkId")
            }
            operations.append(
                Operation(
                    index: index, method: method, bulkId: bulkId, version: object["version"]?.stringValue, path: path,
                    data: object["data"]))
        }
        let resources = ScimResourcesController(store: store, tls: tls)
        let actor = ScimResourcesController.actor(session, request, context)
        let base = ScimRequestReader.baseURL(request, tls: tls)
        let pendingIds = Set(operations.compactMap(\.bulkId))
        var created: [String: String] = [:]
        var results: [Int: JSONValue] = [:]
        var errors = 0
        var waiting = operations
        while !waiting.isEmpty, errors < failOnErrors {
            var progressed = false
            var next: [Operation] = []
            for operation in waiting {
                if errors >= failOnErrors { break }
                let references = Self.references(in: operation)
                if references.contains(where: { created[$0] == nil && pendingIds.contains($0) && $0 != operation.bulkId }),
                    references.allSatisfy({ pendingIds.contains($0) })
                {
                    next.append(operation)
                    continue
                }
                progressed = true
                let result = await run(operation, created: &created, resources: resources, session: session,
                    actor: actor, base: base)
                if case .object(let object) = result, let status = object["status"]?.stringValue,
                    let code = Int(status), code >= 400
                {
                    errors += 1
                }
                results[operation.index] = result
            }
            if !progressed {
                for operation in next {
                    results[operation.index] = Self.failure(
                        operation, ScimError(status: 409, .invalidValue, "bulkId references that never resolve"))
                    errors += 1
                }
                break
            }
            waiting = next
        }
        let ordered = results.keys.sorted().compactMap { results[$0] }
        return ScimResponses.json(["schemas": [.string(ScimURN.bulkResponse)], "Operations": .array(ordered)])
    }

    /// The bulkIds an operation refers to (`bulkId:x` anywhere in its path or data).
    private static func references(in operation: Operation) -> Set<String> {
        var found = Set<String>()
        func visit(_ value: JSONValue) {
            switch value {
            case .string(let text) where text.hasPrefix("bulkId:"): found.insert(String(text.dropFirst(7)))
            case .array(let items): items.forEach(visit)
            case .object(let object): object.values.forEach(visit)
            default: break
            }
        }
        if let data = operation.data { visit(data) }
        for part in operation.path.split(separator: "/") where part.hasPrefix("bulkId:") {
            found.insert(String(part.dropFirst(7)))
        }
        return found
    }

    private static func substitute(_ value: JSONValue, _ created: [String: String]) throws(ScimError) -> JSONValue {
        switch value {
        case .string(let text) where text.hasPrefix("bulkId:"):
            guard let id = created[String(text.dropFirst(7))] else {
                throw ScimError(status: 409, .invalidValue, "\(text) does not name a resource created in this request")
            }
            return .string(id)
        case .array(let items): return .array(try items.map { value throws(ScimError) in try substitute(value, created) })
        case .object(let object):
            var result: [String: JSONValue] = [:]
            for (key, item) in object { result[key] = try substitute(item, created) }
            return .object(result)
        default: return value
        }
    }

    private func run(
        _ operation: Operation, created: inout [String: String], resources: ScimResourcesController,
        session: ScimSession, actor: Actor, base: String
    ) async -> JSONValue {
        do {
            var parts = operation.path.split(separator: "/").map(String.init)
            for index in parts.indices where parts[index].hasPrefix("bulkId:") {
                guard let id = created[String(parts[index].dropFirst(7))] else {
                    throw ScimError(status: 409, .invalidValue, "\(parts[index]) does not name a created resource")
                }
                parts[index] = id
            }
            guard let first = parts.first, let type = ScimResourceType.all.first(where: { $0.endpoint == "/\(first)" })
            else { throw ScimError(status: 404, nil, "no resource type at \(operation.path)") }
            let data = try operation.data.map { value throws(ScimError) in try Self.substitute(value, created) }
            let body = data?.objectValue ?? [:]
            let stored: ScimStoredResource?
            switch (operation.method, parts.count) {
            case ("POST", 1):
                stored = try await resources.createResource(type, body, session: session, actor: actor)
                if let bulkId = operation.bulkId, let stored { created[bulkId] = stored.id }
            case ("PUT", 2):
                stored = try await resources.replaceResource(
                    type, id: parts[1], body, ifMatch: operation.version, includeMembers: false, session: session,
                    actor: actor)
            case ("PATCH", 2):
                stored = try await resources.patchResource(
                    type, id: parts[1], body, ifMatch: operation.version, includeMembers: false, session: session,
                    actor: actor)
            case ("DELETE", 2):
                try await store.deleteScimResource(
                    orgId: session.principal.orgId, type: type, id: parts[1], ifMatch: operation.version, actor: actor)
                stored = nil
            default:
                throw ScimError.badRequest(.invalidSyntax, "\(operation.method) \(operation.path) is not a bulk operation")
            }
            var result: [String: JSONValue] = ["method": .string(operation.method)]
            if let bulkId = operation.bulkId { result["bulkId"] = .string(bulkId) }
            if let stored {
                result["location"] = .string("\(base)\(type.endpoint)/\(stored.id)")
                result["version"] = .string(stored.etag)
                result["status"] = .string(operation.method == "POST" ? "201" : "200")
            } else {
                result["status"] = "204"
            }
            return .object(result)
        } catch let error as ScimError {
            return Self.failure(operation, error)
        } catch let error as HeraldError {
            return Self.failure(operation, ScimResponses.scimError(from: error))
        } catch {
            return Self.failure(operation, ScimError(status: 500, nil, "Internal server error"))
        }
    }

    private static func failure(_ operation: Operation, _ error: ScimError) -> JSONValue {
        var response: [String: JSONValue] = [
            "schemas": [.string(ScimURN.error)], "status": .string(String(error.status)), "detail": .string(error.detail),
        ]
        if let type = error.scimType { response["scimType"] = .string(type.rawValue) }
        var result: [String: JSONValue] = [
            "method": .string(operation.method), "status": .string(String(error.status)), "response": .object(response),
        ]
        if let bulkId = operation.bulkId { result["bulkId"] = .string(bulkId) }
        return .object(result)
    }
}

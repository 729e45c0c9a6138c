/// The `op` of a PATCH operation (RFC 7644 §3.5.2), exactly as the RFC spells it.
public enum ScimPatchOp: String, Sendable, Hashable, CaseIterable {
    case add, remove, replace
}

/// One decoded PATCH operation with its path parsed.
public struct ScimPatchOperation: Sendable, Hashable {
    public var op: ScimPatchOp
    /// Nil for a path-less operation (its target is the resource itself).
    public var path: ScimPatchPath?
    /// The `value` member; nil when absent. An explicit `null` is kept (`replace` with `null` clears the target:
    /// RFC 7643 §2.5 makes `null` and unassigned the same state).
    public var value: JSONValue?

    public init(_ op: ScimPatchOp, path: ScimPatchPath? = nil, value: JSONValue? = nil) {
        self.op = op
        self.path = path
        self.value = value
    }
}

/// A PATCH request body (RFC 7644 §3.5.2), decoded strictly; ``ScimQuirks/patchBody(_:type:)`` runs first and
/// rewrites what identity providers send instead.
public struct ScimPatchRequest: Sendable, Hashable {
    public var operations: [ScimPatchOperation]

    public init(operations: [ScimPatchOperation]) {
        self.operations = operations
    }

    /// Decodes a PATCH body. Member names (`schemas`, `Operations`, `op`, `path`, `value`) match case-insensitively,
    /// as SCIM attribute names do (RFC 7643 §2.1); `op` values must be `add`, `remove` or `replace` exactly.
    ///
    /// - Parameter allowsEmptyOperations: accept `"Operations": []` as a request with no operations (set it when
    ///   ``ScimQuirks`` reported ``ScimQuirkRule/emptyOperations``); otherwise it is 400 `invalidSyntax`.
    /// - Throws: 400 `invalidSyntax` (no PatchOp schema, `Operations` not a non-empty array of objects, an unknown
    ///   `op`), 400 `invalidPath` (a path that does not parse, with the parser's message), 400 `noTarget` (`remove`
    ///   without a path), 400 `invalidValue` (`add` or `replace` without a value, `add` with `null`).
    public static func decode(_ body: [String: JSONValue], allowsEmptyOperations: Bool = false) throws(ScimError)
        -> ScimPatchRequest
    {
        guard case .array(let schemas)? = body.scimField("schemas"),
            schemas.contains(where: { $0.stringValue.map { ScimURN.same($0, ScimURN.patchOp) } ?? false })
        else {
            throw .badRequest(.invalidSyntax, "schemas must contain \(ScimURN.patchOp)")
        }
        guard case .array(let list)? = body.scimField("Operations") else {
            throw .badRequest(.invalidSyntax, "Operations must be an array of operations")
        }
        if list.isEmpty, !allowsEmptyOperations {
            throw .badRequest(.invalidSyntax, "Operations must contain at least one operation")
        }
        var operations: [ScimPatchOperation] = []
        operations.reserveCapacity(list.count)
        for (index, element) in list.enumerated() {
            operations.append(try operation(element, label: "Operations[\(index)]"))
        }
        return ScimPatchRequest(operations: operations)
    }

    private static func operation(_ element: JSONValue, label: String) throws(ScimError) -> ScimPatchOperation {
        guard case .object(let fields) = element else {
            throw .badRequest(.invalidSyntax, "\(label) must be an object with op, path and value")
        }
        guard case .string(let name)? = fields.scimField("op"), let op = ScimPatchOp(rawValue: name) else {
            throw .badRequest(.invalidSyntax, "\(label).op must be \"add\", \"remove\" or \"replace\"")
        }
        var path: ScimPatchPath?
        switch fields.scimField("path") {
        case nil, .null?:
            path = nil
        case .string(let text)?:
            do {
                path = try ScimPatchPath.parse(text)
            } catch {
                throw .badRequest(.invalidPath, "\(label).path: \(error.message)")
            }
        case .some:
            throw .badRequest(.invalidPath, "\(label).path must be a string")
        }
        let value = fields.scimField("value")
        switch op {
        case .remove:
            guard path != nil else { throw .badRequest(.noTarget, "\(label): remove needs a path") }
        case .add:
            guard let value, value != .null else { throw .badRequest(.invalidValue, "\(label): add needs a value") }
        case .replace:
            guard value != nil else { throw .badRequest(.invalidValue, "\(label): replace needs a value") }
        }
        return ScimPatchOperation(op, path: path, value: value)
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The member named `name`: by its exact (canonical) key, else the first whose key matches ignoring ASCII case
    /// (SCIM attribute names are case-insensitive).
    func scimField(_ name: String) -> JSONValue? {
        if let value = self[name] { return value }
        return first { $0.key.equalsIgnoringASCIICase(name) }?.value
    }

    /// The key that matches `name` ignoring ASCII case, preferring the exact one.
    func scimKey(_ name: String) -> String? {
        if self[name] != nil { return name }
        return keys.first { $0.equalsIgnoringASCIICase(name) }
    }
}

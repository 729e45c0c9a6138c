/// Applies PATCH operations (RFC 7644 §3.5.2) to a stored resource, all or nothing.
///
/// Input and output are the stored form of ``ScimResourceNormalizer`` (no `id`, `meta`, `schemas`; a group without
/// `members`), and every value goes through the normalizer's type checks. The semantics:
/// - `add` with a path: a multi-valued attribute gets the new elements appended (exact duplicates skipped); a
///   complex single-valued one gets the sub-attributes merged in; a simple one is set. With `[filter]`, the matching
///   elements get the value merged in (or their `.sub` set).
/// - `replace` with a path: a multi-valued attribute is replaced entirely; a complex single-valued one gets the
///   given sub-attributes replaced and keeps the others (RFC 7644 §3.5.2.3); a simple one is set; `null` clears.
///   With `[filter]`, the matching elements are replaced (or their `.sub` set; `null` removes them); `attr.sub` on a
///   multi-valued attribute sets the sub-attribute of every element (400 `noTarget` when there is none).
/// - `add`/`replace` without a path: the value is an object of attributes (extension objects under their URN and
///   URN-qualified attribute names too), each applied as that operation with its path.
/// - `remove`: the attribute, a sub-attribute (of every element when multi-valued), the matching elements, or a
///   sub-attribute of the matching elements; removing what is absent or matches nothing is no error. `remove` with a
///   `value` on a multi-valued attribute is 400 `invalidValue` (it cannot mean "remove everything").
/// - `[filter]` on `add`/`replace` that matches nothing is 400 `noTarget`, unless the engine was made with
///   `createsMissingFilteredEntries` (Entra: `emails[type eq "work"].value` on a user without a work address).
/// - Mutability: read-only attributes (`id`, `meta`, `groups`, `manager.displayName`) named by a path or a path-less
///   key are 400 `mutability`; an `immutable` attribute can only be given a value while it has none.
/// - Attributes no schema defines, extensions the type does not have and the write-only `password` are ignored,
///   as in POST and PUT bodies.
/// - Removing a required attribute (`userName`, a group's `displayName`) fails the request with 400 `invalidValue`
///   once all operations ran (so `remove` then `add` of `userName` in one request is fine): RFC 7643 §2.2 says a
///   required attribute must have a value, and the PATCH is judged by the resource it produces.
/// - A group's `members` (a path's attribute, or a key of a path-less value) become ``ScimMemberChange``s; the
///   resource never holds them, and no change costs more than the members it names.
public struct ScimPatchEngine: Sendable {
    public let resourceType: ScimResourceType
    /// Whether `add`/`replace` on a `[filter]` that matches no element creates one from the filter's `eq` terms
    /// (``ScimQuirkRule/filteredEntryCreated``) instead of failing with `noTarget`.
    public let createsMissingFilteredEntries: Bool
    let normalizer: ScimResourceNormalizer

    public init(_ type: ScimResourceType, createsMissingFilteredEntries: Bool = false) {
        self.resourceType = type
        self.createsMissingFilteredEntries = createsMissingFilteredEntries
        self.normalizer = ScimResourceNormalizer(type)
    }

    /// Applies `operations` in order to a copy of `resource`. - Throws: the first operation's error (nothing is
    /// applied), or 400 `invalidValue` when the result lacks a required attribute.
    public func apply(_ operations: [ScimPatchOperation], to resource: [String: JSONValue]) throws(ScimError)
        -> ScimPatchResult
    {
        var session = PatchSession(engine: self, resource: resource)
        for (index, operation) in operations.enumerated() {
            do {
                try session.apply(operation)
            } catch {
                throw ScimError(status: error.status, error.scimType, "Operations[\(index)]: \(error.detail)")
            }
        }
        if !operations.isEmpty { try normalizer.checkRequired(session.resource) }
        return ScimPatchResult(
            resource: session.resource, memberChanges: session.memberChanges, firedRules: session.firedRules)
    }
}

/// The working state of one ``ScimPatchEngine/apply(_:to:)``: a copy of the resource and what the operations
/// produced so far.
struct PatchSession {
    let engine: ScimPatchEngine
    var resource: [String: JSONValue]
    var memberChanges: [ScimMemberChange] = []
    var firedRules: [ScimQuirkRule] = []

    init(engine: ScimPatchEngine, resource: [String: JSONValue]) {
        self.engine = engine
        self.resource = resource
    }

    mutating func apply(_ operation: ScimPatchOperation) throws(ScimError) {
        if let path = operation.path {
            try apply(operation.op, to: try engine.target(of: path), value: operation.value)
            return
        }
        guard operation.op != .remove else { throw .badRequest(.noTarget, "remove needs a path") }
        guard case .object(let attributes)? = operation.value else {
            throw .badRequest(.invalidValue, "\(operation.op.rawValue) without a path needs an object of attributes")
        }
        // Sorted so that an extension object (`urn:…:User`) applies before its URN-qualified attributes
        // (`urn:…:User:department`), and the outcome never depends on dictionary order.
        for key in attributes.keys.sorted() {
            guard let value = attributes[key] else { continue }
            try apply(operation.op, to: try engine.target(ofKey: key), value: value, pathless: true)
        }
    }

    /// - Parameter pathless: the value came as one key of a path-less value, where `null` means "no value given".
    mutating func apply(_ op: ScimPatchOp, to target: PatchTarget, value: JSONValue?, pathless: Bool = false)
        throws(ScimError)
    {
        switch target {
        case .ignored:
            return
        case .members(let filter, let subAttribute):
            if let change = try engine.memberChange(op, filter: filter, subAttribute: subAttribute, value: value) {
                record(change)
            }
        case .extensionObject(let schema):
            try apply(op, toExtension: schema, value: value)
        case .attribute(let location):
            if pathless, op == .add, value == .null { return }
            try apply(op, at: location, value: value)
        }
    }

    private mutating func apply(_ op: ScimPatchOp, toExtension schema: ScimSchema, value: JSONValue?)
        throws(ScimError)
    {
        if op == .remove || value == .null {
            if op != .add { resource[schema.id] = nil }
            return
        }
        guard case .object(let attributes)? = value else {
            throw .badRequest(.invalidValue, "\(schema.id) must be an object of that extension's attributes")
        }
        for key in attributes.keys.sorted() {
            guard let member = attributes[key] else { continue }
            try apply(op, to: try engine.target(ofKey: key, in: schema), value: member, pathless: true)
        }
    }

    /// Appends a membership change, merging it into the previous one when both add or both remove by id.
    private mutating func record(_ change: ScimMemberChange) {
        switch (memberChanges.last, change) {
        case (.add(let earlier)?, .add(let later)):
            memberChanges[memberChanges.count - 1] = .add(earlier + later)
        case (.remove(let earlier)?, .remove(let later)):
            memberChanges[memberChanges.count - 1] = .remove(ids: earlier + later)
        default:
            memberChanges.append(change)
        }
    }

    mutating func fire(_ rule: ScimQuirkRule) {
        if !firedRules.contains(rule) { firedRules.append(rule) }
    }
}

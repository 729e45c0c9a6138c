/// What ``ScimPatchEngine/apply(_:to:)`` computed: the new stored attributes, the membership changes for the store
/// to carry out, and the tolerant rules that fired inside the engine.
public struct ScimPatchResult: Sendable, Hashable {
    /// The stored form (``ScimResourceNormalizer``) after every operation; a group's has no `members`.
    public var resource: [String: JSONValue]
    /// A group's membership changes, in request order (consecutive adds and consecutive id removals coalesced).
    public var memberChanges: [ScimMemberChange]
    /// Rules of the tolerant layer applied by the engine (``ScimQuirkRule/filteredEntryCreated``), each once.
    public var firedRules: [ScimQuirkRule]

    public init(
        resource: [String: JSONValue], memberChanges: [ScimMemberChange] = [], firedRules: [ScimQuirkRule] = []
    ) {
        self.resource = resource
        self.memberChanges = memberChanges
        self.firedRules = firedRules
    }
}

/// One change to a group's membership, which lives in its own table and is never materialized for a PATCH.
public enum ScimMemberChange: Sendable, Hashable {
    /// Add these members (already-present ones stay as they are).
    case add([ScimMember])
    /// Make these the whole membership (`[]` clears it).
    case replace([ScimMember])
    /// Remove every member (`remove` with path `members`).
    case removeAll
    /// Remove the members with these ids (`members[value eq "a" or value eq "b"]`); absent ids are no error.
    case remove(ids: [String])
    /// Remove the members matching a filter whose attribute names are relative to a member (`value`, `type`,
    /// `display`, `$ref`); evaluate it on member rows with
    /// ``ScimFilterEvaluator/matches(_:element:of:)`` and the Group schema's `members` attribute.
    case removeMatching(ScimFilter)
}

/// A member of a group as a client names it: the member's id, and optionally its type and display name.
public struct ScimMember: Sendable, Hashable {
    /// The member resource's `id`.
    public var value: String
    /// `User` or `Group`; nil when the client did not say (Okta never does) and the store has to look it up.
    public var type: String?
    public var display: String?

    public init(value: String, type: String? = nil, display: String? = nil) {
        self.value = value
        self.type = type
        self.display = display
    }
}

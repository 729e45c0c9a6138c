/// One rule of the tolerant layer (``ScimQuirks``, and the one the PATCH engine applies): what identity providers
/// send that strict RFC 7643/7644 handling would refuse or misread, and what Herald does instead. The raw value is
/// the stable name written to the SCIM request log.
public enum ScimQuirkRule: String, Sendable, Hashable, CaseIterable {
    /// Entra's `"op": "Add" | "Replace" | "Remove"` → lower case.
    case capitalizedOp = "capitalized_op"
    /// `"True"`/`"False"` (any case) → a boolean, only where the attribute is boolean (`active`, `emails.primary`).
    case booleanString = "boolean_string"
    /// Path-less `add`/`replace` keys `name.givenName`, `urn:…:User:employeeNumber`, `urn:…:User:manager.value` →
    /// nested objects.
    case pathlessKeysExpanded = "pathless_keys_expanded"
    /// Entra's `{"op":"Remove","path":"members","value":[{"value":"id"}]}` → remove those members (not all of them).
    case memberRemoveValueArray = "member_remove_value_array"
    /// `"$ref": null` in a member or manager object → dropped.
    case nullReferenceDropped = "null_ref_dropped"
    /// The enterprise `manager` as a bare id string → `{"value": id}`.
    case managerString = "manager_string"
    /// Microsoft's validator's `"Operations": []` → a PATCH that changes nothing.
    case emptyOperations = "empty_operations"
    /// `add`/`replace` on `emails[type eq "work"].value` (or another `[eq …]` path) that matches no element →
    /// the element is created from the filter's `eq` terms (applied by ``ScimPatchEngine``).
    case filteredEntryCreated = "filtered_entry_created"
    /// Okta's path-less `{"op":"replace","value":{"active":false}}` (RFC-valid; recorded for the log only).
    case oktaPathlessActiveReplace = "okta_pathless_active_replace"
    /// Okta's `replace` of `members` with `[]`: the membership is cleared (RFC-valid; recorded for the log only).
    case memberReplaceEmpty = "member_replace_empty"
    /// Members without `type` (Okta): the store looks the type up (recorded for the log only).
    case memberWithoutType = "member_without_type"
    /// OneLogin's `urn:scim:schemas:core:1.0|2.0` and `urn:scim:schemas:extension:enterprise:1.0|2.0` → the
    /// RFC 7643 URNs, in `schemas`, as extension keys and as path prefixes.
    case legacySchemaURN = "legacy_schema_urn"
    /// Read-only attributes (`id`, `meta`, `groups`) inside a path-less `add`/`replace` value → dropped (Okta's
    /// group rename sends `id`).
    case readOnlyInValueIgnored = "readonly_in_value_ignored"
}

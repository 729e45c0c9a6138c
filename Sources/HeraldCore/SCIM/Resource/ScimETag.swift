import Foundation

/// Weak entity tags of SCIM resources (RFC 7644 §3.14, RFC 9110 §13.1): `W/"<version>"`.
public enum ScimETag {
    /// Whether an `If-Match` / `If-None-Match` header value names this version (`*` names every version).
    /// Weak comparison: `W/"3"` and `"3"` both name version 3.
    public static func matches(_ header: String, version: Int) -> Bool {
        for part in header.split(separator: ",") {
            var tag = part.trimmingCharacters(in: .whitespaces)
            if tag == "*" { return true }
            if tag.hasPrefix("W/") || tag.hasPrefix("w/") { tag.removeFirst(2) }
            if tag == "\"\(version)\"" { return true }
        }
        return false
    }
}

import Foundation

/// Opaque identifiers for stored records.
public enum Identifier {
    /// A new random identifier (a lowercase UUID).
    public static func make() -> String {
        UUID().uuidString.lowercased()
    }
}

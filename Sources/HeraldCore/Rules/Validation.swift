/// Input rules shared by every entry point (API, CLI).
public enum Validation {
    /// Maximum length of names and display names.
    public static let maxNameLength = 100

    /// Checks an organization slug: `[a-z0-9-]{2,50}`.
    public static func slug(_ value: String, field: String = "slug") throws {
        guard (2...50).contains(value.count),
            value.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") })
        else {
            throw HeraldError.invalid(field, "\(field) must be 2 to 50 characters of a-z, 0-9 and '-'")
        }
    }

    /// Checks a human-readable name: 1 to 100 characters, not blank, no control characters.
    public static func name(_ value: String, field: String = "name") throws {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw HeraldError.invalid(field, "\(field) must not be empty")
        }
        guard value.count <= maxNameLength else {
            throw HeraldError.invalid(field, "\(field) must be at most \(maxNameLength) characters")
        }
        guard !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw HeraldError.invalid(field, "\(field) must not contain control characters")
        }
    }

    /// Checks and normalises an email address (lowercased; one `@`, a dotted or local domain, no spaces).
    /// - Returns: the address in lower case.
    public static func email(_ value: String, field: String = "email") throws -> String {
        let address = value.lowercased()
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard address.count <= 254, parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
            parts[0].count <= 64,
            !address.unicodeScalars.contains(where: {
                $0.properties.isWhitespace || $0.properties.generalCategory == .control || "<>(),;:\\\"[]".unicodeScalars.contains($0)
            }),
            !parts[1].hasPrefix("."), !parts[1].hasSuffix("."), !parts[1].contains("..")
        else {
            throw HeraldError.invalid(field, "\(field) must be an email address")
        }
        return address
    }

    /// Checks an optional non-negative limit.
    public static func limit(_ value: Int?, field: String) throws {
        if let value, value < 0 { throw HeraldError.invalid(field, "\(field) must be 0 or more") }
    }

    /// Checks a client-chosen identifier (tiers): 1 to 64 characters of `[A-Za-z0-9_-]`.
    public static func identifier(_ value: String, field: String) throws {
        guard (1...64).contains(value.count),
            value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else {
            throw HeraldError.invalid(field, "\(field) must be 1 to 64 characters of A-Z, a-z, 0-9, '-' and '_'")
        }
    }
}

/// How serious an event is, in rising order.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case info, low, medium, high, critical

    public static func < (lhs: Severity, rhs: Severity) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .info: 0
        case .low: 1
        case .medium: 2
        case .high: 3
        case .critical: 4
        }
    }
}

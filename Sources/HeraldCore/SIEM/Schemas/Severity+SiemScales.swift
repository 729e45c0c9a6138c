/// Herald's five severities on the numeric scales of the SIEM schemas.
extension Severity {
    /// OCSF `severity_id` (and ECS `event.severity`): 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical.
    var ocsfSeverityID: Int {
        switch self {
        case .info: 1
        case .low: 2
        case .medium: 3
        case .high: 4
        case .critical: 5
        }
    }

    /// OCSF's caption of ``ocsfSeverityID`` (the `severity` sibling).
    var ocsfCaption: String {
        switch self {
        case .info: "Informational"
        case .low: "Low"
        case .medium: "Medium"
        case .high: "High"
        case .critical: "Critical"
        }
    }

    /// The 0-10 scale of CEF's header and LEEF's `sev`, in the middle or top of the documented bands
    /// (0-3 Low, 4-6 Medium, 7-8 High, 9-10 Very-High): info 1, low 3, medium 5, high 8, critical 10.
    var tenPointScore: Int {
        switch self {
        case .info: 1
        case .low: 3
        case .medium: 5
        case .high: 8
        case .critical: 10
        }
    }
}

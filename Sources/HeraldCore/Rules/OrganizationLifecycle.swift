/// The platform owner's lifecycle actions on an organization and the states they are allowed from.
public enum OrganizationTransition: String, Sendable, CaseIterable {
    case approve, reject, suspend, activate

    /// The state the organization must be in.
    public var from: OrganizationStatus {
        switch self {
        case .approve, .reject: .pending
        case .suspend: .active
        case .activate: .suspended
        }
    }

    /// The state the organization ends in.
    public var to: OrganizationStatus {
        switch self {
        case .approve, .activate: .active
        case .reject: .rejected
        case .suspend: .suspended
        }
    }

    /// The event the transition records.
    public var eventType: EventType {
        switch self {
        case .approve: .organizationApproved
        case .reject: .organizationRejected
        case .suspend: .organizationSuspended
        case .activate: .organizationActivated
        }
    }

    /// Checks that the transition is allowed from `current`.
    /// - Throws: `HeraldError` `invalid_state` (400) naming the current state.
    public func check(from current: OrganizationStatus) throws {
        guard current == from else {
            throw HeraldError(
                .invalidState,
                "Organization is not in \(from.rawValue) status (current status: \(current.rawValue))",
                field: "status")
        }
    }
}

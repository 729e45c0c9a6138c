/// What an event records, as the SIEM schemas classify it: one action per event type, shared by every mapping so
/// that OCSF, ECS, CEF and LEEF agree on what an event is.
///
/// The action decides the OCSF class and activity, the ECS category and type, and the CEF/LEEF category.
enum SiemEventAction: Sendable, Hashable {
    // Authentication (`auth.login.*`, `auth.logout`, `auth.mfa.succeeded|failed`, other `auth.*`).
    case logon
    case logoff
    /// An MFA challenge, which is a step of a logon.
    case mfaChallenge
    case otherAuthentication

    // Changes to a user or membership.
    case accountCreate
    case accountEnable
    case accountDisable
    case accountDelete
    case mfaEnable
    case mfaDisable
    case otherAccountChange

    /// A finding of the risk engine (`risk.*`).
    case detection

    // Every other event: an administrative change, classified by the verb at the end of its type.
    case create
    case read
    case update
    case delete
    case other

    /// The broad kind of an action: the CEF and LEEF `cat`.
    enum Kind: String, Sendable, Hashable {
        case authentication
        case account
        case risk
        case admin
    }

    var kind: Kind {
        switch self {
        case .logon, .logoff, .mfaChallenge, .otherAuthentication: .authentication
        case .accountCreate, .accountEnable, .accountDisable, .accountDelete, .mfaEnable, .mfaDisable,
            .otherAccountChange:
            .account
        case .detection: .risk
        case .create, .read, .update, .delete, .other: .admin
        }
    }

    /// The action of an event type.
    init(type: String) {
        if type.hasPrefix("risk.") {
            self = .detection
        } else if type.hasPrefix("auth.") {
            self = Self.authAction(type)
        } else if let action = Self.accountActions[type] {
            self = action
        } else if type.hasPrefix("member.") || type.hasPrefix("directory.user.") {
            self = .otherAccountChange
        } else {
            self = Self.adminAction(type)
        }
    }

    /// The last word of a type: `auth.login.succeeded` → `succeeded`, `organization.tier_updated` → `updated`.
    static func verb(of type: String) -> Substring {
        let segment = type.split(separator: ".").last ?? Substring(type)
        return segment.split(separator: "_").last ?? segment
    }

    private static func authAction(_ type: String) -> SiemEventAction {
        if type.hasPrefix("auth.login.") { return .logon }
        if type == "auth.logout" || type.hasPrefix("auth.logout.") { return .logoff }
        switch type {
        case "auth.mfa.succeeded", "auth.mfa.failed": return .mfaChallenge
        case "auth.mfa.enrolled": return .mfaEnable
        case "auth.mfa.disabled": return .mfaDisable
        default: return type.hasPrefix("auth.mfa.") ? .otherAccountChange : .otherAuthentication
        }
    }

    /// Herald's changes to users and memberships that have an activity of their own.
    private static let accountActions: [String: SiemEventAction] = [
        "member.added": .accountCreate,
        "member.removed": .accountDelete,
        "member.role_updated": .otherAccountChange,
        "invitation.accepted": .accountCreate,
        "directory.user.created": .accountCreate,
        "directory.user.updated": .otherAccountChange,
        "directory.user.deactivated": .accountDisable,
        "directory.user.reactivated": .accountEnable,
        "directory.user.deleted": .accountDelete,
        "user.mfa_force_disabled": .mfaDisable,
        "platform.owner_promoted": .otherAccountChange,
        "platform.owner_demoted": .otherAccountChange,
    ]

    /// Create, read, update or delete from the verb; adding or removing members of a resource
    /// (`directory.group.user_added`) updates that resource.
    private static func adminAction(_ type: String) -> SiemEventAction {
        let segment = type.split(separator: ".").last ?? Substring(type)
        let verb = verb(of: type)
        if segment.contains("_"), verb == "added" || verb == "removed" { return .update }
        return switch verb {
        case "created", "added", "generated": .create
        case "read", "viewed", "listed", "exported", "revealed": .read
        case "updated", "changed", "rotated", "enabled", "disabled", "paused", "resumed", "approved", "rejected",
            "suspended", "activated", "deactivated", "reactivated", "transferred", "promoted", "demoted", "revoked",
            "accepted":
            .update
        case "deleted", "removed": .delete
        default: .other
        }
    }
}

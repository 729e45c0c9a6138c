import Foundation

/// Herald events as Elastic Common Schema documents (ECS 8.17), with the categorization values the ECS spec allows
/// (`event.kind` event/alert; `event.category` and `event.type` from its allowed lists, in expected pairs).
///
/// `user` is who acted (the admin, or for ingested events the user who signed in); `user.target` is the user an
/// admin action was about. The event's `data` goes to `herald.data`.
public enum ECSEventMapping {
    /// The ECS version the documents follow (`ecs.version`).
    public static let ecsVersion = "8.17.0"
    /// Bumped when a field is added, renamed or changes meaning.
    public static let mappingVersion = "1"

    /// The event as an ECS document (nested objects, not dotted keys).
    public static func render(_ event: Event, producer: SiemProducer) -> [String: JSONValue] {
        let traits = SiemEventTraits(event)
        let (categories, types) = categorization(traits.action, type: event.type)
        let eventObject: [String: JSONValue] = [
            "id": .string(event.id),
            "kind": traits.action == .detection ? "alert" : "event",
            "category": .array(categories.map(JSONValue.string)),
            "type": .array(types.map(JSONValue.string)),
            "action": .string(event.type),
            "outcome": .string(traits.outcome.rawValue),
            "severity": .number(Double(event.severity.ocsfSeverityID)),
            "created": .string(SiemTime.iso8601(event.createdAt)),
            "module": "herald",
            "dataset": .string(dataset(event.type)),
        ]
        var document: [String: JSONValue] = [
            "@timestamp": .string(SiemTime.iso8601(event.occurredAt)),
            "ecs": ["version": .string(ecsVersion)],
            "event": .object(eventObject),
            "message": .string(traits.description),
            "observer": [
                "vendor": .string(producer.vendor), "product": .string(producer.product),
                "version": .string(producer.version),
            ],
        ]
        if let orgId = event.orgId { document["organization"] = ["id": .string(orgId)] }

        let performer = traits.actor ?? traits.subject
        var user = performer.map(fields) ?? [:]
        if traits.actor != nil, let subject = traits.subject, subject != traits.actor {
            user["target"] = .object(fields(subject))
        }
        if !user.isEmpty { document["user"] = .object(user) }
        if let ip = traits.ipAddress { document["source"] = ["ip": .string(ip)] }
        if let agent = event.userAgent { document["user_agent"] = ["original": .string(agent)] }

        var related: [String: JSONValue] = [:]
        let people = [traits.actor, traits.subject].compactMap { $0 }
        let handles = people.flatMap { [$0.id, $0.email, $0.name].compactMap { $0 } }
        var seen = Set<String>()
        let unique = handles.filter { seen.insert($0).inserted }
        if !unique.isEmpty { related["user"] = .array(unique.map(JSONValue.string)) }
        if let ip = traits.ipAddress { related["ip"] = [.string(ip)] }
        if !related.isEmpty { document["related"] = .object(related) }

        var herald: [String: JSONValue] = ["severity": .string(event.severity.rawValue)]
        if !event.data.isEmpty { herald["data"] = .object(event.data) }
        var target: [String: JSONValue] = [:]
        target["type"] = event.targetType.map(JSONValue.string)
        target["id"] = event.targetId.map(JSONValue.string)
        if !target.isEmpty { herald["target"] = .object(target) }
        document["herald"] = .object(herald)
        return document
    }

    private static func fields(_ person: SiemEventTraits.Person) -> [String: JSONValue] {
        var user: [String: JSONValue] = [:]
        user["id"] = person.id.map(JSONValue.string)
        user["email"] = person.email.map(JSONValue.string)
        user["name"] = person.name.map(JSONValue.string)
        return user
    }

    /// `herald.audit` for Herald's own events, `herald.auth`/`herald.risk`/`herald.<prefix>` for ingested ones.
    private static func dataset(_ type: String) -> String {
        guard SiemEventTraits.isIngested(type), let prefix = type.split(separator: ".").first else {
            return "herald.audit"
        }
        return "herald.\(prefix)"
    }

    /// `event.category` and `event.type`, each from ECS's allowed values and in a pair the spec expects.
    static func categorization(_ action: SiemEventAction, type: String) -> (category: [String], type: [String]) {
        switch action {
        case .logon: return (["authentication", "session"], ["start"])
        case .logoff: return (["authentication", "session"], ["end"])
        case .mfaChallenge, .otherAuthentication: return (["authentication"], ["info"])
        case .accountCreate: return (["iam"], ["user", "creation"])
        case .accountDelete: return (["iam"], ["user", "deletion"])
        case .accountEnable, .accountDisable, .mfaEnable, .mfaDisable, .otherAccountChange:
            return (["iam"], ["user", "change"])
        case .detection: return (["intrusion_detection"], ["info"])
        case .create, .read, .update, .delete, .other:
            if type.hasPrefix("apikey.") || type.hasPrefix("scim.token.") {
                return (["iam"], ["admin", iamType(action)])
            }
            if type.hasPrefix("directory.group.") { return (["iam"], ["group", iamType(action)]) }
            if type.hasPrefix("mail.") { return (["network"], ["info"]) }
            return (["configuration"], [configurationType(action)])
        }
    }

    /// The activity type among those ECS expects for `iam`: creation, change, deletion, info.
    private static func iamType(_ action: SiemEventAction) -> String {
        switch action {
        case .create: "creation"
        case .update: "change"
        case .delete: "deletion"
        default: "info"
        }
    }

    /// The activity type among those ECS expects for `configuration`: access, change, creation, deletion, info.
    private static func configurationType(_ action: SiemEventAction) -> String {
        action == .read ? "access" : iamType(action)
    }
}

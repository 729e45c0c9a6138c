import Foundation

/// What the SIEM mappings read from an event beyond its columns: its action, outcome, the people it names, a
/// description and a valid client address.
///
/// Every schema derives its fields from the same traits, so a login failure is a failure in all of them.
struct SiemEventTraits: Sendable, Hashable {
    /// Whether the recorded thing succeeded.
    enum Outcome: String, Sendable, Hashable {
        case success, failure, unknown
    }

    /// A person an event names: the actor who did it, or the subject user it is about.
    struct Person: Sendable, Hashable {
        var id: String?
        /// An address that has the shape of an email address (OCSF `email_t`).
        var email: String?
        /// A login name, or an "email" that is not one (the CLI's `system` actor).
        var name: String?

        /// A person from an id and an address; `nil` when both are missing or empty.
        init?(id: String?, address: String?, name: String? = nil) {
            let id = id.flatMap { $0.isEmpty ? nil : $0 }
            let address = address.flatMap { $0.isEmpty ? nil : $0 }
            let name = name.flatMap { $0.isEmpty ? nil : $0 }
            guard id != nil || address != nil || name != nil else { return nil }
            self.id = id
            if let address, SiemEventTraits.isEmailAddress(address) {
                self.email = address
                self.name = name
            } else {
                self.email = nil
                self.name = name ?? address
            }
        }

        /// The most readable handle: the email, else the name, else the id.
        var handle: String { email ?? name ?? id ?? "" }
    }

    var action: SiemEventAction
    var outcome: Outcome
    /// Who did it (the admin, the SCIM client's token owner, `system`); nil for ingested events.
    var actor: Person?
    /// The user the event is about: the one who signed in, the member added, the directory user deactivated.
    var subject: Person?
    /// A sentence from the event catalogue, or a readable form of the type for types it does not list.
    var description: String
    /// The type with its dots and underscores as spaces: `auth login succeeded`.
    var title: String
    /// The client address when it is a valid IPv4 or IPv6 address (address fields are typed in every schema).
    var ipAddress: String?
    var isIPv6: Bool

    init(_ event: Event) {
        action = SiemEventAction(type: event.type)
        outcome = Self.outcome(of: event.type)
        actor = Person(id: event.actorId, address: event.actorEmail)
        subject = Self.subject(of: event)
        title = String(event.type.map { $0 == "." || $0 == "_" ? " " : $0 })
        description = Self.descriptions[event.type] ?? title
        if let text = event.ipAddress, let bytes = CIDR.parseAddress(text) {
            ipAddress = text
            isIPv6 = bytes.count == 16
        } else {
            ipAddress = nil
            isIPv6 = false
        }
    }

    /// Whether the event was ingested from the SSO core rather than recorded by Herald.
    static func isIngested(_ type: String) -> Bool { EventType(type).isIngestible }

    private static let failureVerbs: Set<Substring> = ["failed", "failure", "bounced", "error", "denied"]
    private static let successVerbs: Set<Substring> = ["succeeded", "success"]

    private static func outcome(of type: String) -> Outcome {
        let verb = SiemEventAction.verb(of: type)
        if failureVerbs.contains(verb) { return .failure }
        if successVerbs.contains(verb) { return .success }
        // A risk finding has no outcome; a login whose type names none is unknown. Anything else that was recorded
        // happened.
        if type.hasPrefix("risk.") || type.hasPrefix("auth.login.") { return .unknown }
        return .success
    }

    /// The user an event is about, from the event's own user columns (ingested events), or its user target and data.
    private static func subject(of event: Event) -> Person? {
        if let person = Person(id: event.userId, address: event.email) { return person }
        let data = event.data
        if event.targetType == "directory_user" || event.type.hasPrefix("directory.user.") {
            let resource = data["resource"]?.objectValue ?? [:]
            return Person(
                id: event.targetId ?? resource["id"]?.stringValue, address: nil,
                name: resource["userName"]?.stringValue)
        }
        if event.targetType == "user" || SiemEventAction(type: event.type).kind == .account {
            return Person(
                id: event.targetType == "user" ? event.targetId ?? data["user_id"]?.stringValue
                    : data["user_id"]?.stringValue,
                address: data["email"]?.stringValue)
        }
        return nil
    }

    /// Whether a string has the shape OCSF's `email_t` asks for: an ASCII local part, `@`, and a dotted domain.
    static func isEmailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, let local = parts.first, let domain = parts.last, !local.isEmpty,
            domain.count >= 3, let dot = domain.dropFirst().firstIndex(of: "."), dot < domain.index(before: domain.endIndex)
        else { return false }
        let localAllowed = Set("!#$%&'*+-/=?^_`{|}~.")
        return local.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || localAllowed.contains($0)) }
            && domain.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }
    }

    /// The catalogue's descriptions, without the `Ingested: ` prefix.
    private static let descriptions: [String: String] = {
        var result: [String: String] = [:]
        for entry in EventCatalogue.entries {
            var text = Substring(entry.description)
            if text.hasPrefix("Ingested: ") {
                text = text.dropFirst("Ingested: ".count)
                if let first = text.first { text = Substring(first.uppercased()) + text.dropFirst() }
            }
            result[entry.type] = String(text)
        }
        return result
    }()
}

import Foundation

/// Herald events as IBM QRadar LEEF 2.0 lines with a tab between attributes:
/// `LEEF:2.0|Vendor|Product|Version|<type>|x09|devTime=…<tab>devTimeFormat=…<tab>sev=…`.
///
/// LEEF defines no escape sequences: a header field has its `|` and control characters replaced by spaces, and a
/// value its tabs (the delimiter) and line breaks replaced by spaces. `=` is kept in values: a key ends at the
/// first `=` of its attribute, and Herald's keys have none.
public enum LEEFEventFormatter {
    /// Bumped when a field is added, renamed or changes meaning.
    public static let mappingVersion = "1"

    /// The attribute delimiter, as the header names it (hex for the tab character).
    static let delimiterField = "x09"
    static let delimiter = "\t"

    /// The event as one LEEF line (no trailing newline).
    public static func format(_ event: Event, producer: SiemProducer) -> String {
        let traits = SiemEventTraits(event)
        let header = [
            "LEEF:2.0",
            headerField(producer.vendor),
            headerField(producer.product),
            headerField(producer.version),
            headerField(event.type),
            delimiterField,
        ]
        let attributes = attributes(event, traits).map { "\($0.key)=\(value($0.value))" }
        return header.joined(separator: "|") + "|" + attributes.joined(separator: delimiter)
    }

    /// The attributes' keys and (unsanitised) values, in a fixed order: LEEF's predefined keys first, then
    /// Herald's own.
    static func attributes(_ event: Event, _ traits: SiemEventTraits) -> [(key: String, value: String)] {
        var fields: [(key: String, value: String)] = [
            ("devTime", SiemTime.leef(event.occurredAt)),
            ("devTimeFormat", SiemTime.leefFormat),
            ("sev", String(event.severity.tenPointScore)),
            ("cat", traits.action.kind.rawValue),
        ]
        func add(_ key: String, _ value: String?) {
            if let value, !value.isEmpty { fields.append((key, value)) }
        }
        // usrName is the user the event is about (who signed in), else who acted.
        add("usrName", (traits.subject ?? traits.actor)?.handle)
        add("src", traits.ipAddress)
        if event.type == "auth.login.succeeded" { add("isLoginEvent", "true") }
        if traits.action == .logoff { add("isLogoutEvent", "true") }
        add("externalId", event.id)
        add("eventType", event.type)
        add("outcome", traits.outcome.rawValue)
        add("orgId", event.orgId)
        add("userId", traits.subject?.id)
        add("userEmail", traits.subject?.email)
        add("actorId", traits.actor?.id)
        add("actorName", traits.actor.map { $0.email ?? $0.name ?? "" })
        add("targetType", event.targetType)
        add("targetId", event.targetId)
        add("userAgent", event.userAgent)
        add("msg", traits.description)
        if !event.data.isEmpty {
            add("data", String(decoding: JSONValue.object(event.data).serialized(sortedKeys: true), as: UTF8.self))
        }
        return fields
    }

    /// A header field with `|` and control characters as spaces.
    static func headerField(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "|" || isControl($0) ? " " : $0 }))
    }

    /// A value with tabs, line breaks and other control characters as spaces.
    static func value(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? " " : $0 }))
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }
}

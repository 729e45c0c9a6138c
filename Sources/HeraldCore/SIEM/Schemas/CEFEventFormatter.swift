import Foundation

/// Herald events as ArcSight Common Event Format lines:
/// `CEF:0|Vendor|Product|Version|<type>|<name>|<severity 0-10>|<extension>`.
///
/// Header fields are cut to CEF's lengths (vendor and product 63, version 31, event class id 1023, name 512) and
/// escape `\` and `|`; a line break in a header field becomes a space. Extension values escape `\` and `=`, and
/// write line breaks as `\n` and `\r`.
public enum CEFEventFormatter {
    /// Bumped when a field is added, renamed or changes meaning.
    public static let mappingVersion = "1"

    /// CEF's maximum lengths of the header fields, in characters.
    enum HeaderLimit {
        static let vendor = 63
        static let product = 63
        static let version = 31
        static let eventClassID = 1023
        static let name = 512
    }

    /// The event as one CEF line (no trailing newline).
    public static func format(_ event: Event, producer: SiemProducer) -> String {
        let traits = SiemEventTraits(event)
        let header = [
            "CEF:0",
            headerField(producer.vendor, limit: HeaderLimit.vendor),
            headerField(producer.product, limit: HeaderLimit.product),
            headerField(producer.version, limit: HeaderLimit.version),
            headerField(event.type, limit: HeaderLimit.eventClassID),
            headerField(traits.title, limit: HeaderLimit.name),
            String(event.severity.tenPointScore),
        ]
        let fields = extensionFields(event, traits)
        let extensionText = fields.map { "\($0.key)=\(extensionValue($0.value))" }.joined(separator: " ")
        return header.joined(separator: "|") + "|" + extensionText
    }

    /// The extension's keys and (unescaped) values, in a fixed order.
    static func extensionFields(_ event: Event, _ traits: SiemEventTraits) -> [(key: String, value: String)] {
        var fields: [(key: String, value: String)] = [
            ("rt", String(SiemTime.milliseconds(event.occurredAt))),
            ("externalId", event.id),
            ("cat", traits.action.kind.rawValue),
            ("act", event.type),
            ("outcome", traits.outcome.rawValue),
        ]
        func add(_ key: String, _ value: String?) {
            if let value, !value.isEmpty { fields.append((key, value)) }
        }
        add("suser", traits.actor.map { $0.email ?? $0.name ?? "" })
        add("suid", traits.actor?.id)
        add("duser", traits.subject.map { $0.email ?? $0.name ?? "" })
        add("duid", traits.subject?.id)
        if let ip = traits.ipAddress {
            // `src` is an IPv4 address; CEF's IPv6 source is the custom address field c6a2.
            if traits.isIPv6 {
                add("c6a2Label", "Source IPv6 Address")
                add("c6a2", ip)
            } else {
                add("src", ip)
            }
        }
        add("requestClientApplication", event.userAgent)
        if let orgId = event.orgId {
            add("cs1Label", "org_id")
            add("cs1", orgId)
        }
        if let targetType = event.targetType {
            add("cs2Label", "target_type")
            add("cs2", targetType)
        }
        if let targetId = event.targetId {
            add("cs3Label", "target_id")
            add("cs3", targetId)
        }
        add("msg", traits.description)
        if !event.data.isEmpty {
            add("cs4Label", "data")
            add("cs4", String(decoding: JSONValue.object(event.data).serialized(sortedKeys: true), as: UTF8.self))
        }
        return fields
    }

    /// A header field: cut to `limit` characters, line breaks as spaces, `\` and `|` escaped.
    static func headerField(_ text: String, limit: Int) -> String {
        var result = ""
        for scalar in String(text.prefix(limit)).unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "|": result += "\\|"
            case "\n", "\r": result.append(" ")
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// An extension value: `\` and `=` escaped, line breaks written as `\n` and `\r`.
    static func extensionValue(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "=": result += "\\="
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

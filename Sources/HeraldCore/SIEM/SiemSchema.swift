import Foundation

/// The shape an event takes on its way to a SIEM: one versioned mapping per schema.
///
/// `native`, `ocsf` and `ecs` render JSON objects; `cef` and `leef` render one text line. A connector's wire kind
/// decides how the rendering is framed (a HEC envelope's `event`, an NDJSON line, a syslog message body).
public enum SiemSchema: String, Sendable, Hashable, Codable, CaseIterable {
    /// Herald's own event JSON (the webhook body's fields plus actor, target, client and severity).
    case native
    /// Open Cybersecurity Schema Framework: Authentication (3002), Account Change (3001), Detection Finding (2004),
    /// API Activity (6003).
    case ocsf
    /// Elastic Common Schema.
    case ecs
    /// ArcSight Common Event Format, one line.
    case cef
    /// IBM QRadar Log Event Extended Format 2.0, one line.
    case leef

    /// Whether the schema renders text (a line) rather than a JSON object.
    public var isText: Bool { self == .cef || self == .leef }
}

/// Who produced the events, as the schemas name it (OCSF `metadata.product`, the CEF/LEEF header).
public struct SiemProducer: Sendable, Hashable {
    public var vendor: String
    public var product: String
    public var version: String

    public init(vendor: String = "Herald", product: String = "Herald", version: String = HeraldVersion.string) {
        self.vendor = vendor
        self.product = product
        self.version = version
    }
}

/// One event rendered in a schema.
public enum SiemRendering: Sendable, Hashable {
    case object([String: JSONValue])
    case text(String)

    /// The rendering as one JSON value: the object, or the line as a JSON string.
    public var jsonValue: JSONValue {
        switch self {
        case .object(let object): .object(object)
        case .text(let line): .string(line)
        }
    }

    /// The bytes of the rendering on its own: the compact JSON object (keys sorted), or the line's UTF-8.
    public var bytes: [UInt8] {
        switch self {
        case .object(let object): JSONValue.object(object).serialized(sortedKeys: true)
        case .text(let line): Array(line.utf8)
        }
    }
}

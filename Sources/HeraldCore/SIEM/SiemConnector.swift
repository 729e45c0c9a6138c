import Foundation

/// A SIEM destination described as data: one `connectors/<id>.json` manifest.
///
/// Code implements a few wire kinds (``SiemWireKind``); a destination of an existing kind is a new manifest
/// naming its path, authentication, batch limits, compression and how its answers are read.
public struct SiemConnector: Sendable, Hashable, Decodable {
    public var id: String
    public var name: String
    public var wire: SiemWireKind
    public var endpoint: EndpointRule
    /// Ways to authenticate, tried in order: the first whose credentials are all present is used.
    public var auth: [AuthMethod]
    /// Credentials that may be given besides those of ``auth`` (a syslog CA, a client certificate).
    public var optionalCredentials: [String]
    /// Headers sent on every request besides the authentication's.
    public var headers: [String: String]
    public var contentType: String
    public var compression: SiemCompression
    public var batch: BatchLimits
    /// What happens to one event over ``BatchLimits/maxEventBytes``.
    public var oversizeEvent: OversizePolicy
    public var responses: ResponseRules
    public var schemas: [SiemSchema]
    public var defaultSchema: SiemSchema
    /// The options an integration may set (not secret), with their defaults.
    public var options: [String: String]
    /// Indexer acknowledgement (Splunk HEC), used when the integration's option `ack` is `true`.
    public var ack: AckRule?

    /// How a destination confirms that what it accepted is stored (Splunk HEC indexer acknowledgement): every
    /// request carries a channel header; the answer to a batch names an ack id, which is polled until it is
    /// true. A batch whose ack does not come within the timeout is sent again (the event ids make the copy
    /// recognisable).
    public struct AckRule: Sendable, Hashable, Decodable {
        /// Appended to the endpoint (`/services/collector/ack`).
        public var path: String
        public var channelHeader: String
        /// The field of the batch's answer that holds its ack id.
        public var idField: String
        public var pollIntervalMilliseconds: Int
        public var timeoutMilliseconds: Int

        enum CodingKeys: String, CodingKey {
            case path
            case channelHeader = "channel_header", idField = "id_field"
            case pollIntervalMilliseconds = "poll_interval_ms", timeoutMilliseconds = "timeout_ms"
        }
    }

    /// Where an integration's endpoint comes from and what it may be.
    public struct EndpointRule: Sendable, Hashable, Decodable {
        /// Allowed URL schemes (`https`, or `tcp`/`tls` for syslog); `http` is allowed besides `https` only for
        /// hosts on the outbound allow-list.
        public var schemes: [String]
        /// Appended to the endpoint (`/services/collector/event`).
        public var path: String?
        /// Used when the integration gives no endpoint (Datadog's US1 intake).
        public var defaultValue: String?
        /// The credential that holds the whole URL (Sumo Logic's HTTP source): the endpoint stays empty.
        public var fromCredential: String?

        enum CodingKeys: String, CodingKey {
            case schemes, path
            case defaultValue = "default"
            case fromCredential = "from_credential"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            schemes = try c.decodeIfPresent([String].self, forKey: .schemes) ?? ["https"]
            path = try c.decodeIfPresent(String.self, forKey: .path)
            defaultValue = try c.decodeIfPresent(String.self, forKey: .defaultValue)
            fromCredential = try c.decodeIfPresent(String.self, forKey: .fromCredential)
        }
    }

    /// One way to authenticate: the credentials it needs and the headers it sends (`{name}` is replaced by the
    /// credential of that name), or HTTP basic authentication from `username` and `password`.
    public struct AuthMethod: Sendable, Hashable, Decodable {
        public var requires: [String]
        public var headers: [String: String]
        public var basic: Bool

        enum CodingKeys: String, CodingKey { case requires, headers, basic }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            requires = try c.decodeIfPresent([String].self, forKey: .requires) ?? []
            headers = try c.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
            basic = try c.decodeIfPresent(Bool.self, forKey: .basic) ?? false
        }
    }

    /// How many events and bytes one request may carry.
    public struct BatchLimits: Sendable, Hashable, Decodable {
        public var maxEvents: Int
        /// Uncompressed bytes of one request body.
        public var maxBytes: Int
        /// Bytes of one encoded event.
        public var maxEventBytes: Int

        enum CodingKeys: String, CodingKey {
            case maxEvents = "max_events"
            case maxBytes = "max_bytes"
            case maxEventBytes = "max_event_bytes"
        }
    }

    public enum OversizePolicy: String, Sendable, Hashable, Decodable {
        /// The event is cut to the limit (text bodies: syslog).
        case truncate
        /// The event is set aside with the reason and the cursor moves past it.
        case deadLetter = "dead_letter"
    }

    /// How the destination's answers are read. Statuses not named: 2xx delivered, 408, 429 and 5xx retried,
    /// any other refused (the batch is split until the event at fault is found and set aside).
    public struct ResponseRules: Sendable, Hashable, Decodable {
        public var retry: [Int]
        /// The destination refuses the credentials or the configuration: forwarding stops with the reason.
        public var disable: [Int]
        /// The request was too large: split the batch in two and send each half.
        public var split: [Int]
        public var reject: [Int]
        public var vendorCode: VendorCodeRules?

        enum CodingKeys: String, CodingKey {
            case retry, disable, split, reject
            case vendorCode = "vendor_code"
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            retry = try c.decodeIfPresent([Int].self, forKey: .retry) ?? [408, 429, 500, 502, 503, 504]
            disable = try c.decodeIfPresent([Int].self, forKey: .disable) ?? []
            split = try c.decodeIfPresent([Int].self, forKey: .split) ?? [413]
            reject = try c.decodeIfPresent([Int].self, forKey: .reject) ?? []
            vendorCode = try c.decodeIfPresent(VendorCodeRules.self, forKey: .vendorCode)
        }

        public init(retry: [Int], disable: [Int], split: [Int], reject: [Int], vendorCode: VendorCodeRules?) {
            self.retry = retry
            self.disable = disable
            self.split = split
            self.reject = reject
            self.vendorCode = vendorCode
        }
    }

    /// A vendor's own error codes in the JSON answer (Splunk HEC's `{"text":…,"code":N}`): they win over
    /// the status when named here.
    public struct VendorCodeRules: Sendable, Hashable, Decodable {
        public var codeField: String
        public var textField: String
        public var disable: [Int]
        public var retry: [Int]
        public var reject: [Int]

        enum CodingKeys: String, CodingKey {
            case codeField = "code_field"
            case textField = "text_field"
            case disable, retry, reject
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            codeField = try c.decodeIfPresent(String.self, forKey: .codeField) ?? "code"
            textField = try c.decodeIfPresent(String.self, forKey: .textField) ?? "text"
            disable = try c.decodeIfPresent([Int].self, forKey: .disable) ?? []
            retry = try c.decodeIfPresent([Int].self, forKey: .retry) ?? []
            reject = try c.decodeIfPresent([Int].self, forKey: .reject) ?? []
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, name, wire, endpoint, auth, headers, compression, batch, responses, schemas, options, ack
        case optionalCredentials = "optional_credentials"
        case contentType = "content_type"
        case oversizeEvent = "oversize_event"
        case defaultSchema = "default_schema"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        wire = try c.decode(SiemWireKind.self, forKey: .wire)
        endpoint = try c.decode(EndpointRule.self, forKey: .endpoint)
        auth = try c.decodeIfPresent([AuthMethod].self, forKey: .auth) ?? []
        optionalCredentials = try c.decodeIfPresent([String].self, forKey: .optionalCredentials) ?? []
        headers = try c.decodeIfPresent([String: String].self, forKey: .headers) ?? [:]
        contentType = try c.decodeIfPresent(String.self, forKey: .contentType) ?? "application/json"
        compression = try c.decodeIfPresent(SiemCompression.self, forKey: .compression) ?? .none
        batch = try c.decode(BatchLimits.self, forKey: .batch)
        oversizeEvent = try c.decodeIfPresent(OversizePolicy.self, forKey: .oversizeEvent) ?? .deadLetter
        responses = try c.decodeIfPresent(ResponseRules.self, forKey: .responses)
            ?? ResponseRules(retry: [408, 429, 500, 502, 503, 504], disable: [], split: [413], reject: [], vendorCode: nil)
        schemas = try c.decodeIfPresent([SiemSchema].self, forKey: .schemas) ?? SiemSchema.allCases
        defaultSchema = try c.decodeIfPresent(SiemSchema.self, forKey: .defaultSchema) ?? .native
        options = try c.decodeIfPresent([String: String].self, forKey: .options) ?? [:]
        ack = try c.decodeIfPresent(AckRule.self, forKey: .ack)
    }

    /// Every credential name the connector knows.
    public var credentialNames: Set<String> {
        Set(auth.flatMap(\.requires)).union(optionalCredentials).union(endpoint.fromCredential.map { [$0] } ?? [])
    }

    /// The authentication method the credentials satisfy; nil when none does (or none is needed: check
    /// ``auth`` is empty).
    public func authMethod(for credentials: [String: String]) -> AuthMethod? {
        auth.first { method in method.requires.allSatisfy { !(credentials[$0] ?? "").isEmpty } }
    }
}

/// The formats the forwarder's code implements.
public enum SiemWireKind: String, Sendable, Hashable, Decodable {
    /// Splunk HTTP Event Collector: concatenated JSON envelopes.
    case splunkHEC = "splunk-hec"
    /// Datadog logs intake v2: a JSON array of log entries.
    case datadogLogs = "datadog-logs"
    /// Elasticsearch / OpenSearch `_bulk`: NDJSON `create` actions with the event id as `_id`.
    case elasticsearchBulk = "elasticsearch-bulk"
    /// One rendering per line.
    case ndjson
    /// A JSON array of renderings.
    case jsonArray = "json-array"
    /// RFC 5424 over TCP (RFC 6587 octet counting) or TLS (RFC 5425).
    case syslog

    /// Whether the wire is HTTP (the others are a raw stream).
    public var isHTTP: Bool { self != .syslog }
}

public enum SiemCompression: String, Sendable, Hashable, Decodable {
    case none, gzip
}

import Foundation
import HeraldCore

/// Turns rendered events into the bytes of one wire kind: each event's own item (a HEC envelope, a Datadog log
/// entry, a `_bulk` action and document pair, a line), and the request body that frames a run of items.
///
/// Every item carries the event's stable id (HEC `fields.event_id`, Datadog `event_id`, the `_bulk` `_id`), so
/// that destinations and their users can drop the duplicates that at-least-once delivery allows.
struct SiemWireEncoder: Sendable {
    let wire: SiemWireKind
    let schema: SiemSchema
    let producer: SiemProducer
    /// The integration's options over the connector's defaults.
    let options: [String: String]
    /// The `host` of HEC envelopes and Datadog entries, and the syslog HOSTNAME.
    let hostname: String
    /// For Datadog: events older than this keep their time in the message only (the intake refuses older
    /// timestamps).
    static let datadogTimestampWindow: TimeInterval = 17 * 3600

    /// The options in effect, resolved once (not per event): `{schema}` filled in, empty ones left out.
    private let resolved: [String: String]
    private let hecConstantFields: [UInt8]
    /// The syslog facility (option `facility`).
    private let facility: Int
    /// The syslog wire's message writer, its constant parts made once (nil on the other wires).
    private let syslogFormat: SyslogEventFormat?

    init(connector: SiemConnector, integration: SiemIntegration, hostname: String, producer: SiemProducer = SiemProducer()) {
        self.wire = connector.wire
        self.schema = integration.schema
        self.producer = producer
        self.options = connector.options.merging(integration.options) { _, chosen in chosen }
        self.hostname = options["host"].flatMap { $0.isEmpty ? nil : $0 } ?? hostname
        let schema = integration.schema
        let resolved = options.filter { !$0.value.isEmpty }.mapValues {
            $0.replacingOccurrences(of: "{schema}", with: schema.rawValue)
        }
        self.resolved = resolved
        self.hecConstantFields = Self.hecConstantFields(hostname: self.hostname, options: resolved, schema: schema)
        self.facility = resolved["facility"].flatMap(Int.init) ?? SyslogMessage.defaultFacility
        self.syslogFormat =
            connector.wire == .syslog ? SyslogEventFormat(hostname: self.hostname, facility: facility) : nil
    }

    private func option(_ name: String) -> String? { resolved[name] }

    /// `,"host":…[,"index":…],"source":…,"sourcetype":…,"time":` of every HEC envelope.
    static func hecConstantFields(hostname: String, options: [String: String], schema: SiemSchema) -> [UInt8] {
        var bytes: [UInt8] = Array(#","host":"#.utf8) + JSONValue.string(hostname).serialized()
        if let index = options["index"] { bytes += Array(#","index":"#.utf8) + JSONValue.string(index).serialized() }
        bytes += Array(#","source":"#.utf8) + JSONValue.string(options["source"] ?? "herald").serialized()
        bytes += Array(#","sourcetype":"#.utf8)
            + JSONValue.string(options["sourcetype"] ?? "herald:\(schema.rawValue)").serialized()
        bytes += Array(#","time":"#.utf8)
        return bytes
    }

    /// The bytes of one event on this wire (without the body's framing), for sizing and sending: the event
    /// rendered in the integration's schema, then framed for the wire.
    ///
    /// The native schema's JSON is written straight from the event (``NativeEventMapping/serialized(_:)``, the same
    /// bytes) for every wire that sends the rendering as it is; `_bulk`, which adds fields to the document, takes
    /// the rendered object.
    func item(for event: Event, now: Date) -> [UInt8] {
        if sendsNativeAsIs {
            return item(for: event, rendering: .serializedObject(NativeEventMapping.serialized(event)), now: now)
        }
        return item(for: event, rendering: .schema(schema.render(event, producer: producer)), now: now)
    }

    /// ``item(for:now:)`` of an event read with its data as stored: the native schema copies the stored data's
    /// text into its JSON (no parse, the same bytes); the other schemas parse it.
    func item(for stored: StoredEvent, now: Date) -> [UInt8] {
        guard sendsNativeAsIs, let data = stored.spliceableData else { return item(for: stored.parsed(), now: now) }
        if let syslogFormat {
            // The header, then the JSON written straight after it: one buffer, no copy of the rendering.
            var bytes: [UInt8] = []
            bytes.reserveCapacity(480 + data.count)
            syslogFormat.appendHeader(stored.columns, to: &bytes)
            bytes.append(UInt8(ascii: " "))
            NativeEventMapping.append(stored.columns, dataJSON: data, to: &bytes)
            return bytes
        }
        let rendering = Rendered.serializedObject(NativeEventMapping.serialized(stored.columns, dataJSON: data))
        return item(for: stored.columns, rendering: rendering, now: now)
    }

    /// Whether the wire sends the native rendering's bytes as they are (`_bulk` adds fields to the document).
    private var sendsNativeAsIs: Bool { schema == .native && wire != .elasticsearchBulk }

    /// A rendering as the wire uses it: a schema's value, or a JSON object already serialized (keys sorted).
    enum Rendered {
        case schema(SiemRendering)
        case serializedObject([UInt8])

        /// The rendering's own bytes (``SiemRendering/bytes``).
        var bytes: [UInt8] {
            switch self {
            case .schema(let rendering): rendering.bytes
            case .serializedObject(let bytes): bytes
            }
        }

        /// The rendering as one JSON value's bytes, keys sorted (a line becomes a JSON string).
        var jsonBytes: [UInt8] {
            switch self {
            case .schema(let rendering): rendering.jsonValue.serialized(sortedKeys: true)
            case .serializedObject(let bytes): bytes
            }
        }
    }

    private func item(for event: Event, rendering: Rendered, now: Date) -> [UInt8] {
        switch wire {
        case .splunkHEC:
            // The envelope's bytes written directly, keys in sorted order (event, fields, host, index, source,
            // sourcetype, time): what a sorted-keys serialization of the same object gives, without building it.
            var bytes: [UInt8] = Array(#"{"event":"#.utf8)
            bytes += rendering.jsonBytes
            bytes += Array(#","fields":"#.utf8)
            bytes += JSONValue.object(identityFields(of: event)).serialized(sortedKeys: true)
            bytes += hecConstantFields
            bytes += JSONValue.number((event.occurredAt.timeIntervalSince1970 * 1000).rounded() / 1000).serialized()
            bytes.append(UInt8(ascii: "}"))
            return bytes
        case .datadogLogs:
            var entry: [String: JSONValue] = [
                "ddsource": .string(option("ddsource") ?? "herald"),
                "service": .string(option("service") ?? "herald"),
                "hostname": .string(hostname),
                "message": .string(String(decoding: rendering.bytes, as: UTF8.self)),
                "event_id": .string(event.id),
                "event_type": .string(event.type),
            ]
            if let tags = option("ddtags") { entry["ddtags"] = .string(tags) }
            if let orgId = event.orgId { entry["org_id"] = .string(orgId) }
            if now.timeIntervalSince(event.occurredAt) < Self.datadogTimestampWindow {
                entry["timestamp"] = .number((event.occurredAt.timeIntervalSince1970 * 1000).rounded())
            }
            return JSONValue.object(entry).serialized(sortedKeys: true)
        case .elasticsearchBulk:
            let action: JSONValue = [
                "create": ["_index": .string(option("index") ?? "herald-events"), "_id": .string(event.id)]
            ]
            var document: [String: JSONValue]
            switch rendering {
            case .schema(.object(let object)): document = object
            case .schema(.text(let line)): document = ["message": .string(line), "event": ["id": .string(event.id)]]
            case .serializedObject(let bytes):
                document = (try? JSONValue.parse(bytes))?.objectValue ?? ["message": .string(String(decoding: bytes, as: UTF8.self))]
            }
            if document["@timestamp"] == nil && schema != .ocsf {
                document["@timestamp"] = .string(Timestamp.formatMilliseconds(event.occurredAt))
            }
            var bytes = action.serialized(sortedKeys: true)
            bytes.append(0x0A)
            bytes += JSONValue.object(document).serialized(sortedKeys: true)
            bytes.append(0x0A)
            return bytes
        case .ndjson:
            var bytes = rendering.bytes.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 }
            bytes.append(0x0A)
            return bytes
        case .jsonArray:
            return rendering.jsonBytes
        case .syslog:
            let format = syslogFormat ?? SyslogEventFormat(hostname: hostname, facility: facility)
            return format.formatted(event, body: rendering.bytes)
        }
    }

    /// The bytes framing `count` items: added once per body (JSON array brackets) and between items (commas).
    func framingOverhead(items count: Int) -> Int {
        wire == .jsonArray || wire == .datadogLogs ? 2 + max(0, count - 1) : 0
    }

    /// The request body (or, for syslog, the stream bytes) of a run of items.
    func body<S: Collection>(_ items: S) -> [UInt8] where S.Element == [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(items.reduce(2) { $0 + $1.count + 8 })
        switch wire {
        case .jsonArray, .datadogLogs:
            body.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { body.append(UInt8(ascii: ",")) }
                first = false
                body += item
            }
            body.append(UInt8(ascii: "]"))
        case .syslog:
            for item in items { SyslogFraming.appendOctetCounted(item, to: &body) }
        case .splunkHEC, .elasticsearchBulk, .ndjson:
            for item in items { body += item }
        }
        return body
    }

    private func identityFields(of event: Event) -> [String: JSONValue] {
        var fields: [String: JSONValue] = ["event_id": .string(event.id), "event_type": .string(event.type)]
        if let orgId = event.orgId { fields["org_id"] = .string(orgId) }
        return fields
    }
}

import Foundation

/// The connectors the daemon knows: every `<id>.json` manifest of the connectors directory, checked at load.
public struct SiemConnectorCatalogue: Sendable {
    public let connectors: [String: SiemConnector]

    public init(_ connectors: [SiemConnector]) {
        self.connectors = Dictionary(connectors.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The connector of an id. - Throws: `invalid_field` (`provider`) naming the known ones.
    public func connector(_ id: String) throws -> SiemConnector {
        guard let connector = connectors[id] else {
            throw HeraldError.invalid(
                "provider", "unknown provider \(id); known: \(connectors.keys.sorted().joined(separator: ", "))")
        }
        return connector
    }

    /// Loads every `*.json` file of a directory.
    /// - Throws: an error naming the file and the problem (unreadable, not a manifest, inconsistent); a
    ///   directory without manifests is an error too.
    public static func load(directory: String) throws -> SiemConnectorCatalogue {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }
        } catch {
            throw HeraldError(.internalError, "cannot read the SIEM connectors directory \(directory)", cause: error)
        }
        guard !files.isEmpty else {
            throw HeraldError(.internalError, "the SIEM connectors directory \(directory) holds no *.json manifest")
        }
        var connectors: [SiemConnector] = []
        for file in files.sorted() {
            let path = (directory as NSString).appendingPathComponent(file)
            let connector: SiemConnector
            do {
                connector = try JSONDecoder().decode(SiemConnector.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw HeraldError(.internalError, "\(path) is not a valid connector manifest: \(error)", cause: error)
            }
            let problems = check(connector, fileName: file)
            guard problems.isEmpty else {
                throw HeraldError(.internalError, "\(path): \(problems.joined(separator: "; "))")
            }
            connectors.append(connector)
        }
        return SiemConnectorCatalogue(connectors)
    }

    /// The problems of a manifest (empty when it is consistent).
    public static func check(_ connector: SiemConnector, fileName: String? = nil) -> [String] {
        var problems: [String] = []
        if let fileName, fileName != connector.id + ".json" {
            problems.append("the file must be named after its id (\(connector.id).json)")
        }
        if connector.batch.maxEvents < 1 || connector.batch.maxBytes < 1 || connector.batch.maxEventBytes < 1 {
            problems.append("batch limits must be positive")
        }
        if connector.batch.maxEventBytes > connector.batch.maxBytes {
            problems.append("batch.max_event_bytes is larger than batch.max_bytes")
        }
        if !connector.schemas.contains(connector.defaultSchema) {
            problems.append("default_schema \(connector.defaultSchema.rawValue) is not among its schemas")
        }
        let allowed: Set<String> = connector.wire.isHTTP ? ["https", "http"] : ["tcp", "tls"]
        if connector.endpoint.schemes.isEmpty || !Set(connector.endpoint.schemes).isSubset(of: allowed) {
            problems.append("endpoint.schemes must be among \(allowed.sorted()) for the \(connector.wire.rawValue) wire")
        }
        if connector.wire == .elasticsearchBulk && connector.schemas.contains(where: \.isText) {
            problems.append("the elasticsearch-bulk wire sends documents: text schemas (cef, leef) do not fit")
        }
        for method in connector.auth where method.basic && Set(method.requires) != ["username", "password"] {
            problems.append("basic authentication requires exactly username and password")
        }
        return problems
    }
}

import Foundation
import HeraldCore

/// Input rules of the SIEM routes: an integration is checked against its connector's manifest (endpoint
/// scheme, credentials, schema, options). Address vetting (DNS, private ranges) happens on every send.
enum SiemInput {
    static let maxNameLength = 100
    static let maxCredentialLength = 16_384
    static let maxOptionLength = 200

    /// A new integration, complete and consistent with its connector.
    static func validated(_ body: CreateSiemBody, catalogue: SiemConnectorCatalogue, allowlist: [String]) throws
        -> NewSiemIntegration
    {
        let connector = try catalogue.connector(body.provider)
        let new = NewSiemIntegration(
            provider: connector.id, name: body.name ?? connector.name,
            endpoint: body.endpoint ?? (connector.endpoint.fromCredential == nil ? connector.endpoint.defaultValue ?? "" : ""),
            credentials: body.credentials ?? [:], eventTypes: body.eventTypes ?? [],
            minSeverity: body.minSeverity ?? .info, schema: body.schema ?? connector.defaultSchema,
            options: body.options ?? [:], enabled: body.enabled ?? true)
        try check(
            name: new.name, endpoint: new.endpoint, credentials: new.credentials, eventTypes: new.eventTypes,
            schema: new.schema, options: new.options, connector: connector, allowlist: allowlist)
        return new
    }

    /// A patch, checked as the integration it would make.
    static func validated(
        _ patch: SiemIntegrationPatch, current: SiemIntegration, storedCredentials: [String: String],
        catalogue: SiemConnectorCatalogue, allowlist: [String]
    ) throws -> SiemIntegrationPatch {
        let connector = try catalogue.connector(current.provider)
        try check(
            name: patch.name ?? current.name, endpoint: patch.endpoint ?? current.endpoint,
            credentials: patch.credentials ?? storedCredentials, eventTypes: patch.eventTypes ?? current.eventTypes,
            schema: patch.schema ?? current.schema, options: patch.options ?? current.options, connector: connector,
            allowlist: allowlist)
        return patch
    }

    static func check(
        name: String, endpoint: String, credentials: [String: String], eventTypes: [String], schema: SiemSchema,
        options: [String: String], connector: SiemConnector, allowlist: [String]
    ) throws {
        guard (1...maxNameLength).contains(name.count), !name.unicodeScalars.contains(where: isControl) else {
            throw HeraldError.invalid("name", "name must be 1 to \(maxNameLength) characters without control characters")
        }
        try self.endpoint(endpoint, connector: connector, allowlist: allowlist)
        try self.credentials(credentials, connector: connector, allowlist: allowlist)
        try EventTypeFilter.validate(eventTypes)
        guard connector.schemas.contains(schema) else {
            throw HeraldError.invalid(
                "schema", "\(connector.name) takes the schemas \(connector.schemas.map(\.rawValue).joined(separator: ", "))")
        }
        try self.options(options, connector: connector)
    }

    static func endpoint(_ value: String, connector: SiemConnector, allowlist: [String]) throws {
        if connector.endpoint.fromCredential != nil {
            guard value.isEmpty else {
                throw HeraldError.invalid(
                    "endpoint",
                    "\(connector.name) takes its URL from the credential \(connector.endpoint.fromCredential ?? ""); leave endpoint empty")
            }
            return
        }
        guard !value.isEmpty else { throw HeraldError.invalid("endpoint", "\(connector.name) needs an endpoint") }
        let scheme = value.prefix { $0 != ":" }.lowercased()
        guard connector.endpoint.schemes.contains(scheme) || (scheme == "http" && connector.endpoint.schemes.contains("https"))
        else {
            throw HeraldError.invalid(
                "endpoint", "\(connector.name) endpoints use \(connector.endpoint.schemes.joined(separator: " or "))://")
        }
        if connector.wire.isHTTP {
            try WebhookInput.url(value, allowlist: allowlist, field: "endpoint")
            return
        }
        // syslog: tcp://host:port or tls://host:port; plain TCP only to allow-listed hosts (like http).
        guard value.count <= WebhookInput.maxURLLength,
            !value.unicodeScalars.contains(where: { isControl($0) || $0 == " " }),
            let authority = value.range(of: "://").map({ value[$0.upperBound...] }), !authority.isEmpty,
            !authority.contains(where: { "/@?#".contains($0) })
        else { throw HeraldError.invalid("endpoint", "endpoint must be tcp://host:port or tls://host:port") }
        if scheme == "tcp" {
            try WebhookInput.url("http://" + authority, allowlist: allowlist, field: "endpoint")
        } else {
            try WebhookInput.url("https://" + authority, allowlist: allowlist, field: "endpoint")
        }
    }

    static func credentials(_ credentials: [String: String], connector: SiemConnector, allowlist: [String]) throws {
        let known = connector.credentialNames
        for (name, value) in credentials.sorted(by: { $0.key < $1.key }) {
            guard known.contains(name) else {
                throw HeraldError.invalid(
                    "credentials", "\(connector.name) takes the credentials \(known.sorted().joined(separator: ", ")); not \(name)")
            }
            let multiline = name.hasSuffix("_pem")
            guard value.utf8.count <= maxCredentialLength,
                !value.unicodeScalars.contains(where: { isControl($0) && !(multiline && ($0 == "\n" || $0 == "\r")) })
            else {
                throw HeraldError.invalid(
                    "credentials", "credential \(name) must be at most \(maxCredentialLength) bytes without control characters")
            }
        }
        if !connector.auth.isEmpty && connector.authMethod(for: credentials) == nil {
            let needed = connector.auth.map { $0.requires.joined(separator: " and ") }.joined(separator: ", or ")
            throw HeraldError.invalid("credentials", "\(connector.name) needs the credentials \(needed)")
        }
        if let name = credentials["header_name"] {
            // Checked like a webhook's custom header: a token name, not one Herald sets, a printable value.
            do {
                try WebhookInput.headers([name: credentials["header_value"] ?? ""])
            } catch let error as HeraldError {
                throw HeraldError.invalid("credentials", error.message)
            }
            // The body's encoding is the connector's (gzip): a header may not contradict it.
            guard name.lowercased() != "content-encoding" else {
                throw HeraldError.invalid("credentials", "header Content-Encoding is set by Herald and cannot be overridden")
            }
        }
        if let name = connector.endpoint.fromCredential {
            guard let url = credentials[name], !url.isEmpty else {
                throw HeraldError.invalid("credentials", "\(connector.name) needs the credential \(name) (its URL)")
            }
            try WebhookInput.url(url, allowlist: allowlist, field: "credentials.\(name)")
        }
    }

    static func options(_ options: [String: String], connector: SiemConnector) throws {
        for (name, value) in options.sorted(by: { $0.key < $1.key }) {
            guard connector.options.keys.contains(name) else {
                let known = connector.options.keys.sorted()
                throw HeraldError.invalid(
                    "options",
                    known.isEmpty ? "\(connector.name) takes no options"
                        : "\(connector.name) takes the options \(known.joined(separator: ", ")); not \(name)")
            }
            guard value.count <= maxOptionLength, !value.unicodeScalars.contains(where: isControl) else {
                throw HeraldError.invalid(
                    "options", "option \(name) must be at most \(maxOptionLength) characters without control characters")
            }
            if name == "ack", !["true", "false", ""].contains(value) {
                throw HeraldError.invalid("options", "option ack must be true or false")
            }
            if name == "facility", !(value.isEmpty || Int(value).map { (0...23).contains($0) } == true) {
                throw HeraldError.invalid("options", "option facility must be a syslog facility number, 0 to 23")
            }
        }
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }
}

/// `POST …/siem`.
struct CreateSiemBody: Decodable {
    var provider: String
    var name: String?
    var endpoint: String?
    var credentials: [String: String]?
    var eventTypes: [String]?
    var minSeverity: Severity?
    var schema: SiemSchema?
    var options: [String: String]?
    var enabled: Bool?

    enum CodingKeys: String, CodingKey {
        case provider, name, endpoint, credentials, schema, options, enabled
        case eventTypes = "event_types", minSeverity = "min_severity"
    }
}

/// `PATCH …/siem/{id}`: absent fields stay; `credentials`, when given, replace the stored ones whole.
struct UpdateSiemBody: Decodable {
    var patch = SiemIntegrationPatch()

    enum CodingKeys: String, CodingKey {
        case name, endpoint, credentials, schema, options, enabled
        case eventTypes = "event_types", minSeverity = "min_severity"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        patch.name = try c.decodeIfPresent(String.self, forKey: .name)
        patch.endpoint = try c.decodeIfPresent(String.self, forKey: .endpoint)
        patch.credentials = try c.decodeIfPresent([String: String].self, forKey: .credentials)
        patch.eventTypes = try c.decodeIfPresent([String].self, forKey: .eventTypes)
        patch.minSeverity = try c.decodeIfPresent(Severity.self, forKey: .minSeverity)
        patch.schema = try c.decodeIfPresent(SiemSchema.self, forKey: .schema)
        patch.options = try c.decodeIfPresent([String: String].self, forKey: .options)
        patch.enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled)
    }
}

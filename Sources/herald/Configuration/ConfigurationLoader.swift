import Configuration
import Foundation
import HeraldCore

/// Builds the daemon's ``HeraldConfiguration`` from its four sources, highest precedence first:
///
/// 1. CLI overrides (`--state-dir` and friends), keyed by dotted config key;
/// 2. `HERALD_…` environment variables (`HERALD_PUBLIC_ADDRESS`; `auth.jwt.*` are `HERALD_JWT_*`);
/// 3. systemd credentials: `$CREDENTIALS_DIRECTORY/jwt-hs256-secret` (trimmed) for `auth.jwt.hs256_secret`;
/// 4. the YAML file: `--config FILE`, else `$CONFIGURATION_DIRECTORY/herald.yaml` when it exists, else none;
///
/// and then the defaults of ``HeraldConfiguration`` (`state_dir` defaults to `$STATE_DIRECTORY`, else `./var`).
///
/// The sources are swift-configuration providers behind one `ConfigReader`. Every key is read as text (or a list
/// of text) and parsed here, so that each bad value becomes a ``ConfigurationProblem`` naming its key and source
/// instead of being silently replaced by a default.
enum ConfigurationLoader {
    /// The file name looked for in `$CONFIGURATION_DIRECTORY`.
    static let defaultFileName = "herald.yaml"
    /// The credential that holds the JWT HS256 secret.
    static let hs256SecretCredential = "jwt-hs256-secret"

    /// Loads and validates the configuration.
    /// - Parameters:
    ///   - configFile: the `--config` path, if given (it must exist).
    ///   - overrides: CLI values by dotted key (`"public.address": "0.0.0.0:8080"`); list keys take commas.
    ///   - environment: the process environment (passed in so tests need not change the real one).
    /// - Throws: ``ConfigurationProblems`` listing every problem found.
    static func load(
        configFile: String?,
        overrides: [String: String],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> HeraldConfiguration {
        let (configuration, problems) = await evaluate(
            configFile: configFile, overrides: overrides, environment: environment)
        guard problems.isEmpty else { throw ConfigurationProblems(problems) }
        return configuration
    }

    /// Every problem in the configuration (empty when it is usable), for `herald check-config`.
    ///
    /// Reports unknown keys in the file and in `overrides`, unparsable files, bad addresses, levels, formats,
    /// CIDRs, numbers and booleans, TLS halves without their other half, and files that cannot be read.
    static func problems(
        configFile: String?,
        overrides: [String: String] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async -> [ConfigurationProblem] {
        await evaluate(configFile: configFile, overrides: overrides, environment: environment).problems
    }

    /// The config file to read: `configFile`, else `herald.yaml` in the first `$CONFIGURATION_DIRECTORY` entry
    /// that has one, else none.
    static func resolveConfigFile(_ configFile: String?, environment: [String: String]) -> String? {
        if let configFile { return configFile }
        guard let directories = environment["CONFIGURATION_DIRECTORY"], !directories.isEmpty else { return nil }
        for directory in directories.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(defaultFileName).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
        }
        return nil
    }

    // MARK: - Evaluation

    static func evaluate(
        configFile: String?,
        overrides: [String: String],
        environment: [String: String]
    ) async -> (configuration: HeraldConfiguration, problems: [ConfigurationProblem]) {
        var problems: [ConfigurationProblem] = []
        var providers: [any ConfigProvider] = []

        // 1. CLI overrides.
        var overrideValues: [AbsoluteConfigKey: ConfigValue] = [:]
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let key = ConfigurationKey.byName[name] else {
                problems.append(.init(key: name, message: "unknown key (command line)"))
                continue
            }
            let content: ConfigContent =
                switch key.shape {
                case .scalar: .string(value)
                case .list: .stringArray(value.split(separator: ",").map { String($0) })
                }
            overrideValues[AbsoluteConfigKey(ConfigKey(name))] = ConfigValue(content, isSecret: key.isSecret)
        }
        providers.append(InMemoryProvider(name: "command line", values: overrideValues))

        // 2. Environment: each key maps to its own variable name.
        providers.append(
            EnvironmentVariablesProvider(
                environmentVariables: environment,
                secretsSpecifier: .specific(Set(ConfigurationKey.all.filter(\.isSecret).map(\.environmentName)))
            ).mapKeys { key in
                guard let known = ConfigurationKey.byName[key.components.joined(separator: ".")] else {
                    return AbsoluteConfigKey([])
                }
                return AbsoluteConfigKey([known.environmentName])
            })

        // 3. systemd credentials.
        var credentialsDirectory: String?
        if let directory = environment["CREDENTIALS_DIRECTORY"], !directory.isEmpty {
            credentialsDirectory = directory
            do {
                let provider = try await DirectoryFilesProvider(directoryPath: .init(directory), allowMissing: true)
                // An empty credential (e.g. a `SetCredential=jwt-hs256-secret:` fallback) counts as absent
                // instead of hiding the file's value.
                let secret = try? provider.snapshot().value(
                    forKey: AbsoluteConfigKey([hs256SecretCredential]), type: .string)
                let hasSecret: Bool
                if case .string(let text)? = secret?.value?.content {
                    hasSecret = !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                } else {
                    hasSecret = false
                }
                providers.append(
                    provider.mapKeys { key in
                        hasSecret && key.components.joined(separator: ".") == ConfigurationKey.jwtHS256Secret.name
                            ? AbsoluteConfigKey([hs256SecretCredential]) : AbsoluteConfigKey([])
                    })
            } catch {
                problems.append(
                    .init(key: "config", message: "cannot read CREDENTIALS_DIRECTORY \(directory): \(error)"))
            }
        }

        // 4. The YAML file.
        let filePath = resolveConfigFile(configFile, environment: environment)
        var fileKeys: Set<String> = []
        if let filePath {
            if !FileManager.default.fileExists(atPath: filePath) {
                problems.append(.init(key: "config", message: "config file \(filePath) does not exist"))
            } else if !FileManager.default.isReadableFile(atPath: filePath) {
                problems.append(.init(key: "config", message: "config file \(filePath) is not readable"))
            } else {
                do {
                    let provider = try await FileProvider<YAMLSnapshot>(
                        parsingOptions: .init(secretsSpecifier: .all), filePath: .init(filePath))
                    providers.append(provider)
                    if let keys = yamlKeys(of: provider) {
                        fileKeys = keys
                        for name in keys.sorted() where ConfigurationKey.byName[name] == nil {
                            let isSection = ConfigurationKey.all.contains { $0.name.hasPrefix(name + ".") }
                            guard isSection else {
                                problems.append(.init(key: name, message: "unknown key (in \(filePath))"))
                                continue
                            }
                            // An empty section (`tls:` with only comments under it) is null, not a mapping.
                            let value = try? provider.value(forKey: AbsoluteConfigKey(ConfigKey(name)), type: .string)
                            if case .string(let text)? = value?.value?.content, ["", "~", "null"].contains(text) {
                                continue
                            }
                            problems.append(
                                .init(key: name, message: "must be a section of keys, not a value (in \(filePath))"))
                        }
                    }
                } catch {
                    problems.append(.init(key: "config", message: "cannot parse \(filePath): \(error)"))
                }
            }
        }

        let sources = Sources(
            overrides: overrides, environment: environment, credentialsDirectory: credentialsDirectory,
            filePath: filePath, fileKeys: fileKeys)
        var reader = Reader(config: ConfigReader(providers: providers), sources: sources)
        let configuration = build(&reader, environment: environment)
        return (configuration, problems + reader.problems)
    }

    /// The dotted leaf keys of a YAML file provider.
    ///
    /// swift-configuration 1.4 has no public API that lists a snapshot's keys, so this reads them from the
    /// provider's debug description (`NAME[N values: a.b=<REDACTED>, …]`; every value is redacted because the
    /// file is parsed with `secretsSpecifier: .all`). Returns `nil` when that text does not have the expected
    /// shape, and unknown keys then go unreported.
    static func yamlKeys(of provider: FileProvider<YAMLSnapshot>) -> Set<String>? {
        let text = String(reflecting: provider)
        let redacted = "=<REDACTED>"
        guard let open = text.firstIndex(of: "["), text.hasSuffix("]"),
            let marker = text.range(of: " values: ", range: open..<text.endIndex),
            let count = Int(text[text.index(after: open)..<marker.lowerBound])
        else { return nil }
        let body = text[marker.upperBound..<text.index(before: text.endIndex)]
        if count == 0 { return body.isEmpty ? [] : nil }
        let entries = body.components(separatedBy: ", ")
        guard entries.count == count, entries.allSatisfy({ $0.hasSuffix(redacted) }) else { return nil }
        return Set(entries.map { String($0.dropLast(redacted.count)) })
    }

    // MARK: - Building the struct

    static func build(_ reader: inout Reader, environment: [String: String]) -> HeraldConfiguration {
        var configuration = HeraldConfiguration()

        if let value = reader.nonEmptyString(.stateDirectory) {
            configuration.stateDirectory = value
        } else if let stateDirectory = environment["STATE_DIRECTORY"]?.split(separator: ":").first {
            configuration.stateDirectory = String(stateDirectory)
        } else {
            configuration.stateDirectory = "./var"
        }

        reader.listener(ConfigurationKey.publicListener, into: &configuration.publicListener)
        reader.listener(ConfigurationKey.adminListener, into: &configuration.adminListener)

        if let level = reader.choice(.logLevel, among: ["trace", "debug", "info", "notice", "warning", "error", "critical"]) {
            configuration.logLevel = level
        }
        if let format = reader.choice(.logFormat, among: ["text", "json"]) {
            configuration.logFormat = format
        }

        if let value = reader.integer(.maxBodyBytes, minimum: 1) { configuration.limits.maxBodyBytes = value }
        if let value = reader.integer(.authFailures, minimum: 1) { configuration.limits.authFailures = value }
        if let value = reader.integer(.authFailureWindow, minimum: 1) {
            configuration.limits.authFailureWindowSeconds = value
        }

        if let value = reader.boolean(.autoApprove) { configuration.organizations.autoApprove = value }
        if let value = reader.nonEmptyString(.defaultTier) {
            do {
                try Validation.identifier(value, field: ConfigurationKey.defaultTier.name)
                configuration.organizations.defaultTierId = value
            } catch {
                reader.problem(.defaultTier, "\"\(value)\" must be 1 to 64 characters of A-Z, a-z, 0-9, '-' and '_'")
            }
        }

        configuration.auth.jwtIssuer = reader.optionalString(.jwtIssuer)
        configuration.auth.jwtAudience = reader.optionalString(.jwtAudience)
        configuration.auth.jwtHS256Secret = reader.optionalString(.jwtHS256Secret)
        if let keys = reader.list(.jwtPublicKeys) {
            for entry in keys where !entry.hasPrefix("-----BEGIN ") {
                reader.checkReadableFile(entry, key: .jwtPublicKeys)
            }
            configuration.auth.jwtPublicKeys = keys
        }
        if configuration.auth.jwtEnabled, configuration.auth.jwtIssuer == nil {
            reader.problem(
                .jwtIssuer, "is required when auth.jwt.hs256_secret or auth.jwt.public_keys is set", namingSource: false)
        }

        readWebhooks(&reader, into: &configuration.webhooks)
        readSiem(&reader, into: &configuration.siem)
        readSmtp(&reader, into: &configuration.smtp)
        readRetention(&reader, into: &configuration.retention)
        if let entries = reader.cidrList(.outboundAllowlist) { configuration.outboundAllowlist = entries }
        if let value = reader.choice(.databaseSynchronous, among: ["full", "normal"]) {
            configuration.databaseSynchronous = value
        }
        if let text = reader.nonEmptyString(.shutdownGrace) {
            if let value = Double(text), value.isFinite, value >= 0 {
                configuration.shutdownGraceSeconds = value
            } else {
                reader.problem(.shutdownGrace, "\"\(text)\" must be a number of seconds, 0 or more")
            }
        }
        if let text = reader.nonEmptyString(.bootstrapAdminEmail) {
            do {
                configuration.bootstrapAdminEmail = try Validation.email(text, field: ConfigurationKey.bootstrapAdminEmail.name)
            } catch {
                reader.problem(.bootstrapAdminEmail, "\"\(text)\" is not an email address")
            }
        }
        return configuration
    }
}

// MARK: - Reading and checking values

extension ConfigurationLoader {
    /// Where each key's value can come from, to name the source in problems.
    struct Sources {
        var overrides: [String: String]
        var environment: [String: String]
        var credentialsDirectory: String?
        var filePath: String?
        var fileKeys: Set<String>

        func describe(_ key: ConfigurationKey) -> String {
            if overrides[key.name] != nil { return "command line" }
            if environment[key.environmentName] != nil { return key.environmentName }
            if key == .jwtHS256Secret, let credentialsDirectory,
                FileManager.default.fileExists(
                    atPath: URL(fileURLWithPath: credentialsDirectory)
                        .appendingPathComponent(ConfigurationLoader.hs256SecretCredential).path)
            {
                return "credential \(ConfigurationLoader.hs256SecretCredential)"
            }
            if let filePath, fileKeys.isEmpty || fileKeys.contains(key.name) { return filePath }
            return "default"
        }
    }

    /// Reads keys through a `ConfigReader`, collecting problems instead of stopping at the first.
    struct Reader {
        let config: ConfigReader
        let sources: Sources
        var problems: [ConfigurationProblem] = []

        init(config: ConfigReader, sources: Sources) {
            self.config = config
            self.sources = sources
        }

        /// Records a problem with `key`, naming the source of its value unless `namingSource` is false.
        mutating func problem(_ key: ConfigurationKey, _ message: String, namingSource: Bool = true) {
            let text = namingSource ? "\(message) (from \(sources.describe(key)))" : message
            problems.append(.init(key: key.name, message: text))
        }

        /// The raw text of a scalar key, or `nil` when no source sets it (or it is a list: a problem).
        mutating func string(_ key: ConfigurationKey) -> String? {
            let configKey = ConfigKey(key.name)
            if let value = config.string(forKey: configKey, isSecret: key.isSecret) { return value }
            if config.stringArray(forKey: configKey, isSecret: key.isSecret) != nil {
                problem(key, "must be a single value, not a list")
            }
            return nil
        }

        /// A scalar that must not be empty when set.
        mutating func nonEmptyString(_ key: ConfigurationKey) -> String? {
            guard let value = string(key) else { return nil }
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else {
                problem(key, "must not be empty")
                return nil
            }
            return trimmed
        }

        /// An optional scalar: empty, `~` and `null` mean "not set".
        mutating func optionalString(_ key: ConfigurationKey) -> String? {
            guard let value = string(key)?.trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
            return ["", "~", "null"].contains(value) ? nil : value
        }

        /// A list key (a YAML sequence, or comma-separated text from the environment or CLI), trimmed, without
        /// empty entries; `nil` when no source sets it.
        mutating func list(_ key: ConfigurationKey) -> [String]? {
            let configKey = ConfigKey(key.name)
            if let values = config.stringArray(forKey: configKey, isSecret: key.isSecret) {
                return values.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
            }
            if config.string(forKey: configKey, isSecret: key.isSecret) != nil {
                problem(key, "must be a list")
            }
            return nil
        }

        /// A list of CIDR ranges; every invalid entry is a problem.
        mutating func cidrList(_ key: ConfigurationKey) -> [String]? {
            guard let entries = list(key) else { return nil }
            let (_, invalid) = CIDR.parseList(entries)
            for entry in invalid {
                problem(key, "\"\(entry)\" is not a CIDR range such as 10.0.0.0/8 or ::1/128")
            }
            return invalid.isEmpty ? entries : nil
        }

        /// One of a fixed set of words (compared in lower case).
        mutating func choice(_ key: ConfigurationKey, among choices: [String]) -> String? {
            guard let value = nonEmptyString(key) else { return nil }
            let lowered = value.lowercased()
            guard choices.contains(lowered) else {
                problem(key, "\"\(value)\" is not one of \(choices.joined(separator: ", "))")
                return nil
            }
            return lowered
        }

        /// A whole number of at least `minimum`.
        mutating func integer(_ key: ConfigurationKey, minimum: Int) -> Int? {
            guard let text = nonEmptyString(key) else { return nil }
            guard let value = Int(text) else {
                problem(key, "\"\(text)\" is not a whole number")
                return nil
            }
            guard value >= minimum else {
                problem(key, "\(value) must be \(minimum) or more")
                return nil
            }
            return value
        }

        /// `true`/`false` (also `yes`/`no`, `on`/`off`, `1`/`0`).
        mutating func boolean(_ key: ConfigurationKey) -> Bool? {
            guard let text = nonEmptyString(key) else { return nil }
            switch text.lowercased() {
            case "true", "yes", "on", "1": return true
            case "false", "no", "off", "0": return false
            default:
                problem(key, "\"\(text)\" is not true or false")
                return nil
            }
        }

        mutating func checkReadableFile(_ path: String, key: ConfigurationKey) {
            var isDirectory: ObjCBool = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                problem(key, "file \(path) does not exist")
            } else if isDirectory.boolValue {
                problem(key, "\(path) is a directory, not a file")
            } else if !FileManager.default.isReadableFile(atPath: path) {
                problem(key, "file \(path) is not readable")
            }
        }

        /// Reads one listener's keys over `listener`'s defaults.
        mutating func listener(_ keys: ConfigurationKey.Listener, into listener: inout ListenerConfiguration) {
            if let text = nonEmptyString(keys.address) {
                if let (host, port) = ListenerAddress.parse(text) {
                    listener.host = host
                    listener.port = port
                } else {
                    problem(keys.address, "\"\(text)\" is not HOST:PORT or [IPv6]:PORT with a port from 0 to 65535")
                }
            }
            let certificate = optionalString(keys.certificateFile)
            let key = optionalString(keys.keyFile)
            if let certificate { checkReadableFile(certificate, key: keys.certificateFile) }
            if let key { checkReadableFile(key, key: keys.keyFile) }
            if certificate != nil, key == nil {
                problem(keys.keyFile, "is required when \(keys.certificateFile.name) is set", namingSource: false)
            }
            if key != nil, certificate == nil {
                problem(keys.certificateFile, "is required when \(keys.keyFile.name) is set", namingSource: false)
            }
            listener.tlsCertificateFile = certificate
            listener.tlsKeyFile = key
            if let proxies = cidrList(keys.trustedProxies) { listener.trustedProxies = proxies }
        }
    }
}

import Foundation
import HeraldCore
import Testing

@testable import herald

/// A temporary directory for config files, certificates and credentials.
final class Scratch {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("herald-config-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `contents` to `name` in the directory and returns the full path.
    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        let file = URL(fileURLWithPath: path).appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }
}

/// Loads `yaml` as the config file, with `environment`: the configuration and every problem found.
func evaluate(yaml: String, environment: [String: String] = [:]) async throws
    -> (HeraldConfiguration, [ConfigurationProblem])
{
    let scratch = try Scratch()
    let file = try scratch.write("herald.yaml", yaml)
    let result = await ConfigurationLoader.evaluate(configFile: file, overrides: [:], environment: environment)
    return (result.configuration, result.problems)
}

@Suite("configuration loading")
struct ConfigurationLoaderTests {
    /// Problems as `KEY: MESSAGE` lines, for readable failures.
    func lines(_ problems: [ConfigurationProblem]) -> [String] { problems.map(\.description) }

    func problems(_ yaml: String, environment: [String: String] = [:], overrides: [String: String] = [:])
        async throws -> [ConfigurationProblem]
    {
        let scratch = try Scratch()
        let file = try scratch.write("herald.yaml", yaml)
        return await ConfigurationLoader.problems(configFile: file, overrides: overrides, environment: environment)
    }

    @Test func defaultsWithoutAnySource() async throws {
        let configuration = try await ConfigurationLoader.load(configFile: nil, overrides: [:], environment: [:])
        #expect(configuration == HeraldConfiguration())
        #expect(configuration.stateDirectory == "./var")
        #expect(configuration.publicListener.port == 8080 && configuration.adminListener.port == 8081)
    }

    @Test func stateDirectoryFallsBackToSystemdStateDirectory() async throws {
        let fromSystemd = try await ConfigurationLoader.load(
            configFile: nil, overrides: [:], environment: ["STATE_DIRECTORY": "/var/lib/herald"])
        #expect(fromSystemd.stateDirectory == "/var/lib/herald")
        let explicit = try await ConfigurationLoader.load(
            configFile: nil, overrides: [:],
            environment: ["STATE_DIRECTORY": "/var/lib/herald", "HERALD_STATE_DIR": "/srv/herald"])
        #expect(explicit.stateDirectory == "/srv/herald")
    }

    @Test("CLI beats environment beats file beats default")
    func precedence() async throws {
        let scratch = try Scratch()
        let file = try scratch.write(
            "herald.yaml",
            """
            state_dir: /from/file
            log:
              level: debug
              format: json
            public:
              address: "0.0.0.0:9000"
            admin:
              address: "[::1]:9001"
            """)
        let environment = ["HERALD_LOG_LEVEL": "warning", "HERALD_STATE_DIR": "/from/env"]
        let overrides = ["log.level": "error"]

        let all = try await ConfigurationLoader.load(configFile: file, overrides: overrides, environment: environment)
        #expect(all.logLevel == "error")
        #expect(all.stateDirectory == "/from/env")
        #expect(all.logFormat == "json")
        #expect(all.publicListener.host == "0.0.0.0" && all.publicListener.port == 9000)
        #expect(all.adminListener.host == "::1" && all.adminListener.port == 9001)
        #expect(all.databaseSynchronous == "full")

        let noCLI = try await ConfigurationLoader.load(configFile: file, overrides: [:], environment: environment)
        #expect(noCLI.logLevel == "warning")
        let fileOnly = try await ConfigurationLoader.load(configFile: file, overrides: [:], environment: [:])
        #expect(fileOnly.logLevel == "debug" && fileOnly.stateDirectory == "/from/file")
        let cliOverFile = try await ConfigurationLoader.load(
            configFile: file, overrides: ["state_dir": "/from/cli", "public.address": "127.0.0.1:0"],
            environment: [:])
        #expect(cliOverFile.stateDirectory == "/from/cli" && cliOverFile.publicListener.port == 0)
    }

    @Test func everyKeyFromTheFile() async throws {
        let scratch = try Scratch()
        let certificate = try scratch.write("tls/cert.pem", "cert")
        let key = try scratch.write("tls/key.pem", "key")
        let jwtKey = try scratch.write("jwt.pem", "-----BEGIN PUBLIC KEY-----\n")
        let file = try scratch.write(
            "herald.yaml",
            """
            state_dir: /srv/herald
            public:
              address: 0.0.0.0:443
              tls:
                certificate_file: \(certificate)
                key_file: \(key)
              trusted_proxies: [10.0.0.0/8, "::1/128"]
            admin:
              address: 127.0.0.1:0
              trusted_proxies: []
            log: {level: NOTICE, format: text}
            limits:
              max_body_bytes: 2048
              auth_failures: 5
              auth_failure_window_seconds: 30
            organizations:
              auto_approve: true
              default_tier: pro
            auth:
              jwt:
                issuer: https://sso.example.com
                audience: herald
                hs256_secret: file-secret
                public_keys:
                  - \(jwtKey)
                  - |
                    -----BEGIN PUBLIC KEY-----
                    MCowBQYDK2VwAyEA
                    -----END PUBLIC KEY-----
            outbound:
              allowlist:
                - 127.0.0.0/8
                - ::1/128
            database:
              synchronous: normal
            shutdown:
              grace_seconds: 12.5
            bootstrap:
              admin_email: Root@Example.com
            """)
        let configuration = try await ConfigurationLoader.load(configFile: file, overrides: [:], environment: [:])
        #expect(configuration.stateDirectory == "/srv/herald")
        #expect(configuration.publicListener.port == 443)
        #expect(configuration.publicListener.usesTLS)
        #expect(configuration.publicListener.tlsCertificateFile == certificate)
        #expect(configuration.publicListener.trustedProxies == ["10.0.0.0/8", "::1/128"])
        #expect(configuration.adminListener.port == 0 && configuration.adminListener.trustedProxies.isEmpty)
        #expect(configuration.logLevel == "notice")
        #expect(configuration.limits.maxBodyBytes == 2048)
        #expect(configuration.limits.authFailures == 5)
        #expect(configuration.limits.authFailureWindowSeconds == 30)
        #expect(configuration.organizations.autoApprove)
        #expect(configuration.organizations.defaultTierId == "pro")
        #expect(configuration.auth.jwtIssuer == "https://sso.example.com")
        #expect(configuration.auth.jwtAudience == "herald")
        #expect(configuration.auth.jwtHS256Secret == "file-secret")
        #expect(configuration.auth.jwtPublicKeys.count == 2)
        #expect(configuration.auth.jwtPublicKeys[1].hasPrefix("-----BEGIN PUBLIC KEY-----\nMCow"))
        #expect(configuration.outboundAllowlist == ["127.0.0.0/8", "::1/128"])
        #expect(configuration.databaseSynchronous == "normal")
        #expect(configuration.shutdownGraceSeconds == 12.5)
        #expect(configuration.bootstrapAdminEmail == "root@example.com")
    }

    @Test func environmentTwins() async throws {
        let configuration = try await ConfigurationLoader.load(
            configFile: nil, overrides: [:],
            environment: [
                "HERALD_PUBLIC_ADDRESS": "[::]:8443",
                "HERALD_ADMIN_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.0.0/16,",
                "HERALD_LOG_FORMAT": "json",
                "HERALD_OUTBOUND_ALLOWLIST": "127.0.0.0/8,::1/128",
                "HERALD_ORGANIZATIONS_AUTO_APPROVE": "yes",
                "HERALD_ORGANIZATIONS_DEFAULT_TIER": "starter",
                "HERALD_JWT_ISSUER": "sso",
                "HERALD_JWT_HS256_SECRET": "env-secret",
                "HERALD_LIMITS_MAX_BODY_BYTES": "4096",
                "HERALD_DATABASE_SYNCHRONOUS": "NORMAL",
                "HERALD_SHUTDOWN_GRACE_SECONDS": "3",
                "HERALD_BOOTSTRAP_ADMIN_EMAIL": "ops@example.com",
            ])
        #expect(configuration.publicListener.host == "::" && configuration.publicListener.port == 8443)
        #expect(configuration.adminListener.trustedProxies == ["10.0.0.0/8", "192.168.0.0/16"])
        #expect(configuration.logFormat == "json")
        #expect(configuration.outboundAllowlist == ["127.0.0.0/8", "::1/128"])
        #expect(configuration.organizations.autoApprove)
        #expect(configuration.organizations.defaultTierId == "starter")
        #expect(configuration.auth.jwtIssuer == "sso" && configuration.auth.jwtHS256Secret == "env-secret")
        #expect(configuration.limits.maxBodyBytes == 4096)
        #expect(configuration.databaseSynchronous == "normal")
        #expect(configuration.shutdownGraceSeconds == 3)
        #expect(configuration.bootstrapAdminEmail == "ops@example.com")
    }

    @Test func listOverridesFromTheCommandLine() async throws {
        let configuration = try await ConfigurationLoader.load(
            configFile: nil, overrides: ["outbound.allowlist": "10.0.0.0/8,fd00::/8"], environment: [:])
        #expect(configuration.outboundAllowlist == ["10.0.0.0/8", "fd00::/8"])
    }

    @Test func configurationDirectoryFile() async throws {
        let scratch = try Scratch()
        try scratch.write("herald.yaml", "log:\n  level: debug\n")
        let found = try await ConfigurationLoader.load(
            configFile: nil, overrides: [:], environment: ["CONFIGURATION_DIRECTORY": scratch.path])
        #expect(found.logLevel == "debug")
        // An explicit --config wins; a directory without herald.yaml means no file.
        let empty = try Scratch()
        let none = try await ConfigurationLoader.load(
            configFile: nil, overrides: [:], environment: ["CONFIGURATION_DIRECTORY": empty.path])
        #expect(none == HeraldConfiguration())
    }

    @Test("the HS256 secret comes from CREDENTIALS_DIRECTORY, trimmed")
    func credentialsDirectory() async throws {
        let credentials = try Scratch()
        try credentials.write("jwt-hs256-secret", "  credential-secret\n")
        try credentials.write("master-key", "not for the loader")
        let configFile = try Scratch()
        let file = try configFile.write(
            "herald.yaml", "auth:\n  jwt:\n    issuer: sso\n    hs256_secret: file-secret\n")

        let configuration = try await ConfigurationLoader.load(
            configFile: file, overrides: [:], environment: ["CREDENTIALS_DIRECTORY": credentials.path])
        #expect(configuration.auth.jwtHS256Secret == "credential-secret")
        #expect(configuration.auth.jwtIssuer == "sso")

        // The environment still wins over the credential.
        let fromEnvironment = try await ConfigurationLoader.load(
            configFile: file, overrides: [:],
            environment: ["CREDENTIALS_DIRECTORY": credentials.path, "HERALD_JWT_HS256_SECRET": "env-secret"])
        #expect(fromEnvironment.auth.jwtHS256Secret == "env-secret")

        // A credentials directory without the file leaves the other sources alone.
        let other = try Scratch()
        let fallback = try await ConfigurationLoader.load(
            configFile: file, overrides: [:], environment: ["CREDENTIALS_DIRECTORY": other.path])
        #expect(fallback.auth.jwtHS256Secret == "file-secret")

        // So does an empty credential.
        let blank = try Scratch()
        try blank.write("jwt-hs256-secret", "\n")
        let fromFile = try await ConfigurationLoader.load(
            configFile: file, overrides: [:], environment: ["CREDENTIALS_DIRECTORY": blank.path])
        #expect(fromFile.auth.jwtHS256Secret == "file-secret")
    }

    @Test func loadThrowsEveryProblem() async throws {
        let error = await #expect(throws: ConfigurationProblems.self) {
            _ = try await ConfigurationLoader.load(
                configFile: nil, overrides: ["log.level": "loud", "public.address": "nowhere"], environment: [:])
        }
        #expect(error?.problems.map(\.key) == ["public.address", "log.level"])
        #expect(error?.description.contains("log.level: \"loud\" is not one of trace") == true)
    }

    @Test func unknownKeys() async throws {
        let found = try await problems(
            """
            log:
              level: info
              colour: red
            publik:
              address: 127.0.0.1:1
            public: 8080
            """, overrides: ["log.colour": "blue"])
        let keys = Set(found.map(\.key))
        #expect(keys == ["log.colour", "publik.address", "public"])
        #expect(lines(found).contains { $0.hasPrefix("log.colour: unknown key (command line)") })
        #expect(lines(found).contains { $0.hasPrefix("publik.address: unknown key (in ") })
    }

    @Test func missingAndUnparsableFiles() async throws {
        let missing = await ConfigurationLoader.problems(configFile: "/nonexistent/herald.yaml", environment: [:])
        #expect(lines(missing) == ["config: config file /nonexistent/herald.yaml does not exist"])

        let broken = try await problems("log: [unclosed\n  level: info")
        #expect(broken.count == 1)
        #expect(broken.first?.key == "config")
        #expect(broken.first?.message.hasPrefix("cannot parse /") == true)
        #expect(broken.first?.message.contains("herald.yaml") == true)

        let notAMapping = try await problems("- just\n- a list\n")
        #expect(notAMapping.map(\.key) == ["config"])
    }

    @Test func badAddresses() async throws {
        for bad in ["localhost", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", ":8080", "::1:8080", "[::1]8080",
            "127.0.0.1:80x", "[127.0.0.1]:80", "a b:80"]
        {
            let found = await ConfigurationLoader.problems(
                configFile: nil, environment: ["HERALD_ADMIN_ADDRESS": bad])
            #expect(found.map(\.key) == ["admin.address"], "\(bad)")
            #expect(found.first?.message.hasSuffix("(from HERALD_ADMIN_ADDRESS)") == true)
        }
        for good in ["localhost:0", "0.0.0.0:65535", "[::]:1", "[fe80::1]:8080", "herald.internal:8443"] {
            #expect(await ConfigurationLoader.problems(configFile: nil, environment: ["HERALD_ADMIN_ADDRESS": good]).isEmpty)
        }
    }

    @Test func badWordsNumbersAndBooleans() async throws {
        let found = try await problems(
            """
            log:
              level: verbose
              format: xml
            limits:
              max_body_bytes: -1
              auth_failures: lots
              auth_failure_window_seconds: 0
            organizations:
              auto_approve: maybe
              default_tier: "no spaces allowed"
            database:
              synchronous: off
            shutdown:
              grace_seconds: -5
            bootstrap:
              admin_email: nobody
            """)
        #expect(found.map(\.key) == [
            "log.level", "log.format", "limits.max_body_bytes", "limits.auth_failures",
            "limits.auth_failure_window_seconds", "organizations.auto_approve", "organizations.default_tier",
            "database.synchronous", "shutdown.grace_seconds", "bootstrap.admin_email",
        ])
        #expect(lines(found).contains { $0.hasPrefix("limits.max_body_bytes: -1 must be 1 or more (from /") })
    }

    @Test func badCIDRs() async throws {
        let found = try await problems(
            """
            public:
              trusted_proxies: [10.0.0.0/8, 10.0.0.0/33, proxy.local]
            outbound:
              allowlist: 127.0.0.0/8
            """, environment: ["HERALD_ADMIN_TRUSTED_PROXIES": "::1/129"])
        #expect(lines(found).count == 4)
        #expect(found.map(\.key) == [
            "public.trusted_proxies", "public.trusted_proxies", "admin.trusted_proxies", "outbound.allowlist",
        ])
        #expect(found[0].message.hasPrefix("\"10.0.0.0/33\" is not a CIDR range"))
        #expect(found[3].message.hasPrefix("must be a list"))
    }

    @Test func tlsHalvesAndMissingFiles() async throws {
        let scratch = try Scratch()
        let certificate = try scratch.write("cert.pem", "cert")
        let found = try await problems(
            """
            public:
              tls:
                certificate_file: \(certificate)
            admin:
              tls:
                certificate_file: /nonexistent/cert.pem
                key_file: /nonexistent/key.pem
            auth:
              jwt:
                public_keys: [/nonexistent/jwt.pem]
            """)
        #expect(found.map(\.key) == [
            "public.tls.key_file", "admin.tls.certificate_file", "admin.tls.key_file", "auth.jwt.public_keys",
            "auth.jwt.issuer",
        ])
        #expect(found[0].message == "is required when public.tls.certificate_file is set")
        #expect(found[1].message.hasPrefix("file /nonexistent/cert.pem does not exist"))
        #expect(found[4].message == "is required when auth.jwt.hs256_secret or auth.jwt.public_keys is set")
    }

    @Test func listWhereAScalarBelongs() async throws {
        let found = try await problems("log:\n  level: [info, debug]\n")
        #expect(lines(found).count == 1)
        #expect(found.first?.key == "log.level")
        #expect(found.first?.message.hasPrefix("must be a single value, not a list") == true)
    }

    @Test("etc/herald.example.yaml loads without problems")
    func exampleFile() async throws {
        let example = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("etc/herald.example.yaml").path
        #expect(FileManager.default.fileExists(atPath: example))
        let found = await ConfigurationLoader.problems(configFile: example, environment: [:])
        #expect(lines(found) == [])
        let configuration = try await ConfigurationLoader.load(configFile: example, overrides: [:], environment: [:])
        #expect(configuration == HeraldConfiguration())

        // Every key in the catalogue is mentioned in the example, commented out or not.
        let text = try String(contentsOfFile: example, encoding: .utf8)
        for key in ConfigurationKey.all {
            let leaf = key.name.split(separator: ".").last.map(String.init) ?? key.name
            #expect(text.contains("\(leaf):"), "\(key.name) is not in the example")
            #expect(text.contains(key.environmentName), "\(key.environmentName) is not in the example")
        }
    }
}

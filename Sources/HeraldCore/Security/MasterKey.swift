import Crypto
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The 32-byte key that seals secrets at rest (webhook secrets, SMTP passwords, SIEM tokens).
///
/// Read from `$CREDENTIALS_DIRECTORY/master-key` (systemd `LoadCredential=`) when that file exists,
/// otherwise from `<state>/master-key`, which is generated with mode 0600 on first use. The file may
/// hold the 32 raw bytes, 64 hex characters, or base64 of the 32 bytes (text forms are trimmed).
public struct MasterKey: Sendable, CustomStringConvertible {
    /// The name of the key file in both directories.
    public static let fileName = "master-key"
    /// The size of the key.
    public static let byteCount = 32

    /// Where the key came from.
    public enum Source: Sendable, Hashable {
        /// `$CREDENTIALS_DIRECTORY/master-key`.
        case credentials(path: String)
        /// `<state>/master-key`, read as it was.
        case stateFile(path: String)
        /// `<state>/master-key`, created by this call.
        case generated(path: String)
    }

    /// The key; never printed.
    public let key: SymmetricKey
    public let source: Source

    /// Wraps 32 key bytes (tests and tools).
    ///
    /// - Throws: `HeraldError` `master_key_invalid` for any other size.
    public init(bytes: some Collection<UInt8>, source: Source = .credentials(path: "(memory)")) throws {
        guard bytes.count == Self.byteCount else {
            throw HeraldError(.masterKeyInvalid, "a master key is \(Self.byteCount) bytes, not \(bytes.count)")
        }
        self.key = SymmetricKey(data: Array(bytes))
        self.source = source
    }

    /// Loads the master key, generating `<state>/master-key` when neither file exists.
    ///
    /// - Parameters:
    ///   - credentialsDirectory: `$CREDENTIALS_DIRECTORY`, or `nil` outside systemd.
    ///   - stateDirectory: the state directory; created (mode 0700) if missing when the key must be generated.
    /// - Throws: `HeraldError` `master_key_invalid` naming the file when it cannot be read or does not
    ///   hold 32 bytes in one of the accepted forms.
    public static func load(credentialsDirectory: String?, stateDirectory: String) throws -> MasterKey {
        if let credentialsDirectory, !credentialsDirectory.isEmpty {
            let path = (credentialsDirectory as NSString).appendingPathComponent(fileName)
            if FileManager.default.fileExists(atPath: path) {
                return try MasterKey(bytes: try parse(try read(path), path: path), source: .credentials(path: path))
            }
        }
        let path = (stateDirectory as NSString).appendingPathComponent(fileName)
        if FileManager.default.fileExists(atPath: path) {
            return try MasterKey(bytes: try parse(try read(path), path: path), source: .stateFile(path: path))
        }
        return try generate(at: path, stateDirectory: stateDirectory)
    }

    /// The key bytes in one of the accepted forms: 64 hex characters, base64 of 32 bytes (both
    /// trimmed of surrounding whitespace), or exactly 32 raw bytes.
    static func parse(_ contents: [UInt8], path: String) throws -> [UInt8] {
        if let text = String(validating: contents, as: UTF8.self) {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.utf8.count == 64, let bytes = decodeHex(trimmed) { return bytes }
            if trimmed.utf8.count == 44, let data = Data(base64Encoded: trimmed), data.count == byteCount {
                return Array(data)
            }
        }
        if contents.count == byteCount { return contents }
        throw HeraldError(
            .masterKeyInvalid,
            "the master key in \(path) must be 32 raw bytes, 64 hex characters or base64 of 32 bytes; "
                + "it holds \(contents.count) bytes in none of these forms"
        )
    }

    static func read(_ path: String) throws -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw HeraldError(.masterKeyInvalid, "cannot read the master key file \(path)", cause: error)
        }
    }

    /// Creates the key file with `O_EXCL` and mode 0600, so two processes starting at once cannot
    /// both write one; the loser reads the winner's key.
    static func generate(at path: String, stateDirectory: String) throws -> MasterKey {
        do {
            try FileManager.default.createDirectory(
                atPath: stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw HeraldError(.masterKeyInvalid, "cannot create the state directory \(stateDirectory)", cause: error)
        }
        let bytes = secureRandomBytes(byteCount)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            let code = errno
            if code == EEXIST {
                return try MasterKey(bytes: try parse(try read(path), path: path), source: .stateFile(path: path))
            }
            throw HeraldError(.masterKeyInvalid, "cannot create the master key file \(path): \(String(cString: strerror(code)))")
        }
        defer { close(descriptor) }
        let text = Array((Data(bytes).base64EncodedString() + "\n").utf8)
        let written = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == text.count, fsync(descriptor) == 0 else {
            let code = errno
            unlink(path)
            throw HeraldError(.masterKeyInvalid, "cannot write the master key file \(path): \(String(cString: strerror(code)))")
        }
        return try MasterKey(bytes: bytes, source: .generated(path: path))
    }

    static func decodeHex(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count / 2)
        var high: UInt8?
        for character in text.utf8 {
            let value: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return high == nil ? bytes : nil
    }

    public var description: String { "MasterKey(\(source), redacted)" }
}

extension HeraldError.Code {
    /// The master key file is missing, unreadable, or not 32 bytes.
    public static let masterKeyInvalid = HeraldError.Code("master_key_invalid", status: 500)
}

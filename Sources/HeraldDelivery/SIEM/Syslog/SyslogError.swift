/// Why a syslog destination could not be configured, reached or written to: a code, a message naming the
/// destination and the reason, and the underlying error (NIO, NIOSSL/BoringSSL) for logs.
public struct SyslogError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        /// Whether trying again later can succeed (false for configuration errors).
        public let isRetryable: Bool

        init(_ name: String, retryable: Bool = true) {
            self.name = name
            self.isRetryable = retryable
        }

        public var description: String { name }

        /// The URL is not `tcp://host:port` or `tls://host:port`.
        public static let invalidEndpoint = Code("invalid_endpoint", retryable: false)
        /// The CA, client certificate or key PEM cannot be used.
        public static let tlsConfiguration = Code("tls_configuration", retryable: false)
        /// The host name does not resolve.
        public static let unresolvable = Code("unresolvable")
        public static let connectionRefused = Code("connection_refused")
        /// No TCP connection (or, over TLS, no finished handshake) within the connect timeout.
        public static let connectTimeout = Code("connect_timeout")
        /// Any other failure to connect (unreachable network, reset…).
        public static let connectFailed = Code("connect_failed")
        /// The TLS handshake failed: untrusted or mismatched certificate, no common version or cipher…
        public static let tlsHandshakeFailed = Code("tls_handshake_failed")
        /// The batch was not written and flushed within the write timeout (the receiver stopped reading).
        public static let writeTimeout = Code("write_timeout")
        /// The receiver closed the connection or the write failed.
        public static let writeFailed = Code("write_failed")
    }

    public var code: Code
    public var message: String
    /// The underlying error, for logs.
    public var cause: (any Error)?
    public var location: SourceLocation

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.message = message
        self.cause = cause
        self.location = SourceLocation(file: file, line: line)
    }

    public var description: String {
        var text = "\(code.name): \(message)"
        if let cause { text += " cause: \(String(reflecting: cause))" }
        return text + " at \(location.file):\(location.line)"
    }

    /// Where an error was raised.
    public struct SourceLocation: Sendable, Hashable {
        public var file: String
        public var line: Int
    }
}

/// Why a DKIM key could not be read or a message could not be signed: a code and a message that says what
/// to change. No error carries key material.
public struct DKIMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String

        init(_ name: String) { self.name = name }

        public var description: String { name }

        /// The private key is not a PEM (or, for Ed25519, a base64 seed) of the algorithm's kind.
        public static let invalidKey = Code("invalid_key")
        /// The RSA key is shorter than the 1,024 bits RFC 8301 requires.
        public static let weakKey = Code("weak_key")
        /// The domain or the selector is not a DNS name that a verifier can look up.
        public static let invalidConfiguration = Code("invalid_configuration")
        /// The message is not RFC 5322 with CRLF line endings, or it has no From header field.
        public static let invalidMessage = Code("invalid_message")
        /// The cryptographic library refused to sign.
        public static let signingFailed = Code("signing_failed")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.name): \(message)" }
}

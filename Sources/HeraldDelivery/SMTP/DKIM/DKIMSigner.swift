import Crypto
import Foundation

/// Signs messages for one sending domain with DKIM (RFC 6376), relaxed/relaxed, with an RSA-SHA256 or an
/// Ed25519-SHA256 (RFC 8463) key.
///
/// ```swift
/// let signer = DKIMSigner(domain: "example.com", selector: "herald1", key: key)
/// let signed = try signer.sign(message, now: Date())
/// ```
/// Publish `key.dnsRecord` as the TXT record of `herald1._domainkey.example.com`.
public struct DKIMSigner: Sendable {
    /// The header fields signed by default, when present.
    public static let defaultSignedHeaders = [
        "from", "to", "subject", "date", "message-id", "reply-to", "mime-version", "content-type", "auto-submitted",
    ]

    /// The signing domain (`d=`).
    public let domain: String
    /// The selector (`s=`): the key record is at `<selector>._domainkey.<domain>`.
    public let selector: String
    public let key: DKIMKey
    /// The names of the header fields to sign, in lower case, in order, each once; `from` is always among them.
    public let signedHeaders: [String]

    /// - Parameters:
    ///   - domain: the signing domain, an ASCII DNS name (A-labels for international names).
    ///   - selector: the selector of the key.
    ///   - signedHeaders: the fields to sign when the message has them, in this order. Names compare
    ///     case-insensitively; repeats and `DKIM-Signature` are dropped; `from` is added first when missing,
    ///     since RFC 6376 §5.4 requires it.
    public init(
        domain: String, selector: String, key: DKIMKey,
        signedHeaders: [String] = DKIMSigner.defaultSignedHeaders
    ) {
        self.domain = domain.lowercased()
        self.selector = selector.lowercased()
        self.key = key
        var names: [String] = []
        for name in signedHeaders.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() })
        where !name.isEmpty && name != "dkim-signature" && !names.contains(name) {
            names.append(name)
        }
        if !names.contains("from") { names.insert("from", at: 0) }
        self.signedHeaders = names
    }

    /// The message with a `DKIM-Signature` header field prepended.
    ///
    /// The signature has `v=1; a=; c=relaxed/relaxed; d=; s=; t=; h=; bh=; b=`. `h=` names each of
    /// ``signedHeaders`` that the message has, in that order, once per instance, so that a field present
    /// twice is signed bottom-up (RFC 6376 §5.4.2). The field is folded to lines of at most 78 characters.
    ///
    /// - Parameters:
    ///   - message: an RFC 5322 message with CRLF line endings; its header ends at the first empty line.
    ///   - now: the signing time (`t=`).
    /// - Throws: `DKIMError` `.invalidConfiguration` for a domain or selector that is not a DNS name,
    ///   `.invalidMessage` for a message that is not CRLF RFC 5322 or has no From field, `.signingFailed`.
    public func sign(_ message: [UInt8], now: Date) throws(DKIMError) -> [UInt8] {
        try Self.checkName(domain, "domain")
        try Self.checkName(selector, "selector")
        let parsed = try DKIMMessage(message)
        guard parsed.count(of: "from") > 0 else {
            throw DKIMError(.invalidMessage, "the message has no From header field, which DKIM must sign")
        }
        var names: [String] = []
        for name in signedHeaders {
            names.append(contentsOf: repeatElement(name, count: parsed.count(of: name)))
        }

        var folder = DKIMHeaderFolder(name: "DKIM-Signature")
        folder.append("v=1;", spaced: true)
        folder.append("a=\(key.algorithm.rawValue);", spaced: true)
        folder.append("c=relaxed/relaxed;", spaced: true)
        folder.append("d=\(domain);", spaced: true)
        folder.append("s=\(selector);", spaced: true)
        folder.append("t=\(Int(now.timeIntervalSince1970.rounded(.down)));", spaced: true)
        for (index, name) in names.enumerated() {
            let last = index == names.count - 1
            folder.append((index == 0 ? "h=" : "") + name + (last ? ";" : ":"), spaced: index == 0)
        }
        folder.append("bh=\(Self.bodyHash(parsed.body));", spaced: true)

        // What is signed ends with this field, its b= empty (§3.7): the same text less the value that
        // follows, whose folding relaxed canonicalization reduces to the same single space.
        let unsigned = Array((folder.text + " b=").utf8)
        let data = Self.signedData(fields: parsed.fields(selectedBy: names), signatureField: unsigned[...])
        let signature = try key.signature(over: data)
        folder.appendBroken(prefix: "b=", value: Data(signature).base64EncodedString(), spaced: true)

        var signed = Array(folder.text.utf8)
        signed.reserveCapacity(signed.count + 2 + message.count)
        signed.append(contentsOf: DKIMASCII.crlf)
        signed.append(contentsOf: message)
        return signed
    }

    /// The base64 SHA-256 hash of the relaxed body (`bh=`).
    static func bodyHash(_ body: ArraySlice<UInt8>) -> String {
        Data(SHA256.hash(data: DKIMCanonicalization.relaxedBody(body))).base64EncodedString()
    }

    /// The data a signature covers (RFC 6376 §3.7): the relaxed form of each selected field, in order, then
    /// the relaxed form of the `DKIM-Signature` field with an empty `b=`, without its final CRLF.
    static func signedData(fields: [DKIMHeaderField], signatureField: ArraySlice<UInt8>) -> [UInt8] {
        var data: [UInt8] = []
        for field in fields { data.append(contentsOf: DKIMCanonicalization.relaxedHeader(field.raw)) }
        data.append(contentsOf: DKIMCanonicalization.relaxedHeader(signatureField).dropLast(2))
        return data
    }

    /// Refuses a name that a verifier could not look up, or that would break the header field.
    private static func checkName(_ name: String, _ what: String) throws(DKIMError) {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        let valid = name.utf8.count <= 253 && !labels.isEmpty && labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { byte in
                    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
                }
        }
        guard valid else {
            throw DKIMError(
                .invalidConfiguration,
                "the DKIM \(what) \"\(name)\" is not a DNS name (letters, digits and hyphens in dot-separated labels)")
        }
    }
}

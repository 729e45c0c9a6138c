/// A DKIM signing algorithm, as written in the `a=` tag of a signature.
///
/// `rsa-sha256` is RFC 6376 with the key sizes of RFC 8301 (`rsa-sha1` is not offered: RFC 8301 forbids
/// signing with it); `ed25519-sha256` is RFC 8463, whose keys and signatures are far shorter.
public enum DKIMAlgorithm: String, Sendable, Codable, CaseIterable {
    case rsaSHA256 = "rsa-sha256"
    case ed25519SHA256 = "ed25519-sha256"

    /// The key type of the DNS key record (its `k=` tag).
    var keyType: String {
        switch self {
        case .rsaSHA256: "rsa"
        case .ed25519SHA256: "ed25519"
        }
    }
}

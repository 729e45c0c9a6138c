import Foundation
import HeraldCore
import Synchronization

/// What the SCIM layer knows about a request once its token is checked: the principal, and the tolerant layer's
/// rules that fired while handling it (for the request log).
public final class ScimSession: Sendable {
    public let principal: ScimPrincipal
    private let fired = Mutex<[String]>([])

    init(principal: ScimPrincipal) {
        self.principal = principal
    }

    /// Notes rules that fired (each name once, in order).
    func noteQuirks(_ rules: [ScimQuirkRule]) {
        guard !rules.isEmpty else { return }
        fired.withLock { names in
            for rule in rules where !names.contains(rule.rawValue) { names.append(rule.rawValue) }
        }
    }

    var quirks: [String] { fired.withLock { $0 } }
}

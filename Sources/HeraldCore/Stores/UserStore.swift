import Foundation

/// Users, platform owners, MFA state and API keys.
///
/// Every method that changes state records its event (`EventRecord`) in the same transaction, with `actor`.
public protocol UserStore: Sendable {
    /// The user with this id, or nil.
    func user(id: String) async throws -> User?
    /// The user with this email (case-insensitive), or nil.
    func user(email: String) async throws -> User?
    /// The user with this email, created (not a platform owner) when there is none.
    func ensureUser(email: String, actor: Actor) async throws -> User
    /// The user a JWT names by issuer and subject, created on first sight with the token's email.
    /// - Throws: `forbidden` when the email belongs to a different user.
    func jwtUser(issuer: String, subject: String, email: String?) async throws -> User
    /// All users, oldest first.
    func listUsers(limit: Int, offset: Int) async throws -> Page<User>
    /// Users whose email contains `query`, or whose id equals it.
    func searchUsers(query: String, limit: Int) async throws -> [User]
    /// Makes a user a platform owner.
    /// - Throws: `not_found`; `already_platform_owner`.
    func promotePlatformOwner(userId: String, actor: Actor) async throws -> User
    /// Removes a user's platform-owner status.
    /// - Throws: `not_found`; `not_platform_owner`; `self_demotion`; `last_platform_owner`.
    func demotePlatformOwner(userId: String, actor: Actor) async throws
    /// A user's MFA state. - Throws: `not_found`.
    func mfaStatus(userId: String) async throws -> MFAStatus
    /// Clears a user's MFA state and records `user.mfa_force_disabled`.
    /// - Throws: `not_found`; `mfa_not_enabled`.
    func forceDisableMFA(userId: String, actor: Actor) async throws
    /// Suspicious MFA activity, newest first, optionally for one organization.
    func suspiciousActivity(orgId: String?, limit: Int) async throws -> [SuspiciousActivity]

    /// Creates an API key for a user (creating the user by email when `email` is given and unknown).
    func createAPIKey(userId: String, name: String, actor: Actor) async throws -> CreatedAPIKey
    /// The key and its user for a presented secret, updating `last_used_at`; nil when unknown or revoked.
    func authenticateAPIKey(secret: String) async throws -> (APIKey, User)?
    /// API keys, of one user or (nil) of everyone.
    func listAPIKeys(userId: String?) async throws -> [APIKey]
    /// Revokes (deletes) a key; with `userId`, only that user's key. - Throws: `not_found`.
    func revokeAPIKey(id: String, userId: String?, actor: Actor) async throws
    /// On an empty store, creates the platform owner `email` and an API key for it; nil when users exist.
    func bootstrapPlatformOwner(email: String) async throws -> CreatedAPIKey?
    /// Marks a user as a service principal (the SSO core's ingest identity) or not.
    func setService(userId: String, isService: Bool) async throws
}

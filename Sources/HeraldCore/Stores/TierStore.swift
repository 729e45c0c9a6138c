/// Organization tiers.
public protocol TierStore: Sendable {
    func tiers() async throws -> [Tier]
    /// The tier with this id, or nil.
    func tier(id: String) async throws -> Tier?
    /// - Throws: `already_exists` when the id is taken.
    func createTier(_ tier: NewTier, actor: Actor) async throws -> Tier
    /// - Throws: `not_found`.
    func updateTier(id: String, _ patch: TierPatch, actor: Actor) async throws -> Tier
    /// - Throws: `not_found`; `in_use` (409) while organizations use it.
    func deleteTier(id: String, actor: Actor) async throws
}

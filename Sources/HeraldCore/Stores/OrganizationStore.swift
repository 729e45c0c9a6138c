/// Organizations and their lifecycle.
public protocol OrganizationStore: Sendable {
    /// Creates an organization with `owner` as its owner member.
    /// - Parameters:
    ///   - autoApproveTierId: when set, the organization starts active on this tier; else pending.
    /// - Throws: `already_exists` (409) when the slug is taken.
    func createOrganization(slug: String, name: String, owner: User, autoApproveTierId: String?, actor: Actor)
        async throws -> Organization
    func organization(id: String) async throws -> Organization?
    func organization(slug: String) async throws -> Organization?
    /// An organization with its tier, owner and member count. - Throws: `not_found`.
    func organizationDetails(id: String) async throws -> OrganizationDetails
    /// Organizations matching the query, newest first.
    func listOrganizations(_ query: OrganizationQuery) async throws -> Page<OrganizationDetails>
    /// The organizations a user belongs to, with the user's role, matching the query's status and page.
    func myOrganizations(userId: String, query: OrganizationQuery) async throws -> Page<MyOrganization>
    /// Renames an organization. - Throws: `not_found`.
    func updateOrganization(id: String, name: String, actor: Actor) async throws -> Organization
    /// Deletes an organization and all its data, recording the platform-level `organization.deleted`.
    func deleteOrganization(id: String, actor: Actor) async throws
    /// Applies a lifecycle transition.
    /// - Parameters:
    ///   - tierId: the tier to assign (approve only).
    ///   - reason: the rejection reason (reject only).
    /// - Throws: `not_found`; `invalid_state` naming the current state; `unknown_tier` (400) on approve.
    func transitionOrganization(
        id: String, _ transition: OrganizationTransition, tierId: String?, reason: String?, actor: Actor
    ) async throws -> Organization
    /// Moves an organization to a tier, with optional limit overrides.
    /// - Throws: `not_found` for the organization or the tier.
    func updateOrganizationTier(id: String, tierId: String, maxServices: Int?, maxUsers: Int?, actor: Actor)
        async throws -> Organization
    /// The user's role in the organization, nil when not a member.
    func role(userId: String, orgId: String) async throws -> Role?
}

/// Everything the admin API needs from the store, behind one value.
public typealias HeraldStore = UserStore & TierStore & OrganizationStore & MembershipStore & EventStore
    & AnalyticsStore & WebhookStore & ScimStore & SiemStore & MailStore & HealthCheckable

/// A store that can tell whether it is reachable and migrated.
public protocol HealthCheckable: Sendable {
    /// Throws when the store cannot answer a trivial query.
    func checkHealth() async throws
}

import Foundation

/// SIEM integrations, their sealed credentials and cursors, and what forwarding reads and records.
///
/// `orgId` nil addresses the platform-wide integrations (they receive every organization's events); an
/// organization's routes only ever see its own. Mutations record their event (`siem.integration.*`) in the
/// same transaction, like every store.
public protocol SiemStore: Sendable {
    /// Creates an integration whose cursor starts at the newest event in its scope (it forwards what comes
    /// next; a replay reaches back). Credentials are sealed.
    func createSiemIntegration(orgId: String?, _ new: NewSiemIntegration, actor: Actor) async throws
        -> SiemIntegration
    /// The integrations of an organization (or the platform-wide ones), newest first.
    func siemIntegrations(orgId: String?) async throws -> [SiemIntegration]
    /// One integration in the scope. - Throws: `not_found`, also for one of another scope.
    func siemIntegration(orgId: String?, id: String) async throws -> SiemIntegration
    /// Applies a patch. Switching `enabled` records `siem.integration.paused` (off) or `…updated` (on); a
    /// change of endpoint, credentials or `enabled: true` clears a disabled reason.
    func updateSiemIntegration(orgId: String?, id: String, _ patch: SiemIntegrationPatch, actor: Actor)
        async throws -> SiemIntegration
    /// Deletes the integration and cancels its pending flush.
    func deleteSiemIntegration(orgId: String?, id: String, actor: Actor) async throws
    /// Moves the cursor back to just before the first event in scope that occurred at or after `since`, and
    /// schedules a flush. - Returns: the events in scope after the new cursor.
    func replaySiemIntegration(orgId: String?, id: String, since: Date, actor: Actor) async throws -> Int64
    /// How far behind the integration is.
    func siemLag(integrationId: String) async throws -> SiemLag
    /// A scope's integrations (as ``siemIntegrations(orgId:)``), each with its lag, read together.
    func siemIntegrationsWithLag(orgId: String?) async throws -> [(SiemIntegration, SiemLag)]
    /// The stored credentials, opened (for the test endpoint and the forwarder).
    func siemCredentials(integrationId: String) async throws -> [String: String]

    /// The integration by id alone, for the forwarder (nil when deleted), with its cursor generation.
    func siemIntegrationForDelivery(id: String) async throws -> (SiemIntegration, generation: Int64)?
    /// Up to `limit` events in scope after `sequence`, in order (all events for nil `orgId`), their data as stored.
    func siemEvents(orgId: String?, after sequence: Int64, limit: Int) async throws -> [StoredEvent]
    /// Moves the cursor forward to `sequence` with the dead letters of that stretch, and records the success —
    /// only while the cursor generation is still `generation` (a replay in between wins).
    /// - Returns: false when a replay moved the cursor meanwhile (nothing changed).
    func advanceSiemCursor(
        integrationId: String, generation: Int64, to sequence: Int64, deadLetters: [SiemDeadLetter], at: Date
    ) async throws -> Bool
    /// Records a failed attempt; with `disable`, stops forwarding with the reason and records
    /// `siem.integration.error`.
    func recordSiemFailure(integrationId: String, error: String, disable: Bool, at: Date) async throws
    /// Enqueues a flush (unique per integration) for every forwarding integration with events in scope after
    /// its cursor, due at `runAt`. - Returns: the flushes enqueued.
    func scheduleSiemFlushes(runAt: Date, maxAttempts: Int) async throws -> Int
    /// Dead letters of an integration, newest first.
    func siemDeadLetters(orgId: String?, integrationId: String, limit: Int) async throws -> [SiemDeadLetter]

    /// The organization's ingested `risk.*` events, newest first.
    func riskEvents(orgId: String, severity: Severity?, type: String?, since: Date?, limit: Int) async throws
        -> [Event]
}

/// An event the destination could not take, set aside with the reason so that the cursor moves on.
public struct SiemDeadLetter: Sendable, Hashable {
    public var eventSequence: Int64
    public var eventId: String
    public var eventType: String
    public var reason: String
    public var createdAt: Date

    public init(eventSequence: Int64, eventId: String, eventType: String, reason: String, createdAt: Date) {
        self.eventSequence = eventSequence
        self.eventId = eventId
        self.eventType = eventType
        self.reason = reason
        self.createdAt = createdAt
    }
}

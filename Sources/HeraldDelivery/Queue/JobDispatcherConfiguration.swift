import Foundation

/// Settings of the job processor (see ``JobDispatcher``).
public struct JobDispatcherConfiguration: Sendable {
    /// The lease owner written on claimed jobs (unique per process).
    public var owner: String
    /// The most jobs one claim takes.
    public var batchSize: Int
    /// How long a claim holds a job before it may be rescued; heartbeats extend it while the job runs.
    public var leaseDuration: Duration
    /// How often in-flight leases are extended, expired leases rescued and gauges refreshed.
    public var maintenanceInterval: Duration
    /// The longest the dispatcher sleeps without looking at the store (a safety net under the wake-ups).
    public var maxIdle: Duration
    /// How long in-flight jobs may run after graceful shutdown starts before they are cancelled.
    public var shutdownDeadline: Duration
    /// Limits of each destination.
    public var destination: DestinationGate.Configuration
    /// At start, take back every lease held by another owner at once instead of waiting for it to expire. Only
    /// where this process is the store's single user (the daemon holds the state directory's lock).
    public var rescuesForeignLeasesAtStart: Bool

    public init(
        owner: String = "herald-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))",
        batchSize: Int = 100, leaseDuration: Duration = .seconds(300), maintenanceInterval: Duration = .seconds(15),
        maxIdle: Duration = .seconds(30), shutdownDeadline: Duration = .seconds(10),
        destination: DestinationGate.Configuration = DestinationGate.Configuration(),
        rescuesForeignLeasesAtStart: Bool = false
    ) {
        self.owner = owner
        self.batchSize = max(1, batchSize)
        self.leaseDuration = leaseDuration
        self.maintenanceInterval = maintenanceInterval
        self.maxIdle = maxIdle
        self.shutdownDeadline = shutdownDeadline
        self.destination = destination
        self.rescuesForeignLeasesAtStart = rescuesForeignLeasesAtStart
    }
}

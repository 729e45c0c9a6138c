import Foundation

/// Sends a synthetic event to an integration's real destination through the forwarder's own connector code, and
/// reports the destination's answer (the `…/siem/{id}/test` routes; implemented by the delivery side).
public protocol SiemTesting: Sendable {
    func test(_ integration: SiemIntegration, credentials: [String: String]) async -> SiemTestResult
}

/// What a test send came to: the status and the vendor's own code and message, parsed.
public struct SiemTestResult: Sendable, Hashable {
    public var success: Bool
    public var statusCode: Int?
    public var vendorCode: Int?
    public var message: String
    public var latencyMilliseconds: Int

    public init(success: Bool, statusCode: Int?, vendorCode: Int?, message: String, latencyMilliseconds: Int) {
        self.success = success
        self.statusCode = statusCode
        self.vendorCode = vendorCode
        self.message = message
        self.latencyMilliseconds = latencyMilliseconds
    }
}

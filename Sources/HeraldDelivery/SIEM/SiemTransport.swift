import Foundation
import HeraldCore
import Logging

/// Carries one request body (or stream of frames) to an integration's destination and reads what came of it.
protocol SiemTransport: Sendable {
    func send(_ body: [UInt8], logger: Logger) async -> SiemSendResult
}

extension SiemHTTPTransport: SiemTransport {}

import HeraldCore
import Hummingbird

/// `/healthz` (the process answers) and `/readyz` (the store answers and is migrated).
struct HealthController {
    let store: any HeraldStore

    struct Status: ResponseEncodable {
        var status: String
    }

    func addRoutes(to router: Router<AdminRequestContext>) {
        router.get("healthz") { _, _ in Status(status: "ok") }
        router.get("readyz") { _, context in
            do {
                try await store.checkHealth()
                return EditedResponse(status: .ok, response: Status(status: "ready"))
            } catch {
                context.logger.warning("readiness check failed", metadata: ["error": "\(error)"])
                return EditedResponse(status: .serviceUnavailable, response: Status(status: "unavailable"))
            }
        }
    }
}

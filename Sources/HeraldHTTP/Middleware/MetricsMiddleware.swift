import Hummingbird
import Metrics

/// Counts requests by route, method and status and records their latency (Prometheus histogram).
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let listener: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        var status = 500
        defer {
            let route = context.endpointPath ?? "unmatched"
            let dimensions = [
                ("listener", listener), ("route", route), ("method", request.method.rawValue),
                ("status", String(status)),
            ]
            Counter(label: "herald_http_requests_total", dimensions: dimensions).increment()
            let elapsed = ContinuousClock.now - start
            Metrics.Timer(
                label: "herald_http_request_duration_seconds",
                dimensions: [("listener", listener), ("route", route), ("method", request.method.rawValue)]
            ).recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        }
        do {
            let response = try await next(request, context)
            status = Int(response.status.code)
            return response
        } catch let error as any HTTPResponseError {
            status = Int(error.status.code)
            throw error
        }
    }
}

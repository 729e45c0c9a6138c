import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real binary under a systemd-like supervisor: notify protocol, watchdog, graceful stop.
@Suite(.serialized) struct DaemonLifecycleTests {
    @Test func notifiesReadyWatchdogAndStoppingAndStopsWithinTheDeadline() async throws {
        let notify = try DatagramReceiver()
        let daemon = try HeraldProcess()
        let grace = 5.0
        let started = ContinuousClock.now
        let (publicURL, adminURL) = try await daemon.serve(environment: [
            "NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "400000",
            "HERALD_SHUTDOWN_GRACE_SECONDS": String(grace),
        ])
        let ready = await notify.receive(until: { $0.contains("READY=1") }, timeout: .seconds(10))
        #expect(ready.contains { $0.contains("READY=1") }, "datagrams: \(ready)")
        #expect(ContinuousClock.now - started < .seconds(20))

        // READY=1 means both listeners answer.
        #expect(try await HTTP.request("GET", publicURL + "/healthz").0 == 200)
        #expect(try await HTTP.request("GET", adminURL + "/readyz").0 == 200)

        let pings = await notify.receive(until: { $0.contains("WATCHDOG=1") }, timeout: .seconds(3))
        #expect(pings.contains { $0.contains("WATCHDOG=1") }, "datagrams: \(pings)")

        let elapsed = try await daemon.stop(signal: SIGTERM)
        let stopping = await notify.receive(until: { $0.contains("STOPPING=1") }, timeout: .seconds(2))
        #expect(stopping.contains { $0.contains("STOPPING=1") }, "datagrams: \(stopping)")
        #expect(elapsed < .seconds(grace), "stopped after \(elapsed)")
        #expect(daemon.process.terminationStatus == 0)
    }

    @Test func bootstrapKeyIsPrivateAndAuthenticatesThePlatformOwner() async throws {
        let daemon = try HeraldProcess()
        let (_, adminURL) = try await daemon.serve()
        let keyFile = daemon.stateDirectory + "/bootstrap-admin-key"
        let attributes = try FileManager.default.attributesOfItem(atPath: keyFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let key = try String(contentsOfFile: keyFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let (status, body) = try await HTTP.request("GET", adminURL + "/api/platform/tiers", key: key)
        #expect(status == 200)
        #expect(body == "[]")
        #expect(try await HTTP.request("GET", adminURL + "/api/platform/tiers").0 == 401)
        let metrics = try await HTTP.request("GET", adminURL + "/metrics")
        #expect(metrics.1.contains("herald_http_requests_total{listener=\"admin\",route=\"/api/platform/tiers\""))
        _ = try await daemon.stop()
    }
}

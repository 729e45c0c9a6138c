import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Acceptance item 3 of the queue: 5,000 events fanned out to 2 endpoints, the daemon `kill -9`ed twice while
/// it delivers and restarted on the same state directory; every (event, endpoint) pair arrives at least once,
/// verified by `scripts/peers/webhook_receiver.py` (Python `standardwebhooks`), and the queue ends empty.
@Suite(
    "webhook delivery survives kill -9", .serialized,
    .enabled(if: WebhookPeer.isAvailable || WebhookPeer.isCI, "the Python peers are not installed: run `make peers`"))
struct WebhookCrashTests {
    static let events = 5_000
    static let batch = 1_000
    static let paths = ["/a", "/b"]
    /// The dispatcher's lease (`JobDispatcherConfiguration.leaseDuration`, not configurable from `herald serve`)
    /// plus its maintenance interval: the longest a job leased by a killed process can wait to be rescued.
    static let leaseAndRescue: Duration = .seconds(300 + 15)

    static let environment = [
        "HERALD_OUTBOUND_ALLOWLIST": "127.0.0.0/8",
        "HERALD_WEBHOOKS_RETRY_SCHEDULE_SECONDS": "0.2,0.5,1,1,1,1,1",
    ]

    @Test("5,000 events to 2 endpoints, kill -9 twice during delivery: every pair received, nothing left pending")
    func killTwiceDuringDelivery() async throws {
        let started = ContinuousClock.now
        let peer = try await WebhookPeer.start()
        defer { peer.stop() }
        let daemon = try HeraldProcess()
        var (_, admin) = try await daemon.serve(environment: Self.environment)
        var api = try AdminAPI(admin: admin, daemon: daemon)

        let organization = try await api.call("POST", "/organizations", ["slug": "crash", "name": "Crash"], expect: 201)
        let orgId = try #require(organization["id"] as? String, "\(organization)")
        let a = try await api.createEndpoint("crash", url: peer.url("/a"), eventTypes: [])
        let b = try await api.createEndpoint("crash", url: peer.url("/b?endpoint=b"), eventTypes: ["audit.test.*"])
        try peer.setSecrets(["/a": [a.secret], "/b": [b.secret]])

        let (status, out, err) = try HeraldProcess.run([
            "apikey", "create", "--email", "core@sso.example", "--service", "--state-dir", daemon.stateDirectory,
        ])
        try #require(status == 0, "herald apikey create: \(status) \(err)")
        let serviceKey = out.trimmingCharacters(in: .whitespacesAndNewlines)

        // Ingest in batches of 1,000; the daemon starts delivering while the later batches arrive.
        var ids: [String] = []
        for n in 0..<(Self.events / Self.batch) {
            let events: [[String: Any]] = (0..<Self.batch).map { i in
                ["type": "audit.test.crash", "org_id": orgId, "data": ["n": n * Self.batch + i]]
            }
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["events": events]), as: UTF8.self)
            let (code, text) = try await HTTP.request("POST", admin + "/api/events", key: serviceKey, json: body)
            try #require(code == 201, "POST /api/events: \(code) \(text)")
            let answer = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            let batchIds = try #require(answer?["ids"] as? [String], "\(text)")
            try #require(batchIds.count == Self.batch)
            ids += batchIds
        }
        let ingested = Set(ids)
        try #require(ingested.count == Self.events, "ingest answered duplicate ids")
        let pairs = ingested.count * Self.paths.count
        let ingestDone = ContinuousClock.now

        // Two kills while deliveries are in flight, each after some progress since the previous start.
        var receivedAtKill: [Int] = []
        for round in 1...2 {
            let base = try Self.receivedPairs(peer, ingested).count
            let target = min(base + pairs / 5, pairs - pairs / 4)
            try await Self.waitUntil(timeout: .seconds(60), "\(target) pairs before kill \(round)") {
                try Self.receivedPairs(peer, ingested).count >= target
            }
            _ = try await daemon.stop(signal: SIGKILL)
            let received = try Self.receivedPairs(peer, ingested).count
            receivedAtKill.append(received)
            #expect(received < pairs, "kill \(round) came after every delivery: it tested nothing")
            (_, admin) = try await daemon.restart(environment: Self.environment)
            api = try AdminAPI(admin: admin, daemon: daemon)
        }
        let lastRestart = ContinuousClock.now

        // Jobs leased by a killed process come back only once their lease has expired (300 s after the claim
        // or the last heartbeat; the start-up rescue frees expired leases only), so the wait covers a lease.
        var reportedStall = false
        let deadline = lastRestart + Self.leaseAndRescue + .seconds(45)
        while true {
            let missing = pairs - (try Self.receivedPairs(peer, ingested).count)
            if missing == 0 { break }
            if !reportedStall, ContinuousClock.now - lastRestart > .seconds(30) {
                reportedStall = true
                let leased = try await Self.jobCount(api, state: "leased")
                print(
                    "webhook crash test: 30 s after the last restart \(missing) pairs are missing and"
                        + " \(leased) jobs are still leased (by the killed processes until their leases"
                        + " expire); waiting up to \(Self.leaseAndRescue + .seconds(45)) after the restart")
            }
            guard ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        let allReceived = ContinuousClock.now

        // Every pair at least once, every request verified and answered 2xx.
        let log = try peer.log()
        var copies: [String: Int] = [:]
        for line in log where ingested.contains(line.id) {
            copies[line.path + " " + line.id, default: 0] += 1
        }
        var missing: [String] = []
        for id in ids {
            for path in Self.paths where copies[path + " " + id] == nil { missing.append(path + " " + id) }
        }
        let duplicates = copies.values.reduce(0) { $0 + $1 - 1 }
        let refused = log.filter { ingested.contains($0.id) && (!$0.verified || !(200..<300).contains($0.status)) }
        // The organization's own events (e.g. `webhook.endpoint.created` of /b, sent to /a) may arrive before the
        // test has handed the receiver the secrets, and be refused then; each must verify in the end.
        let others = log.filter { !ingested.contains($0.id) }
        let othersUnverified = Set(others.map { $0.path + " " + $0.id })
            .subtracting(others.filter { $0.verified && (200..<300).contains($0.status) }.map { $0.path + " " + $0.id })

        // Nothing pending: the acks of the last deliveries may trail the receiver's log by a moment.
        var pending: [String: Int] = [:]
        let quiet = ContinuousClock.now + .seconds(30)
        repeat {
            for state in ["available", "leased", "retrying"] { pending[state] = try await Self.jobCount(api, state: state) }
            if pending.values.allSatisfy({ $0 == 0 }) { break }
            try await Task.sleep(for: .milliseconds(250))
        } while ContinuousClock.now < quiet
        let dead = try await Self.jobCount(api, state: "dead")
        let succeeded = try await Self.jobCount(api, state: "succeeded")

        print(
            """
            webhook crash test: \(Self.events) events × \(Self.paths.count) endpoints = \(pairs) pairs; \
            killed at \(receivedAtKill.map(String.init).joined(separator: " and ")) pairs received; \
            received \(pairs - missing.count) pairs in \(log.count - others.count) requests \
            (+\(others.count) requests for the organization's own events), \(duplicates) duplicates, \
            \(try peer.incompleteRequests()) requests cut off by a kill; \
            ingest \(ingestDone - started), all received \(allReceived - started) after the start \
            (\(allReceived - lastRestart) after the last restart); jobs: \(succeeded) succeeded, \(dead) dead, \
            \(pending.map { "\($0.value) \($0.key)" }.sorted().joined(separator: ", "))
            """)

        #expect(missing.isEmpty, "\(missing.count) pairs never received, e.g. \(missing.prefix(5))")
        #expect(refused.isEmpty, "\(refused.count) requests refused or not 2xx, e.g. \(refused.prefix(5))")
        #expect(othersUnverified.isEmpty, "never verified: \(othersUnverified.sorted())")
        #expect(pending == ["available": 0, "leased": 0, "retrying": 0], "left pending: \(pending)")
        #expect(dead == 0)
        _ = try await daemon.stop()
    }

    /// The distinct (path, webhook-id) pairs of ingested events that the receiver logged.
    static func receivedPairs(_ peer: WebhookPeer, _ ingested: Set<String>) throws -> Set<String> {
        var pairs = Set<String>()
        for line in try peer.log() where ingested.contains(line.id) { pairs.insert(line.path + " " + line.id) }
        return pairs
    }

    /// `total` of `GET /api/platform/jobs?state=…`.
    static func jobCount(_ api: AdminAPI, state: String) async throws -> Int {
        let page = try await api.call("GET", "/platform/jobs?state=\(state)&limit=1", expect: 200)
        guard let total = page["total"] as? Int else { throw ProcessError(message: "no total in \(page)") }
        return total
    }

    static func waitUntil(timeout: Duration, _ what: String, _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try condition() { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        guard try condition() else { throw ProcessError(message: "timed out waiting for \(what)") }
    }
}

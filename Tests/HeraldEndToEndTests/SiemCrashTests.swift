import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Acceptance item of SIEM forwarding: 20,000 events forwarded to a syslog receiver
/// (`scripts/peers/syslog_receiver.py`, RFC 6587 octet counting and RFC 5424 parsed strictly), the daemon
/// `kill -9`ed while it forwards and restarted on the same state directory, twice; every event reaches the
/// receiver at least once (duplicates counted and printed), the integration's cursor never skips (no event
/// arrives before every event ahead of it has: ``skips(_:)``), and `lag_events` ends at 0.
@Suite("SIEM forwarding survives kill -9", .serialized)
struct SiemCrashTests {
    static let events = 20_000
    static let batch = 1_000
    /// Bytes the receiver reads per second on each connection: TCP backpressure then holds the forward to about
    /// this pace (a few seconds without it), so that the kills land in it. A small receive buffer and small
    /// segments keep the kernel's buffers between the two small (a few hundred events), so that what the
    /// receiver has read is close to what the daemon has written.
    static let receiverRate = 400_000
    static let receiverBuffer = 4096
    static let receiverSegment = 1200

    static let environment = [
        "HERALD_OUTBOUND_ALLOWLIST": "127.0.0.0/8",
        "HERALD_SIEM_RETRY_SCHEDULE_SECONDS": "0.2,0.5,1",
        "HERALD_SIEM_FLUSH_DELAY_MS": "50",
    ]

    @Test("20,000 events to syslog, kill -9 twice while forwarding: every event received, the cursor never skips")
    func killTwiceDuringForward() async throws {
        let started = ContinuousClock.now
        let peer = try await SyslogPeer.start(
            rate: Self.receiverRate, receiveBuffer: Self.receiverBuffer, segment: Self.receiverSegment)
        defer { peer.stop() }
        let daemon = try HeraldProcess()
        var (_, admin) = try await daemon.serve(environment: Self.environment)
        var api = try AdminAPI(admin: admin, daemon: daemon)

        let organization = try await api.call(
            "POST", "/organizations", ["slug": "siemcrash", "name": "SIEM crash"], expect: 201)
        let orgId = try #require(organization["id"] as? String, "\(organization)")
        let integration = try await api.call(
            "POST", "/organizations/siemcrash/siem",
            ["provider": "syslog", "endpoint": "tcp://127.0.0.1:\(peer.port)", "schema": "native"], expect: 201)
        let integrationId = try #require(integration["id"] as? String, "\(integration)")
        let lagPath = "/organizations/siemcrash/siem/\(integrationId)"

        let (status, out, err) = try HeraldProcess.run([
            "apikey", "create", "--email", "core@sso.example", "--service", "--state-dir", daemon.stateDirectory,
        ])
        try #require(status == 0, "herald apikey create: \(status) \(err)")
        let serviceKey = out.trimmingCharacters(in: .whitespacesAndNewlines)

        // Ingest in batches of 1,000; the daemon starts forwarding while the later batches arrive. The order of
        // the ids the ingest answers is the order of the events (their sequence), the cursor's order.
        var ids: [String] = []
        for n in 0..<(Self.events / Self.batch) {
            let events: [[String: Any]] = (0..<Self.batch).map { i in
                ["type": "audit.test.siem", "org_id": orgId, "data": ["n": n * Self.batch + i]]
            }
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["events": events]), as: UTF8.self)
            let (code, text) = try await HTTP.request("POST", admin + "/api/events", key: serviceKey, json: body)
            try #require(code == 201, "POST /api/events: \(code) \(text)")
            let answer = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            let batchIds = try #require(answer?["ids"] as? [String], "\(text)")
            try #require(batchIds.count == Self.batch)
            ids += batchIds
        }
        let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        try #require(position.count == Self.events, "ingest answered duplicate ids")
        let ingestDone = ContinuousClock.now
        let receivedAtIngestEnd = try peer.poll().distinct(in: position)

        // Kills while the forward is under way, each after some progress since the previous start.
        struct Kill {
            var received: Int
            var lagBefore: Int
            var connectionsBefore: Int
        }
        var kills: [Kill] = []
        for round in 1...2 {
            let base = try peer.poll().distinct(in: position)
            let target = min(base + Self.events / 5, Self.events - Self.events / 4)
            let deadline = ContinuousClock.now + .seconds(60)
            while try peer.poll().distinct(in: position) < target {
                guard ContinuousClock.now < deadline else {
                    throw ProcessError(message: "timed out waiting for \(target) events before kill \(round)")
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let lag = try await Self.lag(api, lagPath)
            if round > 1 && lag == 0 {
                print("SIEM crash test: the forward was over before kill \(round); no second kill")
                break
            }
            _ = try await daemon.stop(signal: SIGKILL)
            let log = try peer.poll()
            kills.append(Kill(received: log.distinct(in: position), lagBefore: lag, connectionsBefore: log.connections))
            (_, admin) = try await daemon.restart(environment: Self.environment)
            api = try AdminAPI(admin: admin, daemon: daemon)
        }
        let lastRestart = ContinuousClock.now

        // Caught up: the cursor at the last event and the receiver holding every one.
        var lag = -1
        let deadline = lastRestart + .seconds(60)
        while true {
            lag = try await Self.lag(api, lagPath)
            if lag == 0, try peer.poll().distinct(in: position) == Self.events { break }
            guard ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        let caughtUp = ContinuousClock.now
        let final = try await api.call("GET", lagPath, expect: 200)
        let dropped = final["dropped_events"] as? Int
        _ = try await daemon.stop()  // closes the connection: the receiver records its end
        try await Task.sleep(for: .milliseconds(300))
        let log = try peer.poll()

        // At least once, with the duplicates counted.
        var copies = [Int](repeating: 0, count: Self.events)
        for message in log.messages { if let p = position[message.eventId] { copies[p] += 1 } }
        let missing = copies.indices.filter { copies[$0] == 0 }
        let duplicates = copies.reduce(0) { $0 + max(0, $1 - 1) }
        let others = log.messages.filter { position[$0.eventId] == nil }
        let mislabelled = log.messages.filter { m in position[m.eventId].map { m.dataN != $0 } ?? false }

        // The cursor never skips (see ``skips(_:)``).
        var runs: [Int: [Int]] = [:]
        for message in log.messages {
            if let p = position[message.eventId] { runs[message.conn, default: []].append(p) }
        }
        let (gaps, stepsBack) = Self.skips(runs)
        // Where each restarted process resumed: the first event of the first connection it opened.
        let resumedAt: [Int?] = kills.map { kill in
            runs.keys.sorted().first { $0 > kill.connectionsBefore }.map { runs[$0]![0] }
        }

        let killed = kills.map { "\($0.received) received (lag \($0.lagBefore) just before)" }
        let summary = runs.keys.sorted().map { "#\($0) \(runs[$0]!.first!)…\(runs[$0]!.last!) (\(runs[$0]!.count))" }
        print(
            """
            SIEM crash test: \(Self.events) events; the receiver had \(receivedAtIngestEnd) when the ingest ended; \
            killed at \(killed.joined(separator: " and ")); \
            resumed at event \(resumedAt.map { $0.map(String.init) ?? "-" }.joined(separator: " and ")); \
            received \(Self.events - missing.count) of \(Self.events) in \(log.messages.count - others.count) messages \
            (+\(others.count) of the organization's own events, \(log.bytes) bytes), \(duplicates) duplicates, \
            \(log.cut.count) frames cut off by a kill, \(stepsBack.count) steps back within a connection \
            \(stepsBack.prefix(3)); connections: \(summary.joined(separator: ", ")); \
            ingest \(ingestDone - started), caught up \(caughtUp - started) after the start \
            (\(caughtUp - lastRestart) after the last restart); final lag_events \(lag), dropped_events \
            \(dropped.map(String.init) ?? "-"), last_error \(final["last_error"].map { "\($0)" } ?? "-")
            """)

        #expect(log.errors.isEmpty, "the receiver refused frames: \(log.errors.prefix(5))")
        #expect(missing.isEmpty, "\(missing.count) events never received, e.g. positions \(missing.prefix(10))")
        #expect(gaps.isEmpty, "the cursor skipped: \(gaps.prefix(10))")
        #expect(mislabelled.isEmpty, "messages whose MSG is another event's: \(mislabelled.prefix(5))")
        #expect(lag == 0, "lag_events is \(lag) at the end")
        #expect(dropped == 0, "events set aside: \(final)")
        #expect(kills.count >= 1)
        for (n, kill) in kills.enumerated() {
            #expect(kill.received < Self.events, "kill \(n + 1) came after every event had arrived")
        }
        if let first = kills.first {
            #expect(first.received > 0, "kill 1 came before any event had arrived")
            #expect(first.lagBefore > 0, "kill 1 came after the cursor had reached the end: it tested nothing")
            #expect(resumedAt.first.map { $0 != nil } == true, "the first restart forwarded nothing")
        }
    }

    /// Where the events' order of arrival shows the cursor skipping, given each connection's events (their
    /// positions in the cursor's order) in their order of arrival, connections numbered in the order they were
    /// accepted.
    ///
    /// No event may arrive before every event ahead of it has: per connection, each event is at most one past
    /// the furthest event delivered so far on it or on any earlier connection (whatever an earlier connection
    /// carried reached the receiver, even after a kill: the kernel still sends what a dead process wrote). A
    /// restart resends from the cursor, at or before what was delivered: that step back begins the duplicates,
    /// and is allowed; a resend on the same connection (a retry without a reconnect) is allowed too, and counted.
    /// - Returns: the skips (the test fails on any) and the steps back within a connection.
    static func skips(_ runs: [Int: [Int]]) -> (gaps: [String], stepsBack: [String]) {
        var gaps: [String] = []
        var stepsBack: [String] = []
        var furthest = -1
        for conn in runs.keys.sorted() {
            var previous: Int?
            for p in runs[conn]! {
                if p > furthest + 1 {
                    gaps.append(
                        "connection \(conn): event \(p) arrived \(previous.map { "after event \($0)" } ?? "first"), "
                            + "before event \(furthest + 1) had arrived on any connection")
                }
                if let previous, p <= previous { stepsBack.append("connection \(conn): \(previous) then \(p)") }
                furthest = max(furthest, p)
                previous = p
            }
        }
        return (gaps, stepsBack)
    }

    @Test("the skip check finds an event that arrived before the one ahead of it, and allows resends")
    func skipCheck() {
        #expect(Self.skips([1: [0, 1, 2, 3], 2: [2, 3, 4], 3: [4, 5]]).gaps.isEmpty)
        #expect(Self.skips([1: [0, 1, 2, 1, 2, 3]]) == ([], ["connection 1: 2 then 1"]))
        #expect(Self.skips([1: [0, 1, 3]]).gaps.count == 1)  // 2 skipped on the connection
        #expect(Self.skips([1: [0, 1, 2], 2: [4, 5], 3: [3]]).gaps.count == 1)  // a restart resumed past 3
        #expect(Self.skips([1: [1, 2]]).gaps.count == 1)  // the first event never came first
    }

    /// `lag_events` of the integration.
    static func lag(_ api: AdminAPI, _ path: String) async throws -> Int {
        let object = try await api.call("GET", path, expect: 200)
        guard let lag = object["lag_events"] as? Int else { throw ProcessError(message: "no lag_events in \(object)") }
        return lag
    }
}

/// `scripts/peers/syslog_receiver.py` (Python 3 standard library only) run with the `python3` on `PATH`; a
/// missing `python3` is a failure, never a skip.
final class SyslogPeer: @unchecked Sendable {  // used by the one test that owns it, never concurrently
    static let script = HeraldProcess.packageRoot.appendingPathComponent("scripts/peers/syslog_receiver.py").path

    struct Message: Sendable {
        var conn: Int
        var n: Int
        var eventId: String
        var dataN: Int?
    }

    /// What the receiver recorded so far.
    struct Log: Sendable {
        var messages: [Message] = []
        var errors: [String] = []
        /// Connections that ended inside a frame (conn, octets left).
        var cut: [(Int, Int)] = []
        var connections = 0
        /// Octets read on the connections that ended.
        var bytes = 0

        /// How many distinct events of `ingested` arrived.
        func distinct(in ingested: [String: Int]) -> Int {
            Set(messages.lazy.compactMap { ingested[$0.eventId] }).count
        }
    }

    let directory: String
    let port: Int
    private let process: Process
    private let stdin: Pipe
    private var log = Log()
    private var offset: UInt64 = 0
    private var pending = Data()

    private init(directory: String, port: Int, process: Process, stdin: Pipe) {
        self.directory = directory
        self.port = port
        self.process = process
        self.stdin = stdin
    }

    var outputPath: String { directory + "/received.jsonl" }

    /// Starts the receiver and waits for its port.
    /// - Parameters:
    ///   - rate: bytes read per second on each connection (0: as fast as it can).
    ///   - receiveBuffer: `SO_RCVBUF` of its connections (0: the system's).
    ///   - segment: `TCP_MAXSEG` of its connections (0: the system's).
    static func start(rate: Int = 0, receiveBuffer: Int = 0, segment: Int = 0) async throws -> SyslogPeer {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("herald-syslog-peer-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: directory + "/received.jsonl", contents: nil)
        FileManager.default.createFile(atPath: directory + "/stderr.log", contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", script, directory + "/received.jsonl", "--rate", String(rate), "--rcvbuf", String(receiveBuffer),
            "--mss", String(segment),
        ]
        let stdin = Pipe()  // the receiver exits when it closes, i.e. when this process is gone
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle(forWritingAtPath: directory + "/stderr.log")
        try process.run()
        // The first line: {"port": N}.
        var line = Data()
        let deadline = ContinuousClock.now + .seconds(20)
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData  // blocks until data or EOF
            if chunk.isEmpty { break }
            line += chunk
            guard ContinuousClock.now < deadline else { break }
        }
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
            let port = object["port"] as? Int
        else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            let stderr = (try? String(contentsOfFile: directory + "/stderr.log", encoding: .utf8)) ?? ""
            throw ProcessError(
                message: "syslog_receiver.py did not start (python3 is needed on PATH; "
                    + "exit \(process.terminationStatus)): "
                    + "\(String(decoding: line, as: UTF8.self)) \(stderr)")
        }
        return SyslogPeer(directory: directory, port: port, process: process, stdin: stdin)
    }

    /// Reads what the receiver appended since the last poll and answers everything recorded so far.
    func poll() throws -> Log {
        guard let handle = FileHandle(forReadingAtPath: outputPath) else {
            throw ProcessError(message: "cannot read \(outputPath)")
        }
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        let data = handle.readDataToEndOfFile()
        offset += UInt64(data.count)
        pending += data
        guard let end = pending.lastIndex(of: UInt8(ascii: "\n")) else { return log }
        let complete = pending[pending.startIndex...end]
        pending = Data(pending[(end + 1)...])
        for line in complete.split(separator: UInt8(ascii: "\n")) {
            guard let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let conn = object["conn"] as? Int
            else { throw ProcessError(message: "bad receiver line: \(String(decoding: line, as: UTF8.self))") }
            if let id = object["event_id"] as? String, let n = object["n"] as? Int {
                log.messages.append(Message(conn: conn, n: n, eventId: id, dataN: object["data_n"] as? Int))
            } else if let error = object["error"] as? String {
                log.errors.append("connection \(conn): \(error)")
            } else if object["open"] != nil {
                log.connections = max(log.connections, conn)
            } else if object["closed"] != nil {
                log.bytes += object["bytes"] as? Int ?? 0
                if let cut = object["cut"] as? Int, cut > 0 { log.cut.append((conn, cut)) }
            }
        }
        return log
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? stdin.fileHandleForWriting.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

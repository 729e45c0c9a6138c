import Foundation
import ServiceLifecycle
import Synchronization
import Testing

@testable import herald

#if canImport(Glibc)
import Glibc
#endif

/// A bound `AF_UNIX` datagram socket standing in for systemd's notify socket. Reads never block: they poll with
/// short async sleeps, so a waiting test does not hold a thread of the cooperative pool.
final class NotifySocket: Sendable {
    /// The name to put in `NOTIFY_SOCKET` (a path, or `@name` for an abstract socket).
    let name: String
    private let descriptor: Int32
    private let directory: String?

    /// Binds a socket file in a fresh temporary directory, or an abstract name when `abstract`.
    init(abstract: Bool = false) throws {
        let tag = UUID().uuidString.prefix(8).lowercased()
        var directory: String?
        if abstract {
            name = "@herald-test-\(tag)"
        } else {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("herald-notify-\(tag)").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            directory = path
            name = path + "/notify"
        }
        self.directory = directory
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw NotifySocketError(message: "socket: \(errno)") }
        var (address, length) = try SystemdNotifier.socketAddress(name)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard result == 0 else { throw NotifySocketError(message: "bind \(name): \(errno)") }
    }

    deinit {
        close(descriptor)
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }

    /// The next datagram, if one is waiting.
    func poll() -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        guard count > 0 else { return nil }
        return String(decoding: buffer.prefix(count), as: UTF8.self)
    }

    /// The next datagram within `timeout`, or `nil`.
    func next(within timeout: Duration = .seconds(2)) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let datagram = poll() { return datagram }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return poll()
    }

    /// Every datagram that arrives within `duration`.
    func collect(for duration: Duration) async -> [String] {
        let deadline = ContinuousClock.now + duration
        var datagrams: [String] = []
        while ContinuousClock.now < deadline {
            while let datagram = poll() { datagrams.append(datagram) }
            try? await Task.sleep(for: .milliseconds(5))
        }
        while let datagram = poll() { datagrams.append(datagram) }
        return datagrams
    }
}

struct NotifySocketError: Error {
    var message: String
}

/// A switch that tests flip while a service reads it.
final class Flag: Sendable {
    private let value: Atomic<Bool>
    init(_ initial: Bool) { value = Atomic(initial) }
    var isOn: Bool { value.load(ordering: .sequentiallyConsistent) }
    func set(_ on: Bool) { value.store(on, ordering: .sequentiallyConsistent) }
}

@Suite("systemd notifications", .serialized)
struct SystemdNotifierTests {
    @Test func sendsOneDatagramToASocketPath() async throws {
        let socket = try NotifySocket()
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.name])
        #expect(notifier.isEnabled)
        try notifier.send(["STATUS": "starting\nup", "READY": "1"])
        #expect(await socket.next() == "READY=1\nSTATUS=starting up")
        try notifier.send("WATCHDOG=1")
        #expect(await socket.next() == "WATCHDOG=1")
    }

    @Test func sendsToAnAbstractSocket() async throws {
        let socket = try NotifySocket(abstract: true)
        #expect(socket.name.hasPrefix("@"))
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.name])
        try notifier.send("RELOADING=1\nMONOTONIC_USEC=42")
        #expect(await socket.next() == "RELOADING=1\nMONOTONIC_USEC=42")
    }

    @Test func isANoOpWithoutNotifySocket() throws {
        for environment in [[:], ["NOTIFY_SOCKET": ""]] {
            let notifier = SystemdNotifier(environment: environment)
            #expect(!notifier.isEnabled)
            try notifier.send("READY=1")
        }
    }

    @Test func rejectsUnusableSocketNames() {
        #expect(throws: SystemdNotifierError.self) { try SystemdNotifier(socketName: "relative/path").send("READY=1") }
        #expect(throws: SystemdNotifierError.self) {
            try SystemdNotifier(socketName: "/" + String(repeating: "x", count: 200)).send("READY=1")
        }
        #expect(throws: SystemdNotifierError.self) {
            try SystemdNotifier(socketName: "/nonexistent-dir-\(UUID())/notify").send("READY=1")
        }
    }

    @Test func watchdogIntervalHonoursWatchdogPID() {
        let pid = getpid()
        #expect(SystemdWatchdog.interval(environment: [:]) == nil)
        #expect(SystemdWatchdog.interval(environment: ["WATCHDOG_USEC": "0"]) == nil)
        #expect(SystemdWatchdog.interval(environment: ["WATCHDOG_USEC": "soon"]) == nil)
        #expect(SystemdWatchdog.interval(environment: ["WATCHDOG_USEC": "30000000"]) == .seconds(30))
        #expect(
            SystemdWatchdog.interval(environment: ["WATCHDOG_USEC": "200000", "WATCHDOG_PID": "\(pid)"])
                == .milliseconds(200))
        #expect(SystemdWatchdog.interval(environment: ["WATCHDOG_USEC": "200000", "WATCHDOG_PID": "\(pid + 1)"]) == nil)
    }

    @Test func readinessGateOpensAfterEveryPart() async throws {
        let gate = ReadinessGate(parts: 2)
        gate.fulfil(status: "public on 127.0.0.1:8080")
        #expect(!gate.isOpen)
        async let status = gate.wait()
        gate.fulfil(status: "admin on 127.0.0.1:8081")
        #expect(try await status == "public on 127.0.0.1:8080; admin on 127.0.0.1:8081")
        gate.fulfil(status: "ignored")
        #expect(try await gate.wait() == "public on 127.0.0.1:8080; admin on 127.0.0.1:8081")
    }

    @Test func readinessGateWaitIsCancellable() async {
        let gate = ReadinessGate()
        let waiter = Task { try await gate.wait() }
        try? await Task.sleep(for: .milliseconds(20))
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
    }

    @Test("READY after the gate, WATCHDOG only while alive, STOPPING on graceful shutdown")
    func serviceLifecycle() async throws {
        let socket = try NotifySocket()
        let gate = ReadinessGate(parts: 2)
        let alive = Flag(true)
        let service = SystemdService(
            notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.name]),
            readiness: gate,
            environment: ["WATCHDOG_USEC": "200000", "WATCHDOG_PID": "\(getpid())"]
        ) { alive.isOn }
        let group = ServiceGroup(services: [service], logger: .init(label: "test"))

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }

            // Nothing, not even a watchdog ping, before the listeners are bound.
            #expect(await socket.collect(for: .milliseconds(300)).isEmpty)
            gate.fulfil(status: "public on 127.0.0.1:8080")
            #expect(await socket.collect(for: .milliseconds(150)).isEmpty)
            gate.fulfil(status: "admin on 127.0.0.1:8081")
            #expect(await socket.next() == "READY=1\nSTATUS=public on 127.0.0.1:8080; admin on 127.0.0.1:8081")

            // Pings every ~100 ms while the check passes.
            let pings = await socket.collect(for: .milliseconds(450))
            #expect(pings.count >= 2)
            #expect(pings.allSatisfy { $0 == "WATCHDOG=1" })

            // None while it fails (after at most one ping that was already under way).
            alive.set(false)
            _ = await socket.collect(for: .milliseconds(120))
            #expect(await socket.collect(for: .milliseconds(400)).isEmpty)

            // They resume when it passes again.
            alive.set(true)
            #expect(await socket.next(within: .milliseconds(500)) == "WATCHDOG=1")

            await group.triggerGracefulShutdown()
            try await tasks.next()
            let rest = await socket.collect(for: .milliseconds(50))
            #expect(rest.last == "STOPPING=1")
            #expect(rest.filter { $0 != "WATCHDOG=1" } == ["STOPPING=1"])
        }
    }

    @Test("a liveness check slower than its timeout withholds the ping")
    func slowLivenessCheck() async throws {
        let socket = try NotifySocket()
        let gate = ReadinessGate()
        gate.fulfil()
        let slow = Flag(true)
        let service = SystemdService(
            notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.name]),
            readiness: gate,
            environment: ["WATCHDOG_USEC": "200000"],
            livenessTimeout: .milliseconds(30)
        ) {
            if slow.isOn { try? await Task.sleep(for: .milliseconds(80)) }
            return true
        }
        let group = ServiceGroup(services: [service], logger: .init(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            #expect(await socket.next() == "READY=1\nSTATUS=ready")
            #expect(await socket.collect(for: .milliseconds(400)).isEmpty)
            slow.set(false)
            #expect(await socket.next(within: .milliseconds(500)) == "WATCHDOG=1")
            await group.triggerGracefulShutdown()
            try await tasks.next()
        }
    }

    @Test("graceful shutdown before readiness sends STOPPING only")
    func shutdownBeforeReady() async throws {
        let socket = try NotifySocket()
        let service = SystemdService(
            notifier: SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.name]),
            readiness: ReadinessGate(),
            environment: [:])
        let group = ServiceGroup(services: [service], logger: .init(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(50))
            await group.triggerGracefulShutdown()
            try await tasks.next()
        }
        #expect(await socket.collect(for: .milliseconds(50)) == ["STOPPING=1"])
    }

    @Test("each trigger reloads between RELOADING=1 and READY=1")
    func reloadService() async throws {
        let socket = try NotifySocket(abstract: true)
        let (triggers, trigger) = AsyncStream.makeStream(of: Void.self)
        let fail = Flag(false)
        struct ReloadFailure: Error, CustomStringConvertible {
            var description: String { "bad log.level" }
        }
        let service = ReloadService(
            notifier: SystemdNotifier(socketName: socket.name), triggers: triggers
        ) {
            if fail.isOn { throw ReloadFailure() }
            return "reloaded"
        }
        let group = ServiceGroup(services: [service], logger: .init(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }

            trigger.yield()
            let reloading = try #require(await socket.next())
            let lines = reloading.split(separator: "\n")
            #expect(lines.count == 2 && lines[0] == "RELOADING=1")
            #expect(lines[1].hasPrefix("MONOTONIC_USEC="))
            let monotonic = try #require(UInt64(lines[1].dropFirst("MONOTONIC_USEC=".count)))
            #expect(monotonic > 0 && monotonic <= SystemdWatchdog.monotonicMicroseconds())
            #expect(await socket.next() == "READY=1\nSTATUS=reloaded")

            fail.set(true)
            trigger.yield()
            #expect(await socket.next()?.hasPrefix("RELOADING=1\nMONOTONIC_USEC=") == true)
            #expect(await socket.next() == "READY=1\nSTATUS=reload failed: bad log.level")

            await group.triggerGracefulShutdown()
            try await tasks.next()
        }
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends sd_notify(3) state changes to systemd: one `AF_UNIX`/`SOCK_DGRAM` datagram per ``send(_:)-(String)``
/// to `$NOTIFY_SOCKET`, without libsystemd.
///
/// Without `$NOTIFY_SOCKET` (development, tests, other supervisors) every send is a no-op. A socket name that
/// starts with `@` is a Linux abstract socket. The environment is passed in so tests need not change the real
/// one.
struct SystemdNotifier: Sendable {
    /// `$NOTIFY_SOCKET` as given, or `nil` when notifications are off.
    let socketName: String?

    /// A notifier for `environment["NOTIFY_SOCKET"]` (empty counts as unset).
    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.init(socketName: environment["NOTIFY_SOCKET"])
    }

    /// A notifier for a socket path (`/run/systemd/notify`), an abstract name (`@name`), or `nil` for none.
    init(socketName: String?) {
        self.socketName = socketName.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether sends go anywhere.
    var isEnabled: Bool { socketName != nil }

    /// Sends newline-separated `KEY=VALUE` assignments (e.g. `"READY=1\nSTATUS=listening"`) as one datagram.
    /// - Throws: ``SystemdNotifierError`` when the socket name is unusable or the send fails.
    func send(_ state: String) throws(SystemdNotifierError) {
        guard let socketName else { return }
        var address = try Self.socketAddress(socketName)
        let descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .init("socket() failed", errno: errno) }
        defer { close(descriptor) }
        let bytes = Array(state.utf8)
        var result: Int
        repeat {
            result = bytes.withUnsafeBytes { buffer in
                withUnsafePointer(to: &address.storage) { pointer in
                    pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                        sendto(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), socketAddress,
                            address.length)
                    }
                }
            }
        } while result < 0 && errno == EINTR
        guard result >= 0 else { throw .init("sendto(\(socketName)) failed", errno: errno) }
        guard result == bytes.count else { throw .init("sendto(\(socketName)) sent \(result) of \(bytes.count) bytes") }
    }

    /// Sends `KEY=VALUE` assignments as one datagram, in key order. Newlines in values become spaces.
    func send(_ state: [String: String]) throws(SystemdNotifierError) {
        let lines = state.sorted { $0.key < $1.key }.map { key, value in
            "\(key)=\(value.replacingOccurrences(of: "\n", with: " "))"
        }
        try send(lines.joined(separator: "\n"))
    }

    /// A `sockaddr_un` for a path or an `@`abstract name, with the length to pass to `sendto`.
    static func socketAddress(_ name: String) throws(SystemdNotifierError) -> (storage: sockaddr_un, length: socklen_t) {
        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        var path = Array(name.utf8)
        let isAbstract = path.first == UInt8(ascii: "@")
        guard isAbstract || path.first == UInt8(ascii: "/") else {
            throw .init("NOTIFY_SOCKET \(name) is neither an absolute path nor an @abstract name")
        }
        if isAbstract { path[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        // A path needs room for its terminating NUL; an abstract name is counted exactly, without one.
        guard path.count < capacity || (isAbstract && path.count == capacity) else {
            throw .init("NOTIFY_SOCKET \(name) is too long")
        }
        withUnsafeMutableBytes(of: &storage.sun_path) { buffer in
            buffer.copyBytes(from: path)
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path) ?? 2
        let length = pathOffset + path.count + (isAbstract ? 0 : 1)
        return (storage, socklen_t(length))
    }
}

/// A failed sd_notify send.
struct SystemdNotifierError: Error, CustomStringConvertible {
    var message: String
    var errno: Int32?

    init(_ message: String, errno: Int32? = nil) {
        self.message = message
        self.errno = errno
    }

    var description: String {
        guard let errno else { return message }
        return "\(message): \(String(cString: strerror(errno)))"
    }
}

/// The systemd watchdog settings of this process.
enum SystemdWatchdog {
    /// The watchdog interval from `WATCHDOG_USEC`, when it is set, positive, and meant for this process
    /// (`WATCHDOG_PID` absent or equal to `pid`). Pings are due at half of it.
    static func interval(
        environment: [String: String], pid: Int32 = getpid()
    ) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let microseconds = UInt64(text), microseconds > 0 else {
            return nil
        }
        if let owner = environment["WATCHDOG_PID"], !owner.isEmpty {
            guard let ownerPID = Int32(owner), ownerPID == pid else { return nil }
        }
        return .microseconds(Int64(clamping: microseconds))
    }

    /// `CLOCK_MONOTONIC` in microseconds, as `MONOTONIC_USEC=` wants it.
    static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}

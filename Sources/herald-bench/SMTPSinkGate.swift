import NIOCore
import Synchronization

/// Holds and releases the SMTP sink's traffic (`POST /_hold`, `POST /_release`), so that a driver can queue up
/// a backlog in the sender and then measure how fast it drains.
///
/// While held, the sink reads nothing (every connection's `autoRead` is off, and the listening socket's: new
/// connections wait in the kernel's backlog) and greets no new connection; senders see a slow server, not an
/// error, as long as the hold is shorter than their reply timeout. Release turns reading back on and sends the
/// greetings that were held back (``Released``).
final class SMTPSinkGate: Sendable {
    /// The user event that a released connection gets (it then greets if it has not yet).
    struct Released: Sendable {}

    private struct State {
        var held = false
        var listener: (any Channel)?
        var connections: [ObjectIdentifier: any Channel] = [:]
    }

    private let state = Mutex(State())

    var isHeld: Bool { state.withLock { $0.held } }

    func setListener(_ channel: any Channel) { state.withLock { $0.listener = channel } }

    /// Registers a new connection; answers whether traffic is held (then it must not read or greet yet).
    func register(_ channel: any Channel) -> Bool {
        state.withLock { state in
            state.connections[ObjectIdentifier(channel)] = channel
            return state.held
        }
    }

    func unregister(_ channel: any Channel) {
        _ = state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    /// Stops reading everywhere; answers the number of connections held.
    func hold() -> Int {
        let (listener, connections) = state.withLock { state in
            state.held = true
            return (state.listener, Array(state.connections.values))
        }
        listener.map { _ = $0.setOption(.autoRead, value: false) }
        for channel in connections { _ = channel.setOption(.autoRead, value: false) }
        return connections.count
    }

    /// Reads again everywhere and lets the held connections greet; answers the number of connections released.
    func release() -> Int {
        let (listener, connections) = state.withLock { state in
            state.held = false
            return (state.listener, Array(state.connections.values))
        }
        for channel in connections {
            _ = channel.setOption(.autoRead, value: true)
            channel.pipeline.fireUserInboundEventTriggered(Released())
        }
        listener.map { _ = $0.setOption(.autoRead, value: true) }
        return connections.count
    }
}

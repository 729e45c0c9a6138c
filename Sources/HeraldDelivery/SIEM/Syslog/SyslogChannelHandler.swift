import NIOCore
import NIOTLS
import Synchronization

/// The last handler of a syslog connection: completes `ready` once the connection can carry messages (TCP
/// connected, or the TLS handshake done), records the first error the pipeline reports so that a failed write
/// can say why, and drops whatever the receiver sends (syslog receivers send nothing but TLS records).
final class SyslogChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    /// What the handler learns, readable from outside the event loop.
    final class State: Sendable {
        /// Succeeds when the connection is usable; fails with the first error or the close that preceded that.
        let ready: EventLoopPromise<Void>
        private let failure = Mutex<(any Error)?>(nil)

        init(ready: EventLoopPromise<Void>) {
            self.ready = ready
        }

        /// The first error the pipeline reported, if any.
        var firstError: (any Error)? { failure.withLock { $0 } }

        func record(_ error: any Error) {
            failure.withLock { if $0 == nil { $0 = error } }
            ready.fail(error)
        }
    }

    private let state: State
    private let waitsForHandshake: Bool

    init(state: State, waitsForHandshake: Bool) {
        self.state = state
        self.waitsForHandshake = waitsForHandshake
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive && !waitsForHandshake { state.ready.succeed() }
    }

    func channelActive(context: ChannelHandlerContext) {
        if !waitsForHandshake { state.ready.succeed() }
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent { state.ready.succeed() }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        state.record(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.ready.fail(ChannelError.eof)
        context.fireChannelInactive()
    }
}

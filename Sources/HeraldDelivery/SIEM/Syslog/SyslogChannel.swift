import NIOCore

/// One open connection to a syslog receiver, as ``SyslogClient`` hands it out: the NIO channel and what its
/// handler learnt about it.
struct SyslogChannel: Sendable {
    let channel: any Channel
    let state: SyslogChannelHandler.State

    /// False once the receiver closed the connection or an error closed it.
    var isActive: Bool { channel.isActive }
}

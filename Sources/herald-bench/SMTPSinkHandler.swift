import Foundation
import NIOCore

/// One connection of the SMTP sink: plain ESMTP (RFC 5321) with PIPELINING and 8BITMIME, no TLS, no AUTH.
///
/// It greets, answers EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, VRFY and QUIT at once, takes the message after
/// DATA line by line until the lone `.`, undoes dot-stuffing (a leading `..` is `.`), finds the header's
/// `Message-ID` (also when folded) and records the message in ``SMTPSinkStatistics``. Commands are answered in
/// order as they arrive (a pipelined batch gets its replies in one flush, at the end of the read); the
/// connection stays open until QUIT. Nothing is logged per message and the message is kept only when the
/// statistics want a sample.
final class SMTPSinkHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Mode {
        case command
        case data
        case closing
    }

    private let statistics: SMTPSinkStatistics
    private let gate: SMTPSinkGate
    private let onComplete: @Sendable () -> Void
    private var mode = Mode.command
    private var pending: ByteBuffer?
    private var greeted = false
    private var needsFlush = false
    // The transaction
    private var hasSender = false
    private var recipients = 0
    // The message being received
    private var inHeader = true
    private var inMessageIdField = false
    private var messageId: String?
    private var messageBytes = 0
    private var sample: [UInt8]?
    private var accepted = 0

    /// The longest command line taken (RFC 5321 §4.5.3.1.4: 512 octets; generous here) and message line.
    private static let maxCommandLine = 4096
    private static let maxDataLine = 1 << 20

    init(statistics: SMTPSinkStatistics, gate: SMTPSinkGate, onComplete: @escaping @Sendable () -> Void) {
        self.statistics = statistics
        self.gate = gate
        self.onComplete = onComplete
    }

    func channelActive(context: ChannelHandlerContext) {
        statistics.connectionOpened()
        if gate.register(context.channel) {
            _ = context.channel.setOption(.autoRead, value: false)
        } else {
            greet(context)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        statistics.connectionClosed()
        gate.unregister(context.channel)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is SMTPSinkGate.Released {
            if !greeted { greet(context) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func greet(_ context: ChannelHandlerContext) {
        greeted = true
        reply(context, "220 herald-bench ESMTP sink\r\n")
        context.flush()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        guard mode != .closing else { return }
        if pending == nil {
            pending = chunk
        } else {
            pending!.writeBuffer(&chunk)
        }
        process(context)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// Handles every complete line of `pending`; an incomplete one waits for the next read.
    private func process(_ context: ChannelHandlerContext) {
        guard var buffer = pending else { return }
        pending = nil
        while mode != .closing {
            let lineEnd = buffer.withUnsafeReadableBytes { bytes -> Int? in
                guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
                guard let found = memchr(base, 0x0A, bytes.count) else { return nil }
                return base.distance(to: UnsafeRawPointer(found))
            }
            guard let lineEnd else {
                let limit = mode == .data ? Self.maxDataLine : Self.maxCommandLine
                if buffer.readableBytes > limit {
                    reply(context, "500 5.5.2 line too long\r\n")
                    close(context)
                    return
                }
                break
            }
            // The line without its LF and a CR before it.
            var length = lineEnd
            if length > 0, buffer.getInteger(at: buffer.readerIndex + length - 1, as: UInt8.self) == 0x0D { length -= 1 }
            if mode == .data {
                dataLine(context, buffer, length: length)
            } else {
                command(context, buffer.getString(at: buffer.readerIndex, length: length) ?? "")
            }
            buffer.moveReaderIndex(forwardBy: lineEnd + 1)
        }
        if buffer.readableBytes > 0 {
            if buffer.readerIndex > 1 << 16 { buffer.discardReadBytes() }
            pending = buffer
        }
    }

    // MARK: Commands

    private func command(_ context: ChannelHandlerContext, _ line: String) {
        let verb = line.prefix(while: { $0 != " " }).uppercased()
        switch verb {
        case "EHLO":
            reply(context, "250-herald-bench\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 52428800\r\n250 OK\r\n")
            resetTransaction()
        case "HELO":
            reply(context, "250 herald-bench\r\n")
            resetTransaction()
        case "MAIL":
            guard line.count > 10, line.dropFirst(5).uppercased().hasPrefix("FROM:") else {
                return reply(context, "501 5.5.4 syntax: MAIL FROM:<address>\r\n")
            }
            resetTransaction()
            hasSender = true
            statistics.recordTransaction()
            reply(context, "250 2.1.0 Ok\r\n")
        case "RCPT":
            guard hasSender else { return reply(context, "503 5.5.1 MAIL first\r\n") }
            guard line.count > 8, line.dropFirst(5).uppercased().hasPrefix("TO:") else {
                return reply(context, "501 5.5.4 syntax: RCPT TO:<address>\r\n")
            }
            recipients += 1
            statistics.recordRecipient()
            reply(context, "250 2.1.5 Ok\r\n")
        case "DATA":
            guard recipients > 0 else { return reply(context, "503 5.5.1 RCPT first\r\n") }
            mode = .data
            inHeader = true
            inMessageIdField = false
            messageId = nil
            messageBytes = 0
            sample = statistics.wantsSample ? [] : nil
            reply(context, "354 End data with <CR><LF>.<CR><LF>\r\n")
        case "RSET":
            resetTransaction()
            statistics.recordReset()
            reply(context, "250 2.0.0 Ok\r\n")
        case "NOOP":
            reply(context, "250 2.0.0 Ok\r\n")
        case "VRFY":
            reply(context, "252 2.0.0 Cannot VRFY user\r\n")
        case "QUIT":
            statistics.recordQuit()
            reply(context, "221 2.0.0 Bye\r\n")
            close(context)
        case "STARTTLS", "AUTH":
            reply(context, "502 5.5.1 \(verb) not offered\r\n")
        default:
            reply(context, "500 5.5.2 unknown command\r\n")
        }
    }

    private func resetTransaction() {
        hasSender = false
        recipients = 0
    }

    // MARK: The message

    private static let messageIdName = Array("message-id:".utf8)

    /// One line of the message (`length` bytes from the reader index, without the line end).
    private func dataLine(_ context: ChannelHandlerContext, _ buffer: ByteBuffer, length: Int) {
        buffer.withUnsafeReadableBytes { all in
            let line = UnsafeRawBufferPointer(rebasing: all[0..<length])
            if length == 1 && line[0] == UInt8(ascii: ".") {
                endMessage(context)
                return
            }
            // Dot-unstuffing: a line that starts with "." lost one to the sender's stuffing.
            let content = line.first == UInt8(ascii: ".") ? UnsafeRawBufferPointer(rebasing: line[1...]) : line
            messageBytes += content.count + 2
            if sample != nil {
                sample!.append(contentsOf: content)
                sample!.append(contentsOf: [0x0D, 0x0A])
            }
            guard inHeader else { return }
            if content.isEmpty {
                inHeader = false
            } else if content[0] == UInt8(ascii: " ") || content[0] == UInt8(ascii: "\t") {
                // A folded line: the Message-ID's value may start here.
                if inMessageIdField, messageId == nil { messageId = Self.trimmed(content) }
            } else {
                inMessageIdField = Self.hasPrefixIgnoringCase(content, Self.messageIdName)
                if inMessageIdField {
                    messageId = Self.trimmed(UnsafeRawBufferPointer(rebasing: content[Self.messageIdName.count...]))
                }
            }
        }
    }

    private func endMessage(_ context: ChannelHandlerContext) {
        mode = .command
        accepted += 1
        if statistics.recordMessage(id: messageId, bytes: messageBytes, sample: sample) { onComplete() }
        sample = nil
        resetTransaction()
        reply(context, "250 2.0.0 Ok: queued as \(accepted)\r\n")
    }

    private static func hasPrefixIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: [UInt8]) -> Bool {
        guard bytes.count >= lowercase.count else { return false }
        for index in 0..<lowercase.count {
            var byte = bytes[index]
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { byte += 32 }
            if byte != lowercase[index] { return false }
        }
        return true
    }

    /// The bytes without leading and trailing blanks, as a string; nil when nothing is left.
    private static func trimmed(_ bytes: UnsafeRawBufferPointer) -> String? {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        guard end > start else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    // MARK: Output

    private func reply(_ context: ChannelHandlerContext, _ text: String) {
        context.write(wrapOutboundOut(context.channel.allocator.buffer(string: text)), promise: nil)
        needsFlush = true
    }

    private func close(_ context: ChannelHandlerContext) {
        mode = .closing
        pending = nil
        needsFlush = false
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0))).whenComplete { _ in
            bound.value.close(promise: nil)
        }
    }
}

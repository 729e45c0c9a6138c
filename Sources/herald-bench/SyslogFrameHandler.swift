import NIOCore

/// One TCP connection of the syslog receiver: splits the stream into messages and records them.
///
/// Each frame is read by its first byte, as RFC 6587 §3.4 lets a receiver tell the two framings apart: a digit
/// starts an octet-counted frame (`MSG-LEN SP SYSLOG-MSG`, §3.4.1), anything else (`<` of a PRI) a message
/// ended by LF (§3.4.2, what rsyslog's omfwd sends by default; a CR before the LF is dropped). The event id is
/// the value of the first `event_id="…"` SD-PARAM of the message. A message cut by the end of a read waits for
/// the next one; one read's messages are recorded together.
final class SyslogFrameHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let statistics: SiemReceiverStatistics
    private let sample: SampleKeeper
    private let sampleFile: String?
    private let maxMessageBytes: Int
    private let onComplete: @Sendable () -> Void
    private var pending: ByteBuffer?
    private var ids: [String] = []
    /// Bytes of reads that completed no message yet: counted with the next record.
    private var unrecordedWireBytes = 0

    init(
        statistics: SiemReceiverStatistics, sample: SampleKeeper, sampleFile: String?, maxMessageBytes: Int,
        onComplete: @escaping @Sendable () -> Void
    ) {
        self.statistics = statistics
        self.sample = sample
        self.sampleFile = sampleFile
        self.maxMessageBytes = maxMessageBytes
        self.onComplete = onComplete
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let started = SiemReceiverStatistics.nowMilliseconds()
        var chunk = unwrapInboundIn(data)
        let wireBytes = chunk.readableBytes + unrecordedWireBytes
        if pending != nil {
            pending!.writeBuffer(&chunk)
        } else {
            pending = chunk
        }
        var counts = (messages: 0, octet: 0, line: 0, bytes: 0)
        ids.removeAll(keepingCapacity: true)
        var broken = false
        let consumed = pending!.withUnsafeReadableBytes { bytes -> Int in
            var offset = 0
            let count = bytes.count
            while offset < count {
                let first = bytes[offset]
                var start = 0
                var end = 0
                var next = 0
                if first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") {
                    var index = offset
                    var length = 0
                    while index < count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                        length = length * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                        index += 1
                        if length > maxMessageBytes { break }
                    }
                    guard index < count else { break }  // the length goes on in the next read
                    guard bytes[index] == UInt8(ascii: " "), length <= maxMessageBytes else {
                        broken = true
                        break
                    }
                    start = index + 1
                    end = start + length
                    guard end <= count else { break }
                    next = end
                    counts.octet += 1
                } else if first == 0x0A || first == 0x0D {
                    offset += 1  // an empty line between messages
                    continue
                } else {
                    var index = offset
                    while index < count, bytes[index] != 0x0A { index += 1 }
                    guard index < count else {
                        if count - offset > maxMessageBytes { broken = true }
                        break
                    }
                    start = offset
                    end = index > start && bytes[index - 1] == 0x0D ? index - 1 : index
                    next = index + 1
                    counts.line += 1
                }
                let message = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                if let id = Self.eventId(in: message) { ids.append(id) }
                if let sampleFile, counts.messages == 0 {
                    sample.offer(ByteBuffer(bytes: message), weight: 1, to: sampleFile)
                }
                counts.messages += 1
                counts.bytes += end - start
                offset = next
            }
            return offset
        }
        pending!.moveReaderIndex(forwardBy: consumed)
        if pending!.readableBytes == 0 {
            pending = nil
        } else if pending!.readerIndex > 1 << 16 {
            pending!.discardReadBytes()
        }
        unrecordedWireBytes = counts.messages > 0 ? 0 : wireBytes
        if counts.messages > 0,
            statistics.record(
                messages: counts.messages, ids: ids, wireBytes: wireBytes, decodedBytes: counts.bytes,
                started: started, finished: SiemReceiverStatistics.nowMilliseconds(), octetCounted: counts.octet,
                lineFramed: counts.line)
        {
            onComplete()
        }
        if broken {
            statistics.recordRefused()
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private static let key = Array(#"event_id=""#.utf8)

    /// The value of the first `event_id="…"` in a message (RFC 5424 SD-PARAM values escape `"`, `\` and `]`).
    static func eventId(in message: UnsafeRawBufferPointer) -> String? {
        let key = self.key
        let count = message.count
        guard count > key.count else { return nil }
        var index = 0
        let last = count - key.count
        while index <= last {
            if message[index] == key[0] {
                var matched = 1
                while matched < key.count, message[index + matched] == key[matched] { matched += 1 }
                if matched == key.count {
                    let start = index + key.count
                    var end = start
                    while end < count, message[end] != UInt8(ascii: "\"") {
                        end += message[end] == UInt8(ascii: "\\") ? 2 : 1
                    }
                    guard end <= count else { return nil }
                    return String(decoding: UnsafeRawBufferPointer(rebasing: message[start..<end]), as: UTF8.self)
                }
            }
            index += 1
        }
        return nil
    }
}

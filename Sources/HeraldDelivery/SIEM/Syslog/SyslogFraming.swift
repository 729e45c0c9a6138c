/// Transport framing of syslog messages over a byte stream.
public enum SyslogFraming {
    /// RFC 6587 §3.4.1 octet counting, `MSG-LEN SP SYSLOG-MSG`, the framing RFC 5425 §4.3 requires over TLS:
    /// MSG-LEN is the length in octets (not characters), so newlines and multi-byte UTF-8 in the message are safe.
    public static func octetCounted(_ message: [UInt8]) -> [UInt8] {
        var frame: [UInt8] = []
        appendOctetCounted(message, to: &frame)
        return frame
    }

    /// ``octetCounted(_:)``'s frame, appended (a batch frames its messages into one buffer).
    public static func appendOctetCounted(_ message: [UInt8], to stream: inout [UInt8]) {
        SyslogMessage.appendDecimal(message.count, to: &stream)
        stream.append(UInt8(ascii: " "))
        stream.append(contentsOf: message)
    }
}

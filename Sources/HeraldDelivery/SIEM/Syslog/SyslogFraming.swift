/// Transport framing of syslog messages over a byte stream.
public enum SyslogFraming {
    /// RFC 6587 §3.4.1 octet counting, `MSG-LEN SP SYSLOG-MSG`, the framing RFC 5425 §4.3 requires over TLS:
    /// MSG-LEN is the length in octets (not characters), so newlines and multi-byte UTF-8 in the message are safe.
    public static func octetCounted(_ message: [UInt8]) -> [UInt8] {
        var frame = Array(String(message.count).utf8)
        frame.reserveCapacity(frame.count + 1 + message.count)
        frame.append(UInt8(ascii: " "))
        frame.append(contentsOf: message)
        return frame
    }
}

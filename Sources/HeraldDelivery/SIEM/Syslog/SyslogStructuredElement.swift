/// One RFC 5424 SD-ELEMENT: `[SD-ID *(SP PARAM-NAME="PARAM-VALUE")]`.
///
/// SD-ID and PARAM-NAMEs are SD-NAMEs (RFC 5424 §6.3.2): 1…32 printable US-ASCII characters except `=`, space,
/// `]` and `"`. Names are sanitised when the element is written (each invalid character becomes `_`, the rest
/// is cut to 32, an empty name becomes `_`); use ``isValidName(_:)`` to reject bad names up front. Values are
/// UTF-8 with `"`, `\` and `]` escaped by a backslash (§6.3.3).
public struct SyslogStructuredElement: Sendable, Hashable {
    public struct Parameter: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public static let maximumNameLength = 32

    public var id: String
    public var parameters: [Parameter]

    public init(id: String, parameters: [Parameter]) {
        self.id = id
        self.parameters = parameters
    }

    /// Whether `name` is a valid SD-NAME as it stands.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.count <= maximumNameLength && name.unicodeScalars.allSatisfy(isNameScalar)
    }

    /// The element's octets.
    public var formatted: [UInt8] {
        var bytes: [UInt8] = []
        append(to: &bytes)
        return bytes
    }

    func append(to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "["))
        Self.appendName(id, to: &bytes)
        for parameter in parameters {
            bytes.append(UInt8(ascii: " "))
            Self.appendName(parameter.name, to: &bytes)
            bytes.append(UInt8(ascii: "="))
            bytes.append(UInt8(ascii: "\""))
            Self.appendEscaped(parameter.value, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// A PARAM-VALUE with `"`, `\` and `]` escaped: runs without them are copied at once.
    static func appendEscaped(_ value: String, to bytes: inout [UInt8]) {
        func isSpecial(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "]")
        }
        let copied: Void? = value.utf8.withContiguousStorageIfAvailable { buffer in
            var runStart = 0
            for index in buffer.indices where isSpecial(buffer[index]) {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<index]))
                bytes.append(UInt8(ascii: "\\"))
                runStart = index
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart...]))
        }
        guard copied == nil else { return }
        for byte in value.utf8 {
            if isSpecial(byte) { bytes.append(UInt8(ascii: "\\")) }
            bytes.append(byte)
        }
    }

    private static func appendName(_ name: String, to bytes: inout [UInt8]) {
        var count = 0
        // ASCII names (Herald's own) byte by byte; a non-ASCII one scalar by scalar, each invalid one a `_`.
        if name.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in name.utf8.prefix(maximumNameLength) {
                bytes.append(isNameScalar(Unicode.Scalar(byte)) ? byte : UInt8(ascii: "_"))
                count += 1
            }
        } else {
            for scalar in name.unicodeScalars.prefix(maximumNameLength) {
                bytes.append(isNameScalar(scalar) ? UInt8(scalar.value) : UInt8(ascii: "_"))
                count += 1
            }
        }
        if count == 0 { bytes.append(UInt8(ascii: "_")) }
    }

    private static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
        (33...126).contains(scalar.value) && scalar != "=" && scalar != "]" && scalar != "\""
    }
}

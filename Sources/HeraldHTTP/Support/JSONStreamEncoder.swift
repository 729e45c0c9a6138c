import Foundation
import Hummingbird
import NIOCore

/// The API's response encoder: writes JSON straight into the response's bytes as `Encodable` values are visited.
///
/// Foundation's `JSONEncoder` first builds a tree of boxed values (dictionaries keyed by strings) and then serializes
/// it; on a page of organizations that was a quarter of the daemon's CPU. This encoder makes the same text for the
/// API's types — keys in encoding order, `null` for an encoded `nil`, slashes unescaped, integral doubles without a
/// fraction — in one pass. A container is closed when the value that opened it has finished encoding, or, for
/// nested and super-encoder containers, before their parent writes again. Coding paths are not tracked (building
/// them cost an allocation per value, and none of the API's types reads them): `codingPath` is always empty.
public struct JSONStreamEncoder: ResponseEncoder, Sendable {
    public init() {}

    /// The JSON text of `value`.
    public func encode(_ value: some Encodable) throws -> [UInt8] {
        let output = JSONOutput()
        try output.encodeValue(value, codingPath: [])
        return output.bytes
    }

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        let bytes = try encode(value)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8", .contentLength: String(bytes.count)],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The bytes being written and the open containers.
final class JSONOutput {
    var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(4096)
    }

    /// Encodes one value at the current position: scalars directly, anything else through its `encode(to:)`.
    func encodeValue<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        // Metatype comparisons: cheaper than casting the value, and exact.
        if T.self == String.self {
            writeString(unsafeBitCast(value, to: String.self))
        } else if T.self == Int.self {
            append(String(unsafeBitCast(value, to: Int.self)))
        } else if T.self == Bool.self {
            append(unsafeBitCast(value, to: Bool.self) ? "true" : "false")
        } else if T.self == Double.self {
            try writeDouble(unsafeBitCast(value, to: Double.self), codingPath: codingPath)
        } else if T.self == Int64.self {
            append(String(unsafeBitCast(value, to: Int64.self)))
        } else if T.self == String?.self {
            // Optional fields (most of a DTO's) without Optional's `encode(to:)` and its boxed single-value container.
            if let string = unsafeBitCast(value, to: String?.self) { writeString(string) } else { append("null") }
        } else if T.self == Int?.self {
            if let int = unsafeBitCast(value, to: Int?.self) { append(String(int)) } else { append("null") }
        } else if T.self == Bool?.self {
            if let bool = unsafeBitCast(value, to: Bool?.self) { append(bool ? "true" : "false") } else { append("null") }
        } else if T.self == URL.self {
            writeString(unsafeBitCast(value, to: URL.self).absoluteString)
        } else if T.self == Data.self {
            writeString(unsafeBitCast(value, to: Data.self).base64EncodedString())
        } else {
            let container = JSONContainer()
            try value.encode(to: JSONStreamingEncoder(output: self, container: container, codingPath: codingPath))
            close(container)
        }
    }

    /// Ends a container opened for a value (`{}` when the value opened none, like Foundation's encoder).
    func close(_ container: JSONContainer) {
        closeChildren(of: container)
        switch container.kind {
        case .none: append("{}")
        case .keyed: bytes.append(UInt8(ascii: "}"))
        case .unkeyed: bytes.append(UInt8(ascii: "]"))
        case .single: break
        }
    }

    /// Closes the nested containers still open under `container`, before it writes again or ends.
    func closeChildren(of container: JSONContainer) {
        guard let child = container.openChild else { return }
        container.openChild = nil
        close(child)
    }

    func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    func writeDouble(_ value: Double, codingPath: [any CodingKey]) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: codingPath, debugDescription: "\(value) is not valid JSON"))
        }
        if value == value.rounded(), abs(value) < 1e15 {
            append(String(Int64(value)))
        } else {
            append(String(describing: value))
        }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    func writeString(_ string: String) {
        // One access to `bytes` per string (class property accesses are checked for exclusivity one by one).
        let utf8 = string.utf8
        let escaped = utf8.withContiguousStorageIfAvailable { Self.needsEscaping($0) } ?? true
        if !escaped {
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return
        }
        var text: [UInt8] = [UInt8(ascii: "\"")]
        text.reserveCapacity(utf8.count + 16)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\""): text += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): text += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: text += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: text += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: text += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x08: text += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: text += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x00..<0x20:
                text += [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                    Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0x0F)],
                ]
            default: text.append(byte)
            }
        }
        text.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: text)
    }

    /// Whether any byte must be escaped (a quote, a backslash or a control character).
    static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in bytes where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            return true
        }
        return false
    }
}

/// One container being written: its kind and how many elements it has so far.
final class JSONContainer {
    enum Kind {
        case none, keyed, unkeyed, single
    }

    var kind = Kind.none
    var count = 0
    /// A nested container (or super encoder's) still open inside this one.
    var openChild: JSONContainer?
}

/// The `Encoder` handed to a value's `encode(to:)`.
struct JSONStreamingEncoder: Encoder {
    let output: JSONOutput
    let container: JSONContainer
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if container.kind == .none {
            container.kind = .keyed
            output.bytes.append(UInt8(ascii: "{"))
        }
        return KeyedEncodingContainer(JSONKeyedWriter<Key>(output: output, container: container, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if container.kind == .none {
            container.kind = .unkeyed
            output.bytes.append(UInt8(ascii: "["))
        }
        return JSONUnkeyedWriter(output: output, container: container, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        if container.kind == .none { container.kind = .single }
        return JSONSingleValueWriter(output: output, codingPath: codingPath)
    }
}

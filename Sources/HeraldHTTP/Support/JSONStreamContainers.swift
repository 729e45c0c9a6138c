// The containers of ``JSONStreamingEncoder``: each writes its punctuation and keys into the shared ``JSONOutput``
// and closes the nested container still open before it writes again.

struct JSONKeyedWriter<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let output: JSONOutput
    let container: JSONContainer
    let codingPath: [any CodingKey]

    private func writeKey(_ key: Key) {
        writeKey(key.stringValue)
    }

    private func writeKey(_ name: String) {
        output.closeChildren(of: container)
        if container.count > 0 { output.bytes.append(UInt8(ascii: ",")) }
        container.count += 1
        output.writeString(name)
        output.bytes.append(UInt8(ascii: ":"))
    }

    mutating func encodeNil(forKey key: Key) throws {
        writeKey(key)
        output.append("null")
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        writeKey(key)
        try output.encodeValue(value, codingPath: codingPath)
    }

    // The scalars of the API's types, without the generic path (a metadata argument and the type checks).
    mutating func encode(_ value: String, forKey key: Key) throws {
        writeKey(key)
        output.writeString(value)
    }

    mutating func encode(_ value: Int, forKey key: Key) throws {
        writeKey(key)
        output.append(String(value))
    }

    mutating func encode(_ value: Bool, forKey key: Key) throws {
        writeKey(key)
        output.append(value ? "true" : "false")
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        writeKey(key)
        let child = JSONContainer()
        container.openChild = child
        return JSONStreamingEncoder(output: output, container: child, codingPath: codingPath)
            .container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        writeKey(key)
        let child = JSONContainer()
        container.openChild = child
        return JSONStreamingEncoder(output: output, container: child, codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        writeKey("super")
        let child = JSONContainer()
        container.openChild = child
        return JSONStreamingEncoder(output: output, container: child, codingPath: codingPath)
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        writeKey(key)
        let child = JSONContainer()
        container.openChild = child
        return JSONStreamingEncoder(output: output, container: child, codingPath: codingPath)
    }
}

struct JSONUnkeyedWriter: UnkeyedEncodingContainer {
    let output: JSONOutput
    let container: JSONContainer
    let codingPath: [any CodingKey]

    var count: Int { container.count }

    private func nextElement() -> [any CodingKey] {
        output.closeChildren(of: container)
        if container.count > 0 { output.bytes.append(UInt8(ascii: ",")) }
        container.count += 1
        return codingPath
    }

    mutating func encodeNil() throws {
        _ = nextElement()
        output.append("null")
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let path = nextElement()
        try output.encodeValue(value, codingPath: path)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let path = nextElement()
        let child = JSONContainer()
        container.openChild = child
        return JSONStreamingEncoder(output: output, container: child, codingPath: path).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let path = nextElement()
        let child = JSONContainer()
        container.openChild = child
        return JSONStreamingEncoder(output: output, container: child, codingPath: path).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder {
        let path = nextElement()
        let child = JSONContainer()
        container.openChild = child
        return JSONStreamingEncoder(output: output, container: child, codingPath: path)
    }
}

struct JSONSingleValueWriter: SingleValueEncodingContainer {
    let output: JSONOutput
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { output.append("null") }
    mutating func encode<T: Encodable>(_ value: T) throws { try output.encodeValue(value, codingPath: codingPath) }
}

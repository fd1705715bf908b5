import WorkflowCore

/// Encodes `Encodable` values as compact JSON with object keys in the order the value encodes them (declaration
/// order for synthesized conformances). Foundation's `JSONEncoder` on Linux orders keys by hash, so the answers
/// that must equal another server's bytes (FastAPI's 422 `{"detail":[{"type","loc","msg","input"}]}`) cannot come
/// from it; strings are escaped as RFC 8259 says (`JSONValue.writeQuoted`), `/` unescaped.
struct OrderedJSONEncoder {
    func encode(_ value: some Encodable) throws -> [UInt8] {
        let root = Slot()
        try value.encode(to: NodeEncoder(slot: root, codingPath: []))
        var output: [UInt8] = []
        root.write(to: &output)
        return output
    }
}

/// A JSON value under construction, a reference so containers (values) share it; objects keep their keys in
/// insertion order, and both arrays and objects grow in place.
private final class Slot {
    enum Kind { case null, literal(String), string(String), array, object }

    var kind = Kind.null
    var items: [Slot] = []
    var fields: [(String, Slot)] = []

    func write(to output: inout [UInt8]) {
        switch kind {
        case .null: output += Array("null".utf8)
        case let .literal(text): output += Array(text.utf8)
        case let .string(text): JSONValue.writeQuoted(text, to: &output)
        case .array:
            output.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                item.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object:
            output.append(UInt8(ascii: "{"))
            for (index, (key, slot)) in fields.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                JSONValue.writeQuoted(key, to: &output)
                output.append(UInt8(ascii: ":"))
                slot.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }
}

private struct NodeEncoder: Encoder {
    let slot: Slot
    var codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = slot.kind {} else { slot.kind = .object }
        return KeyedEncodingContainer(KeyedContainer<Key>(slot: slot, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = slot.kind {} else { slot.kind = .array }
        return UnkeyedContainer(slot: slot, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(slot: slot, codingPath: codingPath)
    }
}

/// Numbers as JSON writes them: integers without a fraction, others in Swift's shortest round-tripping form.
private func literal(_ value: Double) throws -> String {
    guard value.isFinite else {
        throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "JSON has no \(value)"))
    }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let slot: Slot
    var codingPath: [any CodingKey]

    mutating func encodeNil() throws { slot.kind = .null }
    mutating func encode(_ value: Bool) throws { slot.kind = .literal(value ? "true" : "false") }
    mutating func encode(_ value: String) throws { slot.kind = .string(value) }
    mutating func encode(_ value: Double) throws { slot.kind = .literal(try literal(value)) }
    mutating func encode(_ value: Float) throws { slot.kind = .literal(try literal(Double(value))) }
    mutating func encode(_ value: Int) throws { slot.kind = .literal(String(value)) }
    mutating func encode(_ value: Int8) throws { slot.kind = .literal(String(value)) }
    mutating func encode(_ value: Int16) throws { slot.kind = .literal(String(value)) }
    mutating func encode(_ value: Int32) throws { slot.kind = .literal(String(value)) }
    mutating func encode(_ value: Int64) throws { slot.kind = .literal(String(value)) }
    mutating func encode(_ value: UInt) throws { slot.kind = .literal(String(value)) }
    mutating func encode(_ value: UInt8) throws { slot.kind = .literal(String(value)) }
    mutating func encode(_ value: UInt16) throws { slot.kind = .literal(String(value)) }
    mutating func encode(_ value: UInt32) throws { slot.kind = .literal(String(value)) }
    mutating func encode(_ value: UInt64) throws { slot.kind = .literal(String(value)) }
    mutating func encode(_ value: some Encodable) throws {
        try value.encode(to: NodeEncoder(slot: slot, codingPath: codingPath))
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    var codingPath: [any CodingKey]

    /// The slot for `key`: a new field, or the existing one when a key is encoded twice (the last value wins).
    private func field(_ key: Key) -> Slot {
        if let existing = slot.fields.first(where: { $0.0 == key.stringValue }) { return existing.1 }
        let child = Slot()
        slot.fields.append((key.stringValue, child))
        return child
    }

    private func single(_ key: Key) -> SingleValueContainer {
        SingleValueContainer(slot: field(key), codingPath: codingPath + [key])
    }

    mutating func encodeNil(forKey key: Key) throws { var c = single(key); try c.encodeNil() }
    mutating func encode(_ value: Bool, forKey key: Key) throws { var c = single(key); try c.encode(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { var c = single(key); try c.encode(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { var c = single(key); try c.encode(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { var c = single(key); try c.encode(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { var c = single(key); try c.encode(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { var c = single(key); try c.encode(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { var c = single(key); try c.encode(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { var c = single(key); try c.encode(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { var c = single(key); try c.encode(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { var c = single(key); try c.encode(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { var c = single(key); try c.encode(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { var c = single(key); try c.encode(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { var c = single(key); try c.encode(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { var c = single(key); try c.encode(value) }
    mutating func encode(_ value: some Encodable, forKey key: Key) throws { var c = single(key); try c.encode(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(slot: field(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NodeEncoder(slot: field(key), codingPath: codingPath + [key]).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(slot: slot, codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { NodeEncoder(slot: field(key), codingPath: codingPath + [key]) }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let slot: Slot
    var codingPath: [any CodingKey]
    var count: Int { slot.items.count }

    private func next() -> Slot {
        let child = Slot()
        slot.items.append(child)
        return child
    }

    private func single() -> SingleValueContainer { SingleValueContainer(slot: next(), codingPath: codingPath) }

    mutating func encodeNil() throws { var c = single(); try c.encodeNil() }
    mutating func encode(_ value: Bool) throws { var c = single(); try c.encode(value) }
    mutating func encode(_ value: String) throws { var c = single(); try c.encode(value) }
    mutating func encode(_ value: Double) throws { var c = single(); try c.encode(value) }
    mutating func encode(_ value: Float) throws { var c = single(); try c.encode(value) }
    mutating func encode(_ value: Int) throws { var c = single(); try c.encode(value) }
    mutating func encode(_ value: Int8) throws { var c = single(); try c.encode(value) }
    mutating func encode(_ value: Int16) throws { var c = single(); try c.encode(value) }
    mutating func encode(_ value: Int32) throws { var c = single(); try c.encode(value) }
    mutating func encode(_ value: Int64) throws { var c = single(); try c.encode(value) }
    mutating func encode(_ value: UInt) throws { var c = single(); try c.encode(value) }
    mutating func encode(_ value: UInt8) throws { var c = single(); try c.encode(value) }
    mutating func encode(_ value: UInt16) throws { var c = single(); try c.encode(value) }
    mutating func encode(_ value: UInt32) throws { var c = single(); try c.encode(value) }
    mutating func encode(_ value: UInt64) throws { var c = single(); try c.encode(value) }
    mutating func encode(_ value: some Encodable) throws { var c = single(); try c.encode(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(slot: next(), codingPath: codingPath).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        NodeEncoder(slot: next(), codingPath: codingPath).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { NodeEncoder(slot: next(), codingPath: codingPath) }
}

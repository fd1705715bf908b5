/// The members of a JSON object in the order they appear, without building a dictionary: for decoders on hot
/// paths that want a few known fields of small flat objects (a token event is decoded a million times a second).
/// It accepts exactly the texts `JSONValue(parsing:)` accepts as objects, except keys with escapes, for which it
/// returns false so the caller can take the general path.
public enum JSONMembers {
    /// Calls `member` with each key's UTF-8 bytes (valid only during the call) and its value, in order, duplicates
    /// included. Returns false, having perhaps called `member` for some members, if `text` is not a JSON object or
    /// a key has escapes.
    public static func read(_ text: String, _ member: (_ key: UnsafeBufferPointer<UInt8>, _ value: JSONValue) -> Void) -> Bool {
        JSONValueReader.read(text) { reader in
            reader.skipSpace()
            guard reader.take(UInt8(ascii: "{")) else { return false }
            reader.skipSpace()
            if !reader.take(UInt8(ascii: "}")) {
                while true {
                    reader.skipSpace()
                    guard let key = reader.plainKey() else { return false }
                    reader.skipSpace()
                    guard reader.take(UInt8(ascii: ":")) else { return false }
                    reader.skipSpace()
                    guard let value = reader.value() else { return false }
                    member(key, value)
                    reader.skipSpace()
                    if reader.take(UInt8(ascii: ",")) { continue }
                    guard reader.take(UInt8(ascii: "}")) else { return false }
                    break
                }
            }
            reader.skipSpace()
            return reader.atEnd
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether these bytes spell `text` (ASCII keys compared without making a `String`).
    @inlinable
    public func spells(_ text: StaticString) -> Bool {
        guard count == text.utf8CodeUnitCount else { return false }
        let other = text.utf8Start
        for offset in 0..<count where self[offset] != other[offset] { return false }
        return true
    }
}

extension JSONMembers {
    /// Walks an object's members in order, building only what `member` asks for: each value is read as a
    /// `JSONValue`, as a plain string's bytes, or as an object member by member, and a value left alone is
    /// checked and skipped. The hot path of decoders whose events carry members nobody shows (DevUI's `logprobs`,
    /// `sequence_number`, `metadata`). `member` returns false to stop; the result is false then, and when `text`
    /// is not a JSON object, a key has escapes or a value is invalid, so the caller takes its general path.
    public static func scan(
        _ text: String, _ member: (_ key: UnsafeBufferPointer<UInt8>, _ value: inout JSONMemberValue) -> Bool
    ) -> Bool {
        JSONValueReader.read(text) { reader in
            reader.skipSpace()
            guard reader.members({ reader, key in JSONMemberValue.visit(&reader, key, member) }) else { return false }
            reader.skipSpace()
            return reader.atEnd
        }
    }
}

/// One member's value during `JSONMembers.scan`, valid only during the call that gets it.
public struct JSONMemberValue {
    private let reader: UnsafeMutablePointer<JSONValueReader>
    private var consumed = false
    private var failed = false

    private init(_ reader: UnsafeMutablePointer<JSONValueReader>) {
        self.reader = reader
    }

    static func visit(
        _ reader: inout JSONValueReader, _ key: UnsafeBufferPointer<UInt8>,
        _ member: (UnsafeBufferPointer<UInt8>, inout JSONMemberValue) -> Bool
    ) -> Bool {
        withUnsafeMutablePointer(to: &reader) { pointer in
            var value = JSONMemberValue(pointer)
            guard member(key, &value), !value.failed else { return false }
            return value.consumed || pointer.pointee.skipValue()
        }
    }

    /// The value, built; nil (and the scan fails) when it is invalid.
    public mutating func json() -> JSONValue? {
        guard !consumed else { return nil }
        consumed = true
        let value = reader.pointee.value()
        if value == nil { failed = true }
        return value
    }

    /// The bytes of a string without escapes (valid only during the call); nil, leaving the value to be read
    /// another way, when it is not a string or has escapes.
    public mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        guard !consumed, let bytes = reader.pointee.plainString() else { return nil }
        consumed = true
        return bytes
    }

    /// The value as a string, escapes decoded; nil when it is something else (the scan goes on) or invalid
    /// (the scan fails).
    public mutating func string() -> String? {
        guard !consumed else { return nil }
        guard case let .string(text)? = json() else { return nil }
        return text
    }

    /// The value as an object, member by member as in `scan`; false when it is not an object or `member` stopped.
    public mutating func members(
        _ member: (_ key: UnsafeBufferPointer<UInt8>, _ value: inout JSONMemberValue) -> Bool
    ) -> Bool {
        guard !consumed else { return false }
        consumed = true
        let read = reader.pointee.members { reader, key in JSONMemberValue.visit(&reader, key, member) }
        if !read { failed = true }
        return read
    }
}

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

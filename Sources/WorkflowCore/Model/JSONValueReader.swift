/// A strict byte-level JSON reader for `JSONValue(parsing:)`: several times faster than going through
/// `JSONDecoder` and `Decodable` for the small objects of event streams. It returns nil for anything it does not
/// accept, and the caller then asks `JSONDecoder`, which either parses it or words the error; so this reader only
/// needs to be right about valid JSON and never accept invalid JSON.
struct JSONValueReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    /// The text `bytes` are the UTF-8 of: strings without escapes are sliced from it, which copies without
    /// validating again (a `String` is valid UTF-8, and a slice between two quotes stays so).
    private let source: String
    private(set) var index = 0
    private var depth = 0
    private static let maxDepth = 512

    static func parse(_ text: String) -> JSONValue? {
        read(text) { reader in
            reader.skipSpace()
            guard let value = reader.value() else { return JSONValue?.none }
            reader.skipSpace()
            // (JSONValue is ExpressibleByNilLiteral: spell out the Optional's none.)
            return reader.atEnd ? Optional(value) : JSONValue?.none
        }
    }

    /// Runs `body` with a reader at the start of `text`'s UTF-8.
    static func read<R>(_ text: String, _ body: (inout JSONValueReader) -> R) -> R {
        var contiguous = text
        let source = text
        return contiguous.withUTF8 { buffer in
            var reader = JSONValueReader(bytes: buffer, source: source)
            return body(&reader)
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, source: String) {
        self.bytes = bytes
        self.source = source
    }

    var atEnd: Bool { index == bytes.count }

    /// Whether the next byte is `byte` (and steps over it if so).
    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// The bytes of a key: the string at the reader, which must have no escapes (nil otherwise, or if it is not
    /// a string); the reader moves past it.
    mutating func plainKey() -> UnsafeBufferPointer<UInt8>? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        skipPlainRun()
        // Stopped at the closing quote, or at an escape, a control character or the end (nil).
        guard take(UInt8(ascii: "\"")) else { return nil }
        return UnsafeBufferPointer(rebasing: bytes[start..<index - 1])
    }

    /// Moves past string content that needs no decoding: up to a quote, a backslash, a control character or the end.
    private mutating func skipPlainRun() {
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return }
            index += 1
        }
    }

    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// Steps over the value at the reader, accepting exactly what `value()` accepts, without building it: the
    /// members a hot path does not want cost a scan, not an allocation. Strings with escapes and numbers that are
    /// not short integers take `value()`'s own path, so the two cannot disagree.
    mutating func skipValue() -> Bool {
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            return members { reader, _ in reader.skipValue() }
        case UInt8(ascii: "["):
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { return false }
            index += 1
            skipSpace()
            if take(UInt8(ascii: "]")) { return true }
            while true {
                skipSpace()
                guard skipValue() else { return false }
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                return take(UInt8(ascii: "]"))
            }
        case UInt8(ascii: "\""):
            if plainString() != nil { return true }
            return string() != nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = index
            while index < bytes.count, index - start < 16, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                index += 1
            }
            let digits = index - start
            let ended = index == bytes.count || !Self.continuesNumber(bytes[index])
            // A short run of digits with no leading zero is an integer `value()` takes; anything else, it decides.
            if ended, digits > 0, digits < 16, bytes[start] != UInt8(ascii: "0") || digits == 1 { return true }
            index = start
            return number() != nil
        default:
            return value() != nil
        }
    }

    private static func continuesNumber(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
             UInt8(ascii: "+"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    /// The bytes of the string at the reader when it has no escapes (the reader moves past it); nil, with the
    /// reader where it was, when it is not a string or has escapes.
    mutating func plainString() -> UnsafeBufferPointer<UInt8>? {
        let start = index
        guard let bytes = plainKey() else {
            index = start
            return nil
        }
        return bytes
    }

    /// Walks the object at the reader: `member` gets each key's bytes (escape-free keys only; otherwise false) and
    /// must consume the value (`value()`, `skipValue()`, `members`), returning false to stop. True when the whole
    /// object was read.
    mutating func members(_ member: (inout JSONValueReader, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth, take(UInt8(ascii: "{")) else { return false }
        skipSpace()
        if take(UInt8(ascii: "}")) { return true }
        while true {
            skipSpace()
            guard let key = plainKey() else { return false }
            skipSpace()
            guard take(UInt8(ascii: ":")) else { return false }
            skipSpace()
            guard member(&self, key) else { return false }
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}"))
        }
    }

    mutating func value() -> JSONValue? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string().map(JSONValue.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return number()
        }
    }

    private mutating func literal(_ word: StaticString, _ value: JSONValue) -> JSONValue? {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { return nil }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return nil }
        index += count
        return value
    }

    private mutating func object() -> JSONValue? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { return nil }
        index += 1
        var fields: [String: JSONValue] = [:]
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(fields)
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipSpace()
            guard let item = value() else { return nil }
            // The first of duplicate keys wins, as with JSONDecoder.
            if fields[key] == nil { fields[key] = item }
            skipSpace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(fields) }
            return nil
        }
    }

    private mutating func array() -> JSONValue? {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { return nil }
        index += 1
        var items: [JSONValue] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(items)
        }
        while true {
            skipSpace()
            guard let item = value() else { return nil }
            items.append(item)
            skipSpace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(items) }
            return nil
        }
    }

    /// A string starting at the opening quote. Plain runs are copied as slices; escapes are decoded.
    private mutating func string() -> String? {
        index += 1
        let start = index
        // Fast path: no escapes.
        skipPlainRun()
        guard index < bytes.count, bytes[index] >= 0x20 else { return nil }
        if bytes[index] == UInt8(ascii: "\"") {
            let utf8 = source.utf8
            let text = String(source[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: index)])
            index += 1
            return text
        }
        var decoded: [UInt8] = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(validating: decoded, as: UTF8.self)
            }
            if byte < 0x20 { return nil }
            if byte != UInt8(ascii: "\\") {
                decoded.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { return nil }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4() else { return nil }
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low surrogate.
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                    else { return nil }
                    index += 2
                    guard let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    return nil
                }
                guard let unicode = Unicode.Scalar(scalar) else { return nil }
                decoded += Array(String(Character(unicode)).utf8)
            default:
                return nil
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// A number in JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
    private mutating func number() -> JSONValue? {
        let start = index
        func digits() -> Int {
            let first = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - first
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count else { return nil }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            return nil
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { return nil }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { return nil }
        }
        // Integers of up to 15 digits (sequence numbers, token counts) are exact as Double: no text round trip.
        let length = index - start
        if length <= 15 {
            var integer = 0
            var negative = false
            var plain = true
            for offset in start..<index {
                let byte = bytes[offset]
                if byte == UInt8(ascii: "-") { negative = true; continue }
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { plain = false; break }
                integer = integer * 10 + Int(byte - UInt8(ascii: "0"))
            }
            if plain { return .number(negative ? (integer == 0 ? -0.0 : -Double(integer)) : Double(integer)) }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else { return nil }
        return .number(value)
    }
}

/// Which request headers carry credentials, so their values are redacted wherever a client echoes what it sent or
/// a server echoes it back.
public enum SensitiveHeader {
    public static func isSensitive(_ name: String) -> Bool {
        let lower = name.lowercased()
        return ["auth", "key", "token", "cookie", "secret"].contains { lower.contains($0) }
    }

    /// The secrets a header value holds: the value, and the token of a `Bearer` value.
    public static func secrets(inValue value: String) -> [String] {
        value.hasPrefix("Bearer ") ? [value, String(value.dropFirst(7))] : [value]
    }
}

/// A credential (API key, access token) that never prints: its description, debug description and mirror are
/// redacted, so a key cannot leak through `print`, string interpolation, `dump` or a log of a containing value.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The credential itself; read it only to put it in a request header.
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "Secret(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

extension String {
    /// This text with every occurrence of each secret replaced by `<redacted>`: for server-written text (error
    /// bodies) that may echo a key back to us.
    public func redacting(_ secrets: [Secret]) -> String {
        secrets.reduce(self) { text, secret in
            secret.value.count >= 4 ? text.replacingOccurrences(of: secret.value, with: "<redacted>") : text
        }
    }
}

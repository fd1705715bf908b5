import Foundation
import HTTPExchange
import NIOCore

/// How long a model call may wait on the network before it fails with a `.transport` error saying it timed out.
public struct ChatTimeouts: Sendable, Hashable {
    /// To open the connection (TCP and TLS).
    public var connect: Duration
    /// Between any two reads once the request is sent: the wait for the response head, and then each gap in the
    /// stream. Generous by default, because a model may think, or a local server read a long prompt, before its
    /// first token.
    public var idleRead: Duration

    public init(connect: Duration = .seconds(10), idleRead: Duration = .seconds(120)) {
        self.connect = connect
        self.idleRead = idleRead
    }

    public static let `default` = ChatTimeouts()
}

extension Duration {
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// Whole seconds, or milliseconds below a second, for messages ("120 s", "250 ms").
    var spoken: String {
        let value = seconds
        if value < 1 { return "\(Int((value * 1000).rounded())) ms" }
        return value.rounded() == value ? "\(Int(value)) s" : String(format: "%.1f s", value)
    }
}

/// How far a running tool call has got, as a tool reports it (MCP servers' progress notifications).
public struct ToolProgress: Sendable, Hashable {
    public var progress: Double
    /// The amount `progress` counts towards, when the tool knows it.
    public var total: Double?
    public var message: String?

    public init(progress: Double, total: Double? = nil, message: String? = nil) {
        self.progress = progress
        self.total = total
        self.message = message
    }

    /// `2/5` (or `40%` for large or fractional counts), `7` without a total: short enough for a status column.
    public var amount: String {
        guard let total, total > 0 else { return Self.plain(progress) }
        if progress == progress.rounded(), total == total.rounded(), total < 1000 {
            return "\(Int(progress))/\(Int(total))"
        }
        return "\(Int((min(progress / total, 1) * 100).rounded()))%"
    }

    /// The amount and the message: `2/5 · indexing`.
    public var summary: String {
        message.map { "\(amount) · \($0)" } ?? amount
    }

    private static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.1f", value)
    }
}

/// Where a tool body reports progress: the agent loop binds it for each call to the call's timeline entry. A
/// task-local rather than a body parameter, so tools that report nothing stay plain closures. The value is an
/// object holding the closure: an optional closure as the task-local value itself crashed optimised builds (Swift
/// 6.3.1, a bad pointer on the first tool call), and an object is what task-locals are commonly given.
public enum ToolProgressReporting {
    @TaskLocal public static var reporter: ToolProgressReporter?

    /// The bound reporter's closure, if a call is being made under one.
    public static var report: (@Sendable (ToolProgress) -> Void)? { reporter?.report }
}

/// One tool call's progress sink.
public final class ToolProgressReporter: Sendable {
    public let report: @Sendable (ToolProgress) -> Void

    public init(_ report: @escaping @Sendable (ToolProgress) -> Void) {
        self.report = report
    }
}

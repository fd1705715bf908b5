/// Lets whoever consumes a run's events slow its models down. Chat clients call `FlowControl.pace()` between the
/// chunks they read; a consumer that cannot keep up (a server whose client reads slowly) installs a gate for the
/// run's task, and `pace()` waits while the gate is closed. The model's stream then waits in the network (TCP
/// backpressure to the provider) or, for the scripted model, simply pauses — instead of events piling up in memory.
public enum FlowControl {
    /// The gate of the run the current task belongs to (inherited by its child tasks); nil: never wait.
    @TaskLocal public static var gate: (any FlowGate)?

    /// Waits while the current run's consumer is too far behind; returns at once when there is no gate.
    public static func pace() async {
        if let gate { await gate.waitUntilOpen() }
    }
}

/// A consumer's say on whether the producer may go on.
public protocol FlowGate: Sendable {
    /// Returns when the producer may continue (at once if it may); also when the task is cancelled.
    func waitUntilOpen() async
}

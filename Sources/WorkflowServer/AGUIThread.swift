import Synchronization
import Wire
import WorkflowCore

/// A run's place in an AG-UI conversation (`POST /api/agui`): the thread it runs on, and where its last stream
/// stopped at a request for a person, so the follow-up run on the same thread goes on from there.
final class AGUIThread: Sendable {
    /// Where an interrupted stream stopped.
    struct Pause: Sendable, Equatable {
        /// The last event it wrote.
        var after: Int
        /// The agent steps it closed (a follow-up opens them again, so its `STEP_FINISHED`s match).
        var steps: [String]
    }

    private let state = Mutex<(threadId: String?, pause: Pause?)>((nil, nil))

    var threadId: String? { state.withLock { $0.threadId } }
    var pause: Pause? { state.withLock { $0.pause } }

    func begin(threadId: String) { state.withLock { $0.threadId = threadId } }

    func paused(_ pause: Pause) { state.withLock { $0.pause = pause } }
}

extension RunRegistry {
    /// The running run on AG-UI thread `threadId` (the newest, should a client have reused the thread).
    func run(onThread threadId: String) -> RunRecord? {
        records().first { $0.isRunning && $0.agui.threadId == threadId }
    }
}

extension RunRecord {
    /// The request of this run that `name` (a follow-up's `toolCallId` or `interruptId`) answers, open or not, and
    /// the sequence of the event that announced it (nil when the buffer no longer holds it).
    func request(named name: String) -> (request: HumanRequest, announced: Int?)? {
        let open = AGUIHumanLoop.request(named: name, among: desk.pending)
        for event in bufferedEvents.reversed() {
            guard let request = event.kind.announcedRequest else { continue }
            if AGUIHumanLoop.names(of: request).contains(name) { return (request, event.sequence) }
        }
        return open.map { ($0, nil) }
    }
}

/// Whether a driving stream ended at a request for a person: then its client leaving does not stop the run, which
/// waits for the follow-up (a class, so the stream's body and its close handler share it).
final class StreamEnding: Sendable {
    private let reached = Mutex(false)
    var atRequest: Bool { reached.withLock { $0 } }
    func reachRequest() { reached.withLock { $0 = true } }
}

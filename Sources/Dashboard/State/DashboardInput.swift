import WorkflowCore

/// Everything that can change the dashboard, from the person, the terminal, the clock, the event source or a
/// finished effect. The app loop turns each into one `DashboardState.update(_:)` call.
public enum DashboardInput: Sendable {
    case key(Key)
    case resize(width: Int, height: Int)
    /// The wall clock moved (elapsed time, events/s).
    case tick(now: Double)
    case connection(ConnectionState)
    /// New counts of skipped event types (attach).
    case skippedEventCounts([String: Int])
    /// A problem of the source that is no event of the run (attach could not read a DevUI entity's structure),
    /// listed with the warnings.
    case sourceWarning(String)
    /// The run did not take the answer sent to `requestId` (the server or DevUI refused it): `reason` says why.
    case answerRefused(requestId: String, reason: String)
    /// A batch of workflow events, applied in order.
    case events([WorkflowEvent])
    /// Events are waiting while the dashboard is paused.
    case eventsWaiting(Int)
    /// The event stream ended (normally or not).
    case streamFinished
    /// The outcome of a `.saveTranscript` effect.
    case transcriptSaved(path: String)
    case transcriptSaveFailed(path: String, reason: String)
}

/// What an input asks the app to do beyond changing the state.
public enum DashboardEffect: Sendable, Hashable {
    case quit
    /// Close the dashboard and return to the runs list it was opened from (`openedFromList`).
    case back
    /// Write the transcript (off the UI thread); the outcome comes back as `.transcriptSaved` or
    /// `.transcriptSaveFailed`.
    case saveTranscript
    /// Repaint the whole screen (Ctrl-L on a garbled terminal).
    case repaint
    /// A person answered a request: the app hands it to whoever can resume the run (a `RequestDesk` in-process).
    case answer(requestId: String, HumanResponse)
}

extension DashboardState {
    /// The one door: applies an input and returns what the app must do. Pure apart from what it returns.
    public mutating func update(_ input: DashboardInput) -> [DashboardEffect] {
        switch input {
        case let .key(key):
            return handle(key)
        case let .resize(width, height):
            size = (width, height)
        case let .tick(now):
            self.now = now
        case let .connection(state):
            connection = state
        case let .skippedEventCounts(counts):
            skippedEventCounts = counts
        case let .sourceWarning(message):
            warnings.append(message)
        case let .answerRefused(requestId, reason):
            answerRefused(requestId, reason: reason)
        case let .events(batch):
            for event in batch { apply(event) }
        case let .eventsWaiting(count):
            notice = "Paused · \(count) events waiting · space resumes"
        case .streamFinished:
            guard !streamFinished else { break }
            streamFinished = true
            // A closed connection already says why the stream stopped.
            if runStatus == .running, !isClosed(connection) { connection = .ended }
        case let .transcriptSaved(path):
            transcriptPath = path
            notice = "Transcript saved to \(path)"
        case let .transcriptSaveFailed(path, reason):
            notice = "Could not save the transcript to \(path): \(reason)"
        }
        return []
    }

    private func isClosed(_ connection: ConnectionState?) -> Bool {
        if case .closed = connection { return true }
        return false
    }
}

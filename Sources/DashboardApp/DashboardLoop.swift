import Dashboard
import Foundation
import WorkflowCore

/// The dashboard's UI loop, model → update → view, on one thread that alone uses the terminal backend. It sleeps
/// until a key, a batch of events, a resize or a signal arrives, turns each into a `DashboardInput` for
/// `DashboardState.update(_:)`, carries out the effects, and draws at most every 16 ms; with nothing to do it
/// sleeps with no timeout, and while a run is live it wakes once a second for the clock.
public final class DashboardLoop: @unchecked Sendable {
    public struct Outcome: Sendable {
        /// `back`: the person left a dashboard opened from the runs list, to return to it.
        public enum Reason: Sendable, Hashable { case quit, back, signal(Int32), inputClosed }
        public var reason: Reason
        public var state: DashboardState
        public var transcriptPath: String? { state.transcriptPath }
    }

    public static let frameInterval = Duration.milliseconds(16)

    /// Where producers put events for the loop (from any task).
    public let inbox: EventInbox
    private let backend: any TerminalBackend
    private let theme: Theme
    private let transcriptDirectory: String
    private let onFrame: (@Sendable (DashboardState) -> Void)?
    /// The host's own work, done on the loop's thread each time it wakes (the runs list takes its feed).
    private let alongside: (() -> Void)?
    /// Where a person's answers to the run's requests go (in-process, a `RequestDesk`; else the run's server). It
    /// returns nil when the run took the answer, else why not, which the warnings list shows; it runs off the loop's
    /// thread, since sending may take a network round trip.
    public typealias Answerer = @Sendable (_ requestId: String, _ response: HumanResponse) async -> String?
    private let onAnswer: Answerer?
    private var state: DashboardState
    /// Transcript saves still writing, waited for before the loop returns so the outcome knows the path.
    private let saves = DispatchGroup()

    /// - Parameters:
    ///   - transcriptDirectory: where `s` saves the transcript (the working directory by default).
    ///   - onFrame: called on the loop's thread after each frame is drawn, with the state it shows (benchmarks
    ///     measure latency with it).
    ///   - alongside: the host's work, done on the loop's thread each time it wakes (see `runHere`).
    public init(
        backend: any TerminalBackend, theme: Theme, state: DashboardState = DashboardState(),
        transcriptDirectory: String = FileManager.default.currentDirectoryPath,
        onFrame: (@Sendable (DashboardState) -> Void)? = nil,
        alongside: (() -> Void)? = nil,
        onAnswer: Answerer? = nil
    ) {
        self.onAnswer = onAnswer
        self.backend = backend
        self.theme = theme
        self.state = state
        // A prompt whose y and n went nowhere would mislead: without an answerer it says where to answer instead.
        self.state.requests.answerable = onAnswer != nil
        self.transcriptDirectory = transcriptDirectory
        self.onFrame = onFrame
        self.alongside = alongside
        inbox = EventInbox(wake: backend.wake)
    }

    /// Runs the loop on its own thread until the person quits (or a signal ends it) and returns what they saw.
    public func run() async -> Outcome {
        await withCheckedContinuation { continuation in
            let thread = Thread { [self] in
                continuation.resume(returning: loop())
            }
            thread.name = "flowtop-ui"
            thread.start()
        }
    }

    /// Runs the loop on the calling thread, on a backend the caller has started and goes on using afterwards: the
    /// runs list's loop opens a run's dashboard this way, on its own thread, and takes the screen back when this
    /// returns (`.back` when the person pressed Esc or q).
    public func runHere() -> Outcome {
        backend.invalidate()
        return loop(ownsTerminal: false)
    }

    private func loop(ownsTerminal: Bool = true) -> Outcome {
        if ownsTerminal {
            do {
                try backend.start()
            } catch {
                return Outcome(reason: .quit, state: state)
            }
        }
        defer { if ownsTerminal { backend.stop() } }
        let size = backend.size
        _ = state.update(.resize(width: size.width, height: size.height))
        _ = state.update(.tick(now: Date().timeIntervalSince1970))

        let clock = ContinuousClock()
        var lastDraw = clock.now - Self.frameInterval
        var dirty = true
        while true {
            // Sleep until something happens: no timeout when idle, the rest of the frame when a draw is due (or
            // events wait for the next frame), and a once-a-second tick while the run is live (the elapsed clock
            // and events/s move).
            let timeout: Duration?
            if dirty || (!state.paused && inbox.hasPending) {
                timeout = max(.zero, Self.frameInterval - (clock.now - lastDraw))
            } else if state.runStatus == .running && !state.paused {
                timeout = .seconds(1)
            } else {
                timeout = nil
            }
            let timedOut = backend.wait(timeout: timeout)
            var inputs: [DashboardInput] = []
            for input in backend.readInput() {
                switch input {
                case .inputClosed: return finish(.inputClosed)
                case let .terminated(signal): return finish(.signal(signal))
                case let .resized(width, height): inputs.append(.resize(width: width, height: height))
                case let .key(key): inputs.append(.key(key))
                }
            }
            inputs += inbox.drainOutcomes()
            alongside?()
            for input in inputs {
                if let reason = perform(input) { return finish(reason) }
                dirty = true
            }
            _ = state.update(.tick(now: Date().timeIntervalSince1970))
            // Events are taken a frame's worth at a time: while the frame is not due they gather in the inbox
            // (whose producers then wake nobody), so a fast stream costs one hand-off per frame, not per event.
            // Paused, they stay there, so the frozen screen is consistent; resuming applies them.
            if !state.paused {
                if clock.now - lastDraw >= Self.frameInterval {
                    for input in inbox.drain().inputs {
                        if let reason = perform(input) { return finish(reason) }
                        dirty = true
                    }
                }
            } else if inbox.pendingCount > 0 {
                _ = state.update(.eventsWaiting(inbox.pendingCount))
            }
            if timedOut, state.runStatus == .running { dirty = true }
            if dirty, clock.now - lastDraw >= Self.frameInterval {
                backend.draw(DashboardView.render(state), theme: theme)
                onFrame?(state)
                lastDraw = clock.now
                dirty = false
            }
        }
    }

    /// Updates the state and carries out the effects; a reason to stop when one says so.
    private func perform(_ input: DashboardInput) -> Outcome.Reason? {
        for effect in state.update(input) {
            switch effect {
            case .quit: return .quit
            case .back: return .back
            case .saveTranscript: saveTranscript()
            case .repaint: backend.invalidate()
            case let .answer(requestId, response): send(requestId, response)
            }
        }
        return nil
    }

    private func send(_ requestId: String, _ response: HumanResponse) {
        guard let onAnswer else { return }
        let inbox = self.inbox
        Task {
            guard let problem = await onAnswer(requestId, response) else { return }
            inbox.post(.answerRefused(requestId: requestId, reason: problem))
        }
    }

    /// Writes the transcript on a thread of its own (never the UI thread); the outcome comes back via the inbox.
    private func saveTranscript() {
        let snapshot = state
        let directory = transcriptDirectory
        let inbox = self.inbox
        let saves = self.saves
        saves.enter()
        Thread.detachNewThread {
            inbox.post(TranscriptFile.save(snapshot, in: directory))
            saves.leave()
        }
    }

    private func finish(_ reason: Outcome.Reason) -> Outcome {
        saves.wait()
        for outcome in inbox.drainOutcomes() { _ = state.update(outcome) }
        return Outcome(reason: reason, state: state)
    }
}

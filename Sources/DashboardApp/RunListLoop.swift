import Dashboard
import Foundation
import WorkflowCore

/// The runs list's UI loop (`flowtop top`), model → update → view as the dashboard's: one thread alone uses the
/// terminal backend, the feed arrives through a `RunFeedInbox`, and frames are drawn at most every 16 ms. Enter
/// opens the selected run's dashboard on the same thread and screen (`DashboardLoop.runHere`), the list taking its
/// feed all the while; Esc or q there comes back to the list.
public final class RunListLoop: @unchecked Sendable {
    public struct Outcome: Sendable {
        public var reason: DashboardLoop.Outcome.Reason
        public var state: RunListState
    }

    public let inbox: RunFeedInbox
    private let backend: any TerminalBackend
    private let theme: Theme
    private let source: any RunSource
    private var state: RunListState
    /// How many run dashboards were opened (tests and the closing summary).
    public private(set) var opened = 0

    /// `title`: the header's first word, the command showing the list.
    public init(backend: any TerminalBackend, theme: Theme, source: any RunSource, title: String = "flowtop top", keep: Int = 500) {
        self.backend = backend
        self.theme = theme
        self.source = source
        state = RunListState(source: source.label, title: title, keep: keep)
        inbox = RunFeedInbox(wake: backend.wake)
    }

    /// Takes the source's feed and runs the loop on its own thread until the person quits (or a signal ends it).
    public func run() async -> Outcome {
        let inbox = self.inbox
        let source = self.source
        let feed = Task {
            await source.feed(onEvent: { inbox.post($0) }, onConnection: { inbox.setConnection($0) })
        }
        let outcome = await withCheckedContinuation { continuation in
            let thread = Thread { [self] in
                continuation.resume(returning: loop())
            }
            thread.name = "flowtop-ui"
            thread.start()
        }
        feed.cancel()
        await feed.value
        return outcome
    }

    private func loop() -> Outcome {
        do {
            try backend.start()
        } catch {
            return Outcome(reason: .quit, state: state)
        }
        defer { backend.stop() }
        let size = backend.size
        _ = state.update(.resize(width: size.width, height: size.height))
        _ = state.update(.tick(now: Date().timeIntervalSince1970))
        let clock = ContinuousClock()
        var lastDraw = clock.now - DashboardLoop.frameInterval
        var dirty = true
        while true {
            // Idle, it sleeps with no timeout; while runs are live, once a second for their elapsed times.
            let timeout: Duration? = dirty
                ? max(.zero, DashboardLoop.frameInterval - (clock.now - lastDraw))
                : (state.runningCount > 0 ? .seconds(1) : nil)
            let timedOut = backend.wait(timeout: timeout)
            var inputs: [RunListInput] = []
            for input in backend.readInput() {
                switch input {
                case .inputClosed: return Outcome(reason: .inputClosed, state: state)
                case let .terminated(signal): return Outcome(reason: .signal(signal), state: state)
                case let .resized(width, height): inputs.append(.resize(width: width, height: height))
                case let .key(key): inputs.append(.key(key))
                }
            }
            inputs += inbox.drain()
            _ = state.update(.tick(now: Date().timeIntervalSince1970))
            for input in inputs {
                dirty = true
                for effect in state.update(input) {
                    switch effect {
                    case .quit: return Outcome(reason: .quit, state: state)
                    case .repaint: backend.invalidate()
                    case let .open(runId):
                        let reason = openDashboard(runId)
                        if reason != .back { return Outcome(reason: reason, state: state) }
                        _ = state.update(.resize(width: backend.size.width, height: backend.size.height))
                        backend.invalidate()
                    }
                }
            }
            if timedOut, state.runningCount > 0 { dirty = true }
            if dirty, clock.now - lastDraw >= DashboardLoop.frameInterval {
                backend.draw(RunListView.render(state), theme: theme)
                lastDraw = clock.now
                dirty = false
            }
        }
    }

    /// Shows the run's dashboard until the person goes back (or quits); the feed keeps reaching the list meanwhile.
    private func openDashboard(_ runId: String) -> DashboardLoop.Outcome.Reason {
        opened += 1
        var initial = DashboardState()
        initial.openedFromList = true
        let source = self.source
        var onAnswer: DashboardLoop.Answerer?
        if source.answersRequests {
            onAnswer = { requestId, response in await source.answer(requestId, response, inRun: runId) }
        }
        let dashboard = DashboardLoop(backend: backend, theme: theme, state: initial, alongside: { [self] in
            for input in inbox.drain() { _ = state.update(input) }
        }, onAnswer: onAnswer)
        let events = dashboard.inbox
        let producer = Task {
            await source.events(ofRun: runId, onEvent: { events.append($0) }, onConnection: { events.setConnection($0) })
            events.finish()
        }
        let outcome = dashboard.runHere()
        producer.cancel()
        return outcome.reason
    }
}

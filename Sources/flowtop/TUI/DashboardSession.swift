import Dashboard
import Foundation
import Terminal
import WorkflowCore

/// The dashboard on the real terminal: one UI thread owns ncurses and runs model → update → view. It sleeps until
/// a key, a batch of events, a resize or a signal arrives, draws at most ~60 frames a second, and uses no CPU
/// while nothing changes.
final class DashboardSession: @unchecked Sendable {
    struct Outcome: Sendable {
        enum Reason: Sendable { case quit, signal(Int32), inputClosed }
        var reason: Reason
        var state: DashboardState
        var transcriptPath: String?
    }

    private let theme: Theme
    private let colorMode: ColorMode
    private let waiter: InputWaiter
    let inbox: EventInbox
    private var state: DashboardState
    private var transcriptPath: String?
    private static let frameInterval = Duration.milliseconds(16)

    init(theme: Theme, colorMode: ColorMode, state: DashboardState = DashboardState()) throws {
        self.theme = theme
        self.colorMode = colorMode
        self.state = state
        let waiter = try InputWaiter()
        self.waiter = waiter
        inbox = EventInbox(wake: { waiter.wake() })
    }

    /// Runs the UI loop on its own thread until the person quits (or a signal ends it) and returns what they saw.
    func run() async -> Outcome {
        await withCheckedContinuation { continuation in
            let thread = Thread { [self] in
                continuation.resume(returning: loop())
            }
            thread.name = "flowtop-ui"
            thread.start()
        }
    }

    private func loop() -> Outcome {
        waiter.installSignalHandlers()
        let screen = TerminalScreen(colorMode: colorMode)
        do {
            try screen.start()
        } catch {
            return Outcome(reason: .quit, state: state, transcriptPath: nil)
        }
        defer { screen.stop() }
        state.size = screen.size
        state.now = Date().timeIntervalSince1970

        let clock = ContinuousClock()
        var lastDraw = clock.now - Self.frameInterval
        var dirty = true
        var streamFinished = false
        while true {
            // Sleep until something happens: no timeout when idle, the rest of the frame when a draw is due, and a
            // once-a-second tick while the run is live (the elapsed clock and events/s move).
            let timeout: Duration?
            if dirty {
                timeout = max(.zero, Self.frameInterval - (clock.now - lastDraw))
            } else if state.runStatus == .running && !state.paused {
                timeout = .seconds(1)
            } else {
                timeout = nil
            }
            let reason = waiter.wait(timeout: timeout)
            if reason == .inputClosed { return Outcome(reason: .inputClosed, state: state, transcriptPath: transcriptPath) }
            if let signal = waiter.consumeTermination() {
                return Outcome(reason: .signal(signal), state: state, transcriptPath: transcriptPath)
            }
            if waiter.consumeResize(), screen.handleResize() {
                state.size = screen.size
                dirty = true
            }
            for key in screen.readKeys() {
                if key == .resize {
                    _ = screen.handleResize()
                    state.size = screen.size
                    dirty = true
                    continue
                }
                if key == .control("l") { screen.invalidate() }  // Ctrl-L repaints a garbled screen
                for effect in state.handle(key) {
                    switch effect {
                    case .quit: return Outcome(reason: .quit, state: state, transcriptPath: transcriptPath)
                    case .saveTranscript: saveTranscript()
                    }
                }
                dirty = true
            }
            state.now = Date().timeIntervalSince1970
            if !state.paused {
                let batch = inbox.drain()
                for event in batch.events { state.apply(event) }
                if !batch.events.isEmpty { dirty = true }
                if let connection = batch.connection {
                    state.connection = connection
                    dirty = true
                }
                if let skipped = batch.skipped {
                    state.skippedEventCounts = skipped
                    dirty = true
                }
                if batch.finished, !streamFinished {
                    streamFinished = true
                    dirty = true
                    if state.runStatus == .running, batch.connection == nil { state.connection = "stream ended" }
                }
            } else if inbox.pendingCount > 0 {
                state.notice = "Paused · \(inbox.pendingCount) events waiting · space resumes"
            }
            if reason == .timeout, state.runStatus == .running { dirty = true }
            if dirty, clock.now - lastDraw >= Self.frameInterval {
                screen.draw(DashboardView.render(state), theme: theme)
                lastDraw = clock.now
                dirty = false
            }
        }
    }

    private func saveTranscript() {
        let name = "flowtop-\(state.runId.isEmpty ? "run" : state.runId).md"
        let path = FileManager.default.currentDirectoryPath + "/" + name
        do {
            try Transcript.markdown(state).write(toFile: path, atomically: true, encoding: .utf8)
            transcriptPath = path
            state.notice = "Transcript saved to \(path)"
        } catch {
            state.notice = "Could not save the transcript to \(path): \(error.localizedDescription)"
        }
    }
}

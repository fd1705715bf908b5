import Dashboard
import Dispatch
import Synchronization

/// A terminal that is only memory: it records the frames drawn as text, delivers inputs a test or benchmark sends
/// (keys, resizes), and never touches a tty. The dashboard loop runs on it exactly as on ncurses.
public final class InMemoryTerminal: TerminalBackend, Sendable {
    private struct Contents {
        var size: (width: Int, height: Int)
        var pending: [TerminalInput] = []
        var frames: [String] = []
        var frameCount = 0
        var invalidations = 0
        /// What to do once a frame shows a text (send an input, resume a waiting test).
        var triggers: [(text: String, fire: @Sendable (String) -> Void)] = []
        var started = false
    }

    private let contents: Mutex<Contents>
    private let signal = DispatchSemaphore(value: 0)
    private let keptFrames: Int

    /// - Parameter keptFrames: how many of the latest frames to keep as text. With 0 a frame becomes text only
    ///   while something waits for one, so a benchmark pays nothing per frame beyond drawing the grid.
    public init(width: Int, height: Int, keptFrames: Int = .max) {
        contents = Mutex(Contents(size: (width, height)))
        self.keptFrames = keptFrames
    }

    // MARK: What tests and benchmarks do

    /// Delivers an input to the loop (any thread); `.resized` also changes the size.
    public func send(_ input: TerminalInput) {
        contents.withLock { contents in
            if case let .resized(width, height) = input { contents.size = (width, height) }
            contents.pending.append(input)
        }
        signal.signal()
    }

    /// Sends `input` as soon as a frame containing `text` has been drawn (at once if the last one did).
    public func whenFrameShows(_ text: String, send input: TerminalInput) {
        onFrame(showing: text) { [self] _ in send(input) }
    }

    /// The first frame (from the last one drawn on) that contains `text`.
    public func frame(showing text: String) async -> String {
        await withCheckedContinuation { continuation in
            onFrame(showing: text) { continuation.resume(returning: $0) }
        }
    }

    private func onFrame(showing text: String, fire: @escaping @Sendable (String) -> Void) {
        let shown: String? = contents.withLock { contents in
            if let last = contents.frames.last, last.contains(text) { return last }
            contents.triggers.append((text, fire))
            return nil
        }
        if let shown { fire(shown) }
    }

    /// The kept frames, oldest first.
    public var frames: [String] { contents.withLock { $0.frames } }

    public var lastFrame: String? { contents.withLock { $0.frames.last } }

    /// Frames drawn in all (kept or not).
    public var frameCount: Int { contents.withLock { $0.frameCount } }

    /// How many times the loop asked for a full repaint.
    public var invalidations: Int { contents.withLock { $0.invalidations } }

    // MARK: TerminalBackend

    public func start() throws { contents.withLock { $0.started = true } }

    public func stop() { contents.withLock { $0.started = false } }

    public var size: (width: Int, height: Int) { contents.withLock { $0.size } }

    public func wait(timeout: Duration?) -> Bool {
        guard let timeout else {
            signal.wait()
            return false
        }
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = max(0, seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return signal.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .timedOut
    }

    public func readInput() -> [TerminalInput] {
        contents.withLock { contents in
            defer { contents.pending.removeAll() }
            return contents.pending
        }
    }

    public func draw(_ grid: CellGrid, theme: Theme) {
        let needsText = keptFrames > 0 || contents.withLock { !$0.triggers.isEmpty }
        let text = needsText ? grid.text : nil
        let fired: [@Sendable (String) -> Void] = contents.withLock { contents in
            contents.frameCount += 1
            guard let text else { return [] }
            contents.frames.append(text)
            if contents.frames.count > max(1, keptFrames) { contents.frames.removeFirst(contents.frames.count - max(1, keptFrames)) }
            let matched = contents.triggers.filter { text.contains($0.text) }.map(\.fire)
            contents.triggers.removeAll { text.contains($0.text) }
            return matched
        }
        if let text { for fire in fired { fire(text) } }
    }

    public func invalidate() { contents.withLock { $0.invalidations += 1 } }

    public var wake: @Sendable () -> Void {
        let signal = self.signal
        return { signal.signal() }
    }
}

import Dashboard
import Terminal

/// The real terminal: `TerminalScreen` draws and reads keys, `InputWaiter` sleeps in `poll` and catches signals.
/// Created anywhere; used by the loop's thread only (ncurses has no locking).
public final class NcursesBackend: TerminalBackend, @unchecked Sendable {
    private let screen: TerminalScreen
    private let waiter: InputWaiter
    private var inputClosed = false

    public init(colorMode: ColorMode) throws(TerminalError) {
        screen = TerminalScreen(colorMode: colorMode)
        waiter = try InputWaiter()
    }

    public func start() throws {
        // Before ncurses starts, so it installs no handlers of its own.
        waiter.installSignalHandlers()
        try screen.start()
    }

    public func stop() { screen.stop() }

    public var size: (width: Int, height: Int) { screen.size }

    public func wait(timeout: Duration?) -> Bool {
        let reason = waiter.wait(timeout: timeout)
        if reason == .inputClosed { inputClosed = true }
        return reason == .timeout
    }

    public func readInput() -> [TerminalInput] {
        if inputClosed { return [.inputClosed] }
        if let signal = waiter.consumeTermination() { return [.terminated(signal: signal)] }
        var inputs: [TerminalInput] = []
        if waiter.consumeResize(), screen.handleResize() { inputs.append(resized) }
        for key in screen.readKeys() {
            if key == .resize {
                // resizeterm queues this key; the size may already be known, the redraw is what matters.
                screen.handleResize()
                inputs.append(resized)
            } else {
                inputs.append(.key(key))
            }
        }
        return inputs
    }

    private var resized: TerminalInput {
        let size = screen.size
        return .resized(width: size.width, height: size.height)
    }

    public func draw(_ grid: CellGrid, theme: Theme) { screen.draw(grid, theme: theme) }

    public func invalidate() { screen.invalidate() }

    public var wake: @Sendable () -> Void {
        let waiter = self.waiter
        return { waiter.wake() }
    }
}

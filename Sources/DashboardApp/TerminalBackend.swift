import Dashboard

/// What a terminal reports to the dashboard loop besides keys.
public enum TerminalInput: Sendable, Hashable {
    case key(Key)
    /// The terminal has a new size (columns, rows).
    case resized(width: Int, height: Int)
    /// A termination signal (SIGTERM, SIGHUP, SIGINT) arrived: the loop ends with it.
    case terminated(signal: Int32)
    /// The terminal went away: there is no one to show anything to.
    case inputClosed
}

/// The thin layer between the dashboard loop and a terminal: ncurses in the product (`NcursesBackend`), an
/// in-memory screen in tests and benchmarks (`InMemoryTerminal`). One thread (the loop's) uses it from `start()`
/// to `stop()`; only `wake` may be called from anywhere.
public protocol TerminalBackend: AnyObject {
    func start() throws
    func stop()
    /// Columns and rows now.
    var size: (width: Int, height: Int) { get }
    /// Sleeps until there may be input, `wake` is called, or `timeout` passes (nil: no timeout). Returns whether
    /// it timed out.
    func wait(timeout: Duration?) -> Bool
    /// Everything that arrived, without blocking.
    func readInput() -> [TerminalInput]
    func draw(_ grid: CellGrid, theme: Theme)
    /// Makes the next `draw` repaint everything.
    func invalidate()
    /// Rouses `wait` from any thread.
    var wake: @Sendable () -> Void { get }
}

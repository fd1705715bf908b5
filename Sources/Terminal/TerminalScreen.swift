import CNcursesw
import Dashboard

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal as the dashboard sees it: start it, draw `CellGrid`s into it, read keys from it, stop it.
///
/// ncurses is a pile of process-wide state with no locking, so a `TerminalScreen` belongs to ONE thread — the UI
/// thread that runs the app loop — for its whole life. It is deliberately not `Sendable`; other threads talk to
/// that loop through `InputWaiter.wake()` and whatever queue the app keeps its events in. There should be one
/// screen per process.
public final class TerminalScreen {
    public let colorMode: ColorMode
    /// What the terminal shows, known after `start()`.
    public private(set) var colorDepth: ColorDepth = .none
    /// Whether characters go out as UTF-8 (false only on a non-UTF-8 locale with no UTF-8 fallback installed, where
    /// wide characters and box drawing cannot be shown). Known after `start()`.
    public private(set) var isUTF8 = true
    /// The terminfo entry in use (`$TERM`, or its `-direct` variant chosen for truecolor).
    public private(set) var terminalType = ""

    enum Phase { case idle, active, stopped }
    var phase = Phase.idle
    var defaultColors = false
    var colorCount = 0
    var pairs = ColorPairTable(pairZero: .init(foreground: -1, background: -1), limit: 1, depth: .none)
    /// What was last drawn, for the diff; nil forces a full redraw.
    var lastGrid: CellGrid?
    var lastTheme: Theme?
    /// Characters of one cell for `setcchar`, reused so drawing does not allocate per cell.
    var characterBuffer: [wchar_t] = Array(repeating: 0, count: 8)

    public init(colorMode: ColorMode = .automatic) {
        self.colorMode = colorMode
    }

    deinit { stop() }

    /// Takes over the terminal: locale, alternate screen, raw input (Ctrl-C, Ctrl-Z, Ctrl-S arrive as keys),
    /// no echo, keypad and mouse decoding, hidden cursor, colours. Installs the crash and exit restore. After
    /// `stop()` it resumes the same screen (e.g. after running `$EDITOR`). Install the `InputWaiter`'s signal
    /// handlers first.
    public func start() throws(TerminalError) {
        switch phase {
        case .active:
            return
        case .stopped:
            TerminalRestore.saveTerminalModes()
            _ = refresh()  // ncurses' way back from endwin: program modes and the screen come back.
            configureInput()  // endwin left keypad-transmit mode, and refresh does not re-enter it.
            phase = .active
            TerminalRestore.setActive(true)
            invalidate()
            return
        case .idle:
            break
        }
        isUTF8 = TerminalLocale.activate()
        TerminalRestore.install()
        TerminalRestore.saveTerminalModes()
        let type = chooseTerminalType()
        guard flowtop_newterm(type) != nil else { throw .cannotOpenTerminal(type: type) }
        terminalType = type
        phase = .active
        TerminalRestore.setActive(true)
        configureInput()
        configureColors()
        lastGrid = nil
    }

    /// Gives the terminal back (`endwin`): normal screen, cursor, cooked mode. Idempotent.
    public func stop() {
        guard phase == .active else { return }
        TerminalRestore.setActive(false)
        _ = endwin()
        phase = .stopped
    }

    /// Columns and rows of the screen (0 × 0 before `start()`).
    public var size: (width: Int, height: Int) {
        guard phase != .idle, let window = flowtop_stdscr() else { return (0, 0) }
        var rows: Int32 = 0
        var columns: Int32 = 0
        flowtop_getmaxyx(window, &rows, &columns)
        return (Int(max(0, columns)), Int(max(0, rows)))
    }

    /// Reads the real size from the kernel, resizes ncurses' screens to it and forces a full redraw. Call when
    /// `InputWaiter.consumeResize()` says so. Returns whether the size changed. `resizeterm` also queues a
    /// `.resize` key, which the next `readKeys()` returns; it needs no further action.
    @discardableResult
    public func handleResize() -> Bool {
        guard phase == .active else { return false }
        let before = size
        var rows: Int32 = 0
        var columns: Int32 = 0
        if flowtop_window_size(STDOUT_FILENO, &rows, &columns) == 0 {
            _ = resizeterm(rows, columns)
        }
        invalidate()
        let after = size
        return before != after
    }

    /// Forces the next `draw` to repaint everything (Ctrl-L, after a resize, after something else wrote to the
    /// terminal).
    public func invalidate() {
        lastGrid = nil
        if phase == .active, let window = flowtop_stdscr() { _ = clearok(window, true) }
    }

    /// `$TERM`, or its `-direct` sibling when the user's terminal says it does truecolor (COLORTERM) but its own
    /// entry only has 256 colours: ncurses can only send 24-bit colours through a direct-colour entry.
    private func chooseTerminalType() -> String {
        let type = getenv("TERM").map { String(cString: $0) } ?? ""
        guard colorMode == .automatic, !type.isEmpty,
            let colorTerm = getenv("COLORTERM").map({ String(cString: $0).lowercased() }),
            colorTerm == "truecolor" || colorTerm == "24bit", flowtop_terminfo_colors(type) < 1 << 24
        else { return type }
        var base = Substring(type)
        for suffix in ["-256color", "-88color", "-16color", "-color", "-truecolor"] where base.hasSuffix(suffix) {
            base = base.dropLast(suffix.count)
            break
        }
        let direct = String(base) + "-direct"
        return flowtop_terminfo_colors(direct) >= 1 << 24 ? direct : type
    }

    private func configureInput() {
        guard let window = flowtop_stdscr() else { return }
        _ = raw()
        _ = noecho()
        _ = nonl()
        _ = keypad(window, true)
        _ = nodelay(window, true)
        _ = intrflush(window, false)
        _ = leaveok(window, true)
        // A refresh must never stop half way because a key is waiting: the diff would then think the rest is
        // on screen.
        _ = typeahead(-1)
        _ = curs_set(0)
        _ = set_escdelay(25)
        _ = mousemask(
            flowtop_button1_pressed() | flowtop_button1_clicked() | flowtop_button4_pressed()
                | flowtop_button5_pressed(), nil)
        _ = mouseinterval(0)
    }

    private func configureColors() {
        colorDepth = .none
        if colorMode == .automatic, has_colors(), start_color() == OK {
            defaultColors = use_default_colors() == OK
            colorCount = Int(flowtop_colors())
            colorDepth = colorCount >= 1 << 24 ? .truecolor : colorCount >= 256 ? .two56 : colorCount >= 8 ? .eight : .none
        }
        let pairZero = ColorPairTable.Key(foreground: defaultColors ? -1 : 7, background: defaultColors ? -1 : 0)
        let limit = colorDepth == .none ? 1 : Int(flowtop_color_pairs())
        pairs = ColorPairTable(pairZero: pairZero, limit: limit, depth: colorDepth)
    }
}

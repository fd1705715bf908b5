import CNcursesw
import Dashboard

extension TerminalScreen {
    /// Every key and mouse event waiting, without blocking (empty when there is none, and before `start()`).
    /// Call after every `InputWaiter.wait`, whatever it reported: ncurses may hold keys it has already read
    /// from the terminal (the rest of an escape sequence, a queued `.resize`), which `poll` cannot see.
    public func readKeys() -> [Key] {
        guard phase == .active, let window = flowtop_stdscr() else { return [] }
        var keys: [Key] = []
        var code: wint_t = 0
        while true {
            let status = wget_wch(window, &code)
            if status == KEY_CODE_YES {
                if Int32(bitPattern: code) == KEY_MOUSE {
                    var event = MEVENT()
                    if getmouse(&event) == OK, let key = KeyDecoder.mouse(buttons: event.bstate, x: event.x, y: event.y) {
                        keys.append(key)
                    }
                } else if let key = KeyDecoder.functionKey(UInt32(code)) {
                    keys.append(key)
                }
            } else if status == OK {
                if let key = KeyDecoder.character(UInt32(code)) { keys.append(key) }
            } else {
                return keys
            }
        }
    }
}

/// A key press or mouse action, decoded by the terminal backend; the dashboard's key handling is written against
/// this, so it is tested without a terminal.
public enum Key: Sendable, Hashable {
    case character(Character)
    /// Ctrl plus a letter (Ctrl-C is `.control("c")`).
    case control(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case tab, backTab
    case enter, escape, backspace, delete
    case mouse(MouseEvent)
    /// The terminal changed size (SIGWINCH).
    case resize
}

public struct MouseEvent: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        case press
        case wheelUp
        case wheelDown
    }

    public var action: Action
    /// 0-based screen column and row.
    public var x: Int
    public var y: Int

    public init(action: Action, x: Int, y: Int) {
        self.action = action
        self.x = x
        self.y = y
    }
}

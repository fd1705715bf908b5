import CNcursesw
import Dashboard

/// What `get_wch` returns, as `Key`s. Pure, so the mapping reads as a table.
enum KeyDecoder {
    /// A character code (`get_wch` returned OK). In raw mode control characters arrive as themselves.
    static func character(_ code: UInt32) -> Key? {
        switch code {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 1...26:
            // Ctrl-A is 1 … Ctrl-Z is 26 (Tab, Enter and Backspace were taken above).
            return .control(Character(Unicode.Scalar(UInt8(code) + 0x60)))
        case 0..<32, 0x80..<0xA0:
            return nil  // Ctrl-@, Ctrl-\ and kin, C1 controls: nothing the dashboard binds.
        default:
            return Unicode.Scalar(code).map { .character(Character($0)) }
        }
    }

    /// A function key (`get_wch` returned KEY_CODE_YES); KEY_MOUSE is decoded by `mouse`.
    static func functionKey(_ code: UInt32) -> Key? {
        switch Int32(bitPattern: code) {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        // Some terminfo entries (screen, vt220 style) name the Home/End keys Find/Select or keypad corners.
        case KEY_HOME, KEY_FIND, KEY_A1: return .home
        case KEY_END, KEY_SELECT, KEY_C1: return .end
        case KEY_BTAB: return .backTab
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_RESIZE: return .resize
        default: return nil
        }
    }

    /// A mouse report: button 1 press (or click), wheel up (button 4) and down (button 5); the rest is ignored.
    static func mouse(buttons: mmask_t, x: Int32, y: Int32) -> Key? {
        let action: MouseEvent.Action
        if buttons & flowtop_button4_pressed() != 0 {
            action = .wheelUp
        } else if buttons & flowtop_button5_pressed() != 0 {
            action = .wheelDown
        } else if buttons & (flowtop_button1_pressed() | flowtop_button1_clicked()) != 0 {
            action = .press
        } else {
            return nil
        }
        return .mouse(MouseEvent(action: action, x: Int(x), y: Int(y)))
    }
}

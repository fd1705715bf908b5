import CNcursesw
import Dashboard
import Testing
@testable import Terminal

/// What `get_wch` hands back, decoded without a terminal: the codes are ncurses' own constants.
@Suite("Key decoding")
struct KeyDecoderTests {
    @Test func printableCharactersArriveAsThemselves() {
        #expect(KeyDecoder.character(UInt32(UInt8(ascii: "q"))) == .character("q"))
        #expect(KeyDecoder.character(UInt32(UInt8(ascii: " "))) == .character(" "))
        #expect(KeyDecoder.character(0xE9) == .character("é"))
        #expect(KeyDecoder.character(0x1F326) == .character("🌦"))
    }

    @Test func tabEnterEscapeAndBackspaceHaveTheirOwnKeys() {
        #expect(KeyDecoder.character(9) == .tab)
        #expect(KeyDecoder.character(10) == .enter)
        #expect(KeyDecoder.character(13) == .enter)
        #expect(KeyDecoder.character(27) == .escape)
        #expect(KeyDecoder.character(8) == .backspace)
        #expect(KeyDecoder.character(127) == .backspace)
    }

    @Test func controlLettersBecomeControlKeys() {
        #expect(KeyDecoder.character(3) == .control("c"))
        #expect(KeyDecoder.character(12) == .control("l"))
        #expect(KeyDecoder.character(1) == .control("a"))
        #expect(KeyDecoder.character(26) == .control("z"))
    }

    @Test func unboundControlCharactersAreDropped() {
        #expect(KeyDecoder.character(0) == nil, "Ctrl-@")
        #expect(KeyDecoder.character(28) == nil, "Ctrl-\\")
        #expect(KeyDecoder.character(31) == nil)
        #expect(KeyDecoder.character(0x85) == nil, "a C1 control")
        #expect(KeyDecoder.character(0xD800) == nil, "a lone surrogate is no character")
    }

    @Test func arrowAndPageKeysDecode() {
        #expect(KeyDecoder.functionKey(UInt32(KEY_UP)) == .up)
        #expect(KeyDecoder.functionKey(UInt32(KEY_DOWN)) == .down)
        #expect(KeyDecoder.functionKey(UInt32(KEY_LEFT)) == .left)
        #expect(KeyDecoder.functionKey(UInt32(KEY_RIGHT)) == .right)
        #expect(KeyDecoder.functionKey(UInt32(KEY_PPAGE)) == .pageUp)
        #expect(KeyDecoder.functionKey(UInt32(KEY_NPAGE)) == .pageDown)
    }

    @Test func homeAndEndAcceptTheirTerminfoAliases() {
        for code in [KEY_HOME, KEY_FIND, KEY_A1] { #expect(KeyDecoder.functionKey(UInt32(code)) == .home) }
        for code in [KEY_END, KEY_SELECT, KEY_C1] { #expect(KeyDecoder.functionKey(UInt32(code)) == .end) }
    }

    @Test func editingFunctionKeysDecode() {
        #expect(KeyDecoder.functionKey(UInt32(KEY_BTAB)) == .backTab)
        #expect(KeyDecoder.functionKey(UInt32(KEY_ENTER)) == .enter)
        #expect(KeyDecoder.functionKey(UInt32(KEY_BACKSPACE)) == .backspace)
        #expect(KeyDecoder.functionKey(UInt32(KEY_DC)) == .delete)
        #expect(KeyDecoder.functionKey(UInt32(KEY_RESIZE)) == .resize)
    }

    @Test func unboundFunctionKeysAreDropped() {
        #expect(KeyDecoder.functionKey(UInt32(KEY_F0 + 1)) == nil, "F1")
        #expect(KeyDecoder.functionKey(UInt32(KEY_IC)) == nil, "Insert")
    }

    @Test func wheelAndButtonOneDecodeWithTheirCell() {
        #expect(KeyDecoder.mouse(buttons: flowtop_button4_pressed(), x: 3, y: 7) == .mouse(MouseEvent(action: .wheelUp, x: 3, y: 7)))
        #expect(KeyDecoder.mouse(buttons: flowtop_button5_pressed(), x: 0, y: 0) == .mouse(MouseEvent(action: .wheelDown, x: 0, y: 0)))
        #expect(KeyDecoder.mouse(buttons: flowtop_button1_pressed(), x: 40, y: 12) == .mouse(MouseEvent(action: .press, x: 40, y: 12)))
        #expect(KeyDecoder.mouse(buttons: flowtop_button1_clicked(), x: 1, y: 2) == .mouse(MouseEvent(action: .press, x: 1, y: 2)))
    }

    @Test func otherMouseReportsAreIgnored() {
        #expect(KeyDecoder.mouse(buttons: 0, x: 1, y: 1) == nil)
    }
}

/// One line of text being typed, with a cursor: the answer to a question, or the reason for a rejection. The
/// usual keys: ←/→, Home/End and Ctrl-A/E move; Backspace/Delete erase; Ctrl-U/K erase to the start/end, Ctrl-W
/// the word before the cursor; a paste arrives as the characters it holds.
public struct LineEditor: Sendable, Hashable {
    public private(set) var characters: [Character] = []
    /// Position in `characters`, 0…count.
    public private(set) var cursor = 0

    public init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String { String(characters) }

    public enum Outcome: Sendable, Hashable {
        case edited
        case submitted
        case cancelled
        /// A key the editor does not use; nothing changed.
        case ignored
    }

    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .enter: return .submitted
        case .escape: return .cancelled
        case let .character(character):
            characters.insert(character, at: cursor)
            cursor += 1
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(characters.count, cursor + 1)
        case .home, .control("a"): cursor = 0
        case .end, .control("e"): cursor = characters.count
        case .backspace:
            guard cursor > 0 else { return .edited }
            characters.remove(at: cursor - 1)
            cursor -= 1
        case .delete, .control("d"):
            guard cursor < characters.count else { return .edited }
            characters.remove(at: cursor)
        case .control("u"):
            characters.removeSubrange(0..<cursor)
            cursor = 0
        case .control("k"):
            characters.removeSubrange(cursor..<characters.count)
        case .control("w"):
            var start = cursor
            while start > 0, characters[start - 1] == " " { start -= 1 }
            while start > 0, characters[start - 1] != " " { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
        default:
            return .ignored
        }
        return .edited
    }
}

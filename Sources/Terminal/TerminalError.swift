/// Why the terminal could not be taken over.
public enum TerminalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// ncurses has no usable terminfo entry for this terminal type (or the output is not a terminal it can drive).
    case cannotOpenTerminal(type: String)
    /// A system call the backend needs failed (`pipe`, `fcntl`); `errno` says why.
    case systemCall(name: String, errno: Int32)

    public var description: String {
        switch self {
        case let .cannotOpenTerminal(type):
            "cannot open the terminal (TERM=\(type.isEmpty ? "unset" : type)); is this a terminal with a terminfo entry?"
        case let .systemCall(name, errno):
            "\(name) failed (errno \(errno))"
        }
    }
}

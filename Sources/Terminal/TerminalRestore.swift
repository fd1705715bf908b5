import CNcursesw
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The safety net that gives the user their terminal back however the process ends while the screen is up.
///
/// - A crash (a Swift runtime trap is SIGILL on x86_64 and SIGTRAP on arm64; also SIGSEGV, SIGBUS, SIGABRT,
///   SIGFPE) runs `restoreFromSignal`: it puts back the terminal modes saved before ncurses started and writes the
///   escape sequences that leave the alternate screen, show the cursor, reset colours and turn mouse reporting off,
///   then re-raises the signal with the disposition it had before: the default action, or the Swift runtime's
///   crash backtracer where that is enabled (the default on Linux), which now prints its report on the normal
///   screen and then dies with the default action itself. Either way the exit status and core dump are what they
///   would have been. Everything it touches is allocated up front; it calls only `tcsetattr`, `write`,
///   `sigaction` and `raise`.
/// - `exit()` while the screen is up runs an `atexit` hook that calls `endwin()` (not a signal context, so
///   ncurses may restore the terminal itself, with the exact sequences its terminfo entry names).
///
/// `TerminalScreen.start()` installs all this; the restore runs only while a screen is active.
enum TerminalRestore {
    static let crashSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]

    /// Installs the crash handlers, the exit hook and an alternate signal stack for the calling thread (the UI
    /// thread, whose stack overflow would otherwise leave no stack to run the handler on). Idempotent.
    static func install() {
        RestoreStorage.prepare()
        guard !RestoreStorage.installed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        RestoreStorage.installAlternateStack()
        for signal in crashSignals {
            _ = flowtop_sigaction(signal, { signal in
                TerminalRestore.restoreFromSignal()
                if signal >= 0, signal < RestoreStorage.previousActionCount {
                    _ = flowtop_sigaction_restore(signal, RestoreStorage.previousActions + Int(signal))
                }
                // SA_NODEFER lets the re-raised signal through at once.
                _ = raise(signal)
            }, flowtop_sa_crash_flags(), RestoreStorage.previousActions + Int(signal))
        }
        _ = atexit {
            if RestoreStorage.active.exchange(false, ordering: .acquiringAndReleasing) { _ = endwin() }
        }
    }

    /// Saves the terminal modes to restore after a crash; call before ncurses changes them.
    static func saveTerminalModes() {
        RestoreStorage.prepare()
        let saved = tcgetattr(STDIN_FILENO, RestoreStorage.termios) == 0
        RestoreStorage.termiosSaved.store(saved, ordering: .releasing)
    }

    /// Whether a screen is up (set by `TerminalScreen.start`/`stop`); the restore does nothing otherwise.
    static func setActive(_ active: Bool) {
        RestoreStorage.active.store(active, ordering: .releasing)
    }

    /// Async-signal-safe: restores the saved modes and writes the reset sequence, once (the first caller wins, so a
    /// second crash in another thread does not write it twice).
    static func restoreFromSignal() {
        guard RestoreStorage.active.exchange(false, ordering: .acquiringAndReleasing) else { return }
        let savedErrno = errno
        if RestoreStorage.termiosSaved.load(ordering: .acquiring) {
            _ = tcsetattr(STDIN_FILENO, TCSANOW, RestoreStorage.termios)
        }
        let bytes = RestoreStorage.resetSequence
        var offset = 0
        while offset < bytes.count {
            let written = write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                break
            }
        }
        errno = savedErrno
    }
}

/// Memory the signal handlers use, allocated before any handler is installed so a handler never allocates.
/// The pointers are written only before `active` is set (with release ordering) and read only after it is seen
/// (acquire), which is why plain shared pointers are safe here.
enum RestoreStorage {
    nonisolated(unsafe) static let termios = UnsafeMutablePointer<termios>.allocate(capacity: 1)
    /// The disposition each crash signal had before ours, indexed by signal number (all crash signals are < 32).
    static let previousActionCount: Int32 = 32
    nonisolated(unsafe) static let previousActions: UnsafeMutablePointer<sigaction> = {
        let actions = UnsafeMutablePointer<sigaction>.allocate(capacity: Int(previousActionCount))
        actions.initialize(repeating: sigaction(), count: Int(previousActionCount))
        return actions
    }()
    nonisolated(unsafe) static let resetSequence: UnsafeBufferPointer<UInt8> = {
        // Mouse reporting off (X10/normal, button-event, any-event, SGR), attributes reset, cursor shown, normal
        // cursor and keypad modes (so arrow keys work in the shell again), alternate screen left.
        let text = "\u{1B}[?1000l\u{1B}[?1002l\u{1B}[?1003l\u{1B}[?1006l\u{1B}[0m\u{1B}[?25h\u{1B}[?1l\u{1B}>\u{1B}[?1049l"
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: text.utf8.count)
        _ = buffer.initialize(from: text.utf8)
        return UnsafeBufferPointer(buffer)
    }()
    static let termiosSaved = Atomic<Bool>(false)
    static let active = Atomic<Bool>(false)
    static let installed = Atomic<Bool>(false)

    /// Touches every lazily initialised global so the first access (which may take a lock) never happens in a
    /// signal handler.
    static func prepare() {
        _ = termios
        _ = previousActions
        _ = resetSequence
        _ = termiosSaved.load(ordering: .relaxed)
        _ = active.load(ordering: .relaxed)
        _ = installed.load(ordering: .relaxed)
    }

    /// Gives the calling thread an alternate signal stack unless it already has one (the Swift runtime may).
    static func installAlternateStack() {
        var current = stack_t()
        guard sigaltstack(nil, &current) == 0, current.ss_flags & Int32(SS_DISABLE) != 0 else { return }
        let size = 64 * 1024
        var stack = stack_t()
        stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        stack.ss_size = size
        stack.ss_flags = 0
        _ = sigaltstack(&stack, nil)
    }
}

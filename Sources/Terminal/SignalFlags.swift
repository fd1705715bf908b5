import CNcursesw
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Process-wide state the resize and termination signal handlers write: a flag each, and the write end of the
/// `InputWaiter` pipe to wake the UI thread. Signal dispositions are per process, so there is one of each.
enum SignalFlags {
    static let resized = Atomic<Bool>(false)
    /// The last termination signal not yet consumed (0 when none).
    static let termination = Atomic<Int32>(0)
    /// Termination signals received in all, consumed or not: a second one means the app did not manage to quit.
    static let terminationCount = Atomic<Int32>(0)
    /// Where the handlers write a wake byte; -1 when no waiter is registered.
    static let wakeDescriptor = Atomic<Int32>(-1)

    static let terminationSignals: [Int32] = [SIGTERM, SIGHUP, SIGINT]

    /// Installs the handlers for SIGWINCH and the termination signals. Call before the screen opens: ncurses
    /// installs its own handlers only where the disposition is still the default, so it then leaves these alone
    /// and resizes happen when the app calls `TerminalScreen.handleResize()`, on the UI thread.
    static func install(wakeDescriptor descriptor: Int32) {
        _ = resized.load(ordering: .relaxed)
        _ = termination.load(ordering: .relaxed)
        _ = terminationCount.load(ordering: .relaxed)
        RestoreStorage.prepare()  // the second-termination path restores the terminal from the handler
        wakeDescriptor.store(descriptor, ordering: .releasing)
        _ = flowtop_sigaction(SIGWINCH, { _ in
            SignalFlags.resized.store(true, ordering: .releasing)
            SignalFlags.wakeFromHandler()
        }, flowtop_sa_restart(), nil)
        for signal in terminationSignals {
            _ = flowtop_sigaction(signal, { signal in
                SignalFlags.termination.store(signal, ordering: .releasing)
                if SignalFlags.terminationCount.add(1, ordering: .acquiringAndReleasing).newValue > 1 {
                    // Asked twice: the app is stuck. Give the terminal back and die the way the signal says.
                    TerminalRestore.restoreFromSignal()
                    _ = flowtop_sigaction_default(signal)
                    _ = raise(signal)
                    return
                }
                SignalFlags.wakeFromHandler()
            }, flowtop_sa_restart(), nil)
        }
    }

    /// Stops the handlers writing to `descriptor` (it is about to be closed).
    static func unregister(wakeDescriptor descriptor: Int32) {
        _ = wakeDescriptor.compareExchange(expected: descriptor, desired: -1, ordering: .acquiringAndReleasing)
    }

    /// Async-signal-safe: one byte to the wake pipe, `errno` left as it was.
    static func wakeFromHandler() {
        let descriptor = wakeDescriptor.load(ordering: .acquiring)
        guard descriptor >= 0 else { return }
        let savedErrno = errno
        var byte: UInt8 = 1
        _ = write(descriptor, &byte, 1)
        errno = savedErrno
    }
}

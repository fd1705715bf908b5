#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Lets the UI thread sleep, using no CPU, until there is something to do: a key or mouse event on the terminal,
/// a `wake()` from another thread (a workflow event arrived), a signal (resize, termination), or a timeout (the
/// next frame is due). It is `poll(2)` on the terminal input and on a self-pipe that `wake()` writes to.
///
/// `wait`, `consumeResize` and `consumeTermination` belong to the UI thread; `wake()` may be called from any
/// thread or task, and from a signal handler. The pipe is non-blocking: a full pipe already means "wake up", so a
/// flood of `wake()` calls never blocks the caller.
public final class InputWaiter: Sendable {
    public enum WakeReason: Sendable, Hashable {
        /// The terminal has input: call `TerminalScreen.readKeys()`.
        case input
        /// `wake()` was called or a signal arrived.
        case woken
        case timeout
        /// The terminal input hung up or was closed (the terminal window went away): quit, there is no user.
        /// Reported so the loop does not spin on a descriptor that is always "ready".
        case inputClosed
    }

    private let input: Int32
    private let pipeRead: Int32
    private let pipeWrite: Int32

    /// - Parameter input: the terminal input descriptor (standard input, where ncurses reads keys).
    public init(input: Int32 = STDIN_FILENO) throws(TerminalError) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else { throw .systemCall(name: "pipe", errno: errno) }
        for descriptor in descriptors {
            let statusFlags = fcntl(descriptor, F_GETFL)
            let descriptorFlags = fcntl(descriptor, F_GETFD)
            guard statusFlags >= 0, descriptorFlags >= 0,
                fcntl(descriptor, F_SETFL, statusFlags | O_NONBLOCK) == 0,
                fcntl(descriptor, F_SETFD, descriptorFlags | FD_CLOEXEC) == 0
            else {
                let error = errno
                _ = close(descriptors[0])
                _ = close(descriptors[1])
                throw .systemCall(name: "fcntl", errno: error)
            }
        }
        self.input = input
        pipeRead = descriptors[0]
        pipeWrite = descriptors[1]
    }

    deinit {
        SignalFlags.unregister(wakeDescriptor: pipeWrite)
        _ = close(pipeRead)
        _ = close(pipeWrite)
    }

    /// Catches SIGWINCH (→ `consumeResize()`) and SIGTERM, SIGHUP, SIGINT (→ `consumeTermination()`), each also
    /// waking `wait`. Call once, BEFORE `TerminalScreen.start()`, so ncurses does not install handlers of its own.
    /// SIGINT normally never comes (raw mode delivers Ctrl-C as a key) but `kill -INT` still should quit cleanly.
    /// A second termination signal before the app has quit restores the terminal and ends the process at once.
    public func installSignalHandlers() {
        SignalFlags.install(wakeDescriptor: pipeWrite)
    }

    /// Wakes `wait` (now or, if it is not waiting, the next time it is called). Any thread; async-signal-safe.
    public func wake() {
        var byte: UInt8 = 1
        _ = write(pipeWrite, &byte, 1)
    }

    /// Sleeps until input, a wake, or the timeout (nil: no timeout). When several happen together it reports a
    /// closed input first, then input; the loop should check every source after any wake anyway. A timeout is
    /// rounded up to whole milliseconds so a sub-millisecond remainder never turns into a busy loop.
    public func wait(timeout: Duration?) -> WakeReason {
        var descriptors = [
            pollfd(fd: input, events: Int16(POLLIN), revents: 0),
            pollfd(fd: pipeRead, events: Int16(POLLIN), revents: 0),
        ]
        let result = poll(&descriptors, nfds_t(descriptors.count), Self.milliseconds(timeout))
        if result < 0 { return .woken }  // EINTR: a signal arrived; its handler has set a flag.
        if result == 0 { return .timeout }
        if descriptors[1].revents != 0 { drainPipe() }
        let inputEvents = Int32(descriptors[0].revents)
        // A hung-up terminal can report POLLIN too, but reads then fail; the hang-up is what matters.
        if inputEvents & Int32(POLLHUP | POLLERR | POLLNVAL) != 0 { return .inputClosed }
        if inputEvents & Int32(POLLIN) != 0 { return .input }
        return .woken
    }

    /// Whether the terminal changed size since the last call (then call `TerminalScreen.handleResize()`).
    public func consumeResize() -> Bool {
        SignalFlags.resized.exchange(false, ordering: .acquiringAndReleasing)
    }

    /// The termination signal (SIGTERM, SIGHUP, SIGINT) received since the last call, if any: stop the screen and
    /// exit (by convention with status 128 + signal).
    public func consumeTermination() -> Int32? {
        let signal = SignalFlags.termination.exchange(0, ordering: .acquiringAndReleasing)
        return signal == 0 ? nil : signal
    }

    private func drainPipe() {
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        let size = MemoryLayout.size(ofValue: buffer)
        while withUnsafeMutableBytes(of: &buffer, { read(pipeRead, $0.baseAddress, size) }) == size {}
    }

    static func milliseconds(_ timeout: Duration?) -> Int32 {
        guard let timeout else { return -1 }
        let (seconds, attoseconds) = timeout.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        if seconds >= Int64(Int32.max / 1000) { return Int32.max }
        let partial = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(seconds * 1000 + partial)
    }
}

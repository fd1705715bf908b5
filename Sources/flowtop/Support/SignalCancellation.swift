import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into cancellation of a task, so a run stops its model calls and tools and still gets to
/// print its last words (and, later, restore the terminal) instead of dying mid-write.
final class SignalCancellation: @unchecked Sendable {
    private let sources: [any DispatchSourceSignal]  // set once in init, then only cancelled in deinit
    private let receivedSignal = SignalNumber()

    init(cancelling task: Task<Void, Never>) {
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            sources.append(source)
        }
        self.sources = sources
        for (source, signalNumber) in zip(sources, [SIGINT, SIGTERM]) {
            let received = receivedSignal
            source.setEventHandler {
                received.value.store(signalNumber, ordering: .relaxed)
                task.cancel()
            }
            source.resume()
        }
    }

    /// The conventional exit status for a process stopped by the signal (130 for SIGINT, 143 for SIGTERM).
    var exitStatus: Int32? {
        let received = receivedSignal.value.load(ordering: .relaxed)
        return received == 0 ? nil : 128 + received
    }

    deinit {
        for source in sources { source.cancel() }
    }
}

/// The last signal received, shared with the Dispatch handlers (which must not depend on the owner's lifetime).
private final class SignalNumber: Sendable {
    let value = Atomic<Int32>(0)
}

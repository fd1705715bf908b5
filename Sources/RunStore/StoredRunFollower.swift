import Foundation
import HTTPExchange

/// Follows one stored run as whichever instance owns it writes it: a watcher on instance B of a run live on A. A
/// signal that carries the batch right after the follower's cursor is delivered as it is; anything else only wakes
/// it to read the store after its cursor, so a merged, lost or repeated notice (a reconnect, the server restarted)
/// costs a read, never an event. Events are
/// delivered in sequence with none twice; a gap (a batch committed before an earlier one) is waited out, and skipped
/// only once the run has ended or is marked as incompletely stored (its events were lost, never silently).
///
/// A run that stays quiet for a `quiet` interval is said to be (`onQuiet`), so a watcher's connection can send a
/// keepalive before a proxy cuts it; the run is read again then as well, in case a signal went astray.
public struct StoredRunFollower: Sendable {
    public let store: any LiveRunStore
    public let runId: String
    public var pageSize: Int
    /// Waits between reads while the store is unavailable; the follower keeps waiting until it is back.
    public var retry: Backoff
    public var quiet: Duration

    public init(
        store: any LiveRunStore, runId: String, pageSize: Int = 500,
        retry: Backoff = Backoff(initial: .milliseconds(50), maximum: .seconds(2)), quiet: Duration = .seconds(15)
    ) {
        self.store = store
        self.runId = runId
        self.pageSize = max(1, pageSize)
        self.retry = retry
        self.quiet = max(.milliseconds(10), quiet)
    }

    private enum Wake: Sendable {
        case signal(StoredEventsSignal)
        case quiet
        case closed
    }

    /// Delivers the run's events after sequence `after`, in order, in batches, until the run has ended and every
    /// event up to its last was delivered; returns the run as stored then. `onQuiet` is called when a `quiet`
    /// interval passed with nothing delivered. Throws `.unknownRun`, what `deliver` or `onQuiet` throws,
    /// `CancellationError`, or `.unavailable` when the store is closed.
    @discardableResult
    public func follow(
        after: Int, onQuiet: () async throws -> Void = {}, deliver: ([StoredEvent]) async throws -> Void
    ) async throws -> StoredRun {
        // Subscribed before the first read: whatever is committed after that read also signals. A look the
        // quiet beat asks for reads the whole run again, so a signal it displaces from the buffer costs nothing.
        let signals = store.signals(ofRun: runId)
        let (wakes, wake) = AsyncStream.makeStream(of: Wake.self, bufferingPolicy: .bufferingNewest(1))
        let forwarding = Task {
            for await signal in signals { wake.yield(.signal(signal)) }
            wake.yield(.closed)
        }
        let beating = Task { [quiet] in
            while (try? await Task.sleep(for: quiet)) != nil { wake.yield(.quiet) }
        }
        defer {
            forwarding.cancel()
            beating.cancel()
            wake.finish()
        }
        var next = wakes.makeAsyncIterator()
        var run = try await storedRun()
        var cursor = after
        var deliveredSinceBeat = false
        // Whether the store may hold events past the cursor that no notice brought (then it is read).
        var mayHaveMore = true
        while true {
            if mayHaveMore {
                let before = cursor
                cursor = try await catchUp(from: cursor, run: &run, deliver: deliver)
                deliveredSinceBeat = deliveredSinceBeat || cursor != before
            }
            mayHaveMore = true
            if run.state != .running, cursor >= run.lastSequence {
                return run
            }
            switch await next.next() {
            case let .signal(.stored(notice))?:
                if notice.state != .running {
                    run = try await storedRun()
                } else {
                    run.lastSequence = max(run.lastSequence, notice.lastSequence)
                }
                // The batch the notice carries, when it continues the cursor: no read. Anything else (a notice
                // merged away while delivering, a batch too large to carry, a gap) is read from the store.
                if let first = notice.events.first, first.sequence == cursor + 1 {
                    try await deliver(notice.events)
                    cursor = notice.events.last!.sequence
                    deliveredSinceBeat = true
                    mayHaveMore = cursor < run.lastSequence
                }
            case .signal(.catchUp)?:
                run = try await storedRun()
            case .quiet?:
                run = try await storedRun()
                if !deliveredSinceBeat { try await onQuiet() }
                deliveredSinceBeat = false
            case .closed?, nil:
                try Task.checkCancellation()
                throw RunStoreError.unavailable(store: store.description, reason: "the store was closed")
            }
        }
    }

    /// Reads and delivers every contiguous event after `cursor`; returns the new cursor.
    private func catchUp(
        from start: Int, run: inout StoredRun, deliver: ([StoredEvent]) async throws -> Void
    ) async throws -> Int {
        var cursor = start
        while true {
            let after = cursor
            let page = try await reading { () async throws(RunStoreError) in
                try await store.events(ofRun: runId, after: after, limit: pageSize)
            }
            var batch: [StoredEvent] = []
            var expected = cursor + 1
            var stoppedAtGap = false
            for event in page {
                if event.sequence > expected {
                    if !Self.skipsGaps(run) {
                        run = try await storedRun()
                    }
                    guard Self.skipsGaps(run) else {
                        stoppedAtGap = true
                        break
                    }
                }
                batch.append(event)
                expected = event.sequence + 1
            }
            if let last = batch.last {
                try await deliver(batch)
                cursor = last.sequence
            }
            if stoppedAtGap || page.count < pageSize {
                return cursor
            }
        }
    }

    private static func skipsGaps(_ run: StoredRun) -> Bool {
        run.state != .running || run.incompletelyStored
    }

    private func storedRun() async throws -> StoredRun {
        let id = runId
        guard let run = try await reading({ () async throws(RunStoreError) in try await store.run(id: id) }) else {
            throw RunStoreError.unknownRun(id)
        }
        return run
    }

    /// Runs a read, again after a wait while the store is unavailable.
    private func reading<Value>(_ read: () async throws(RunStoreError) -> Value) async throws -> Value {
        var attempt = 0
        while true {
            do {
                return try await read()
            } catch {
                guard case .unavailable = error, store.isOpen else { throw error }
                attempt += 1
                try await Task.sleep(for: retry.delay(attempt: attempt))
            }
        }
    }
}

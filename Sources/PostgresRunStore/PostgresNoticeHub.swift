import HTTPExchange
import Logging
import PostgresNIO
import RunStore
import Synchronization

/// The one listening connection a store keeps (opened when the first run is followed), and the followers it wakes:
/// every append and interruption, by any instance, sends `LAST_SEQUENCE STATE RUN_ID` on `flowtop_events` in its own
/// transaction, so the notice arrives after the events are visible; a small batch travels with its notice. When the
/// connection is lost it is made again with backoff, and once it listens again every follower is told to catch up
/// by reading, since notices sent while nobody listened are gone.
final class PostgresNoticeHub: Sendable {
    private struct Subscribers {
        var byRun: [String: [UInt64: AsyncStream<StoredEventsSignal>.Continuation]] = [:]
        /// Subscribers to every run's notices (a server's view of the runs other instances write).
        var everyRun: [UInt64: AsyncStream<StoredEventsSignal>.Continuation] = [:]
        var nextToken: UInt64 = 0
        var listening: Task<Void, Never>?
        var closed = false
    }

    private let address: PostgresStoreAddress
    private let logger: Logger
    private let reconnect = Backoff(initial: .milliseconds(100), maximum: .seconds(2))
    private let subscribers = Mutex(Subscribers())

    init(address: PostgresStoreAddress, logger: Logger) {
        self.address = address
        self.logger = logger
    }

    /// Signals about run `id`, or about every run when `id` is nil.
    func signals(ofRun id: String?) -> AsyncStream<StoredEventsSignal> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: StoredEventsSignal.self, bufferingPolicy: .bufferingNewest(1))
        let token = subscribers.withLock { state -> UInt64? in
            guard !state.closed else { return nil }
            state.nextToken += 1
            if let id {
                state.byRun[id, default: [:]][state.nextToken] = continuation
            } else {
                state.everyRun[state.nextToken] = continuation
            }
            if state.listening == nil {
                state.listening = Task { [self] in await listen() }
            }
            return state.nextToken
        }
        guard let token else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.subscribers.withLock { state in
                guard let id else {
                    state.everyRun[token] = nil
                    return
                }
                state.byRun[id]?[token] = nil
                if state.byRun[id]?.isEmpty == true { state.byRun[id] = nil }
            }
        }
        return stream
    }

    /// Stops listening and ends every follower's signals.
    func close() async {
        let (listening, continuations) = subscribers.withLock { state in
            state.closed = true
            let all = state.byRun.values.flatMap(\.values) + state.everyRun.values
            state.byRun = [:]
            state.everyRun = [:]
            return (state.listening, all)
        }
        continuations.forEach { $0.finish() }
        listening?.cancel()
        await listening?.value
    }

    private func listen() async {
        var attempt = 0
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: address.connectionConfiguration(), id: 0, logger: Self.quiet)
                do {
                    try await connection.listen(on: PostgresSchema.channel) { notifications in
                        if attempt > 0 { logger.notice("listening on the run store \(address) again") }
                        attempt = 0
                        broadcast(.catchUp)
                        for try await notification in notifications {
                            if let notice = Self.notice(notification.payload) { deliver(notice) }
                        }
                    }
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            } catch {
                guard !Task.isCancelled else { return }
                if attempt == 0 {
                    logger.warning(
                        "lost the run store \(address)'s live feed, reconnecting: \(PostgresFailure.reason(error))")
                }
            }
            attempt += 1
            try? await Task.sleep(for: reconnect.delay(attempt: attempt))
        }
    }

    private func deliver(_ notice: StoredEventsNotice) {
        let continuations = subscribers.withLock { state in
            (state.byRun[notice.runId].map { Array($0.values) } ?? []) + state.everyRun.values
        }
        continuations.forEach { $0.yield(.stored(notice)) }
    }

    private func broadcast(_ signal: StoredEventsSignal) {
        let continuations = subscribers.withLock { state in state.byRun.values.flatMap(\.values) + state.everyRun.values }
        continuations.forEach { $0.yield(signal) }
    }

    /// `LAST_SEQUENCE STATE RUN_ID` (the id last, so it may hold spaces), then the batch's events if it carries
    /// them (see `carried`); anything else is not ours and is ignored. Carried events that do not read as one
    /// contiguous batch are dropped: the follower reads the store instead.
    static func notice(_ payload: String) -> StoredEventsNotice? {
        // Split on the bytes: the separators are ASCII, and splitting the string by characters (grapheme breaking
        // every byte of every carried event) was most of a follower's work under a hundred live runs.
        let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " ")
        let lines = payload.utf8.split(separator: newline, omittingEmptySubsequences: false)
        let parts = lines[0].split(separator: space, maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let sequence = Int(Substring(parts[0])),
              let state = StoredRunState(rawValue: String(Substring(parts[1])))
        else { return nil }
        var events: [StoredEvent] = []
        events.reserveCapacity(lines.count - 1)
        for line in lines.dropFirst() {
            guard let gap = line.firstIndex(of: space), let number = Int(Substring(line[..<gap])),
                  events.last.map({ $0.sequence + 1 == number }) ?? true
            else {
                events = []
                break
            }
            events.append(StoredEvent(sequence: number, json: String(Substring(line[line.index(after: gap)...]))))
        }
        return StoredEventsNotice(runId: String(Substring(parts[2])), lastSequence: sequence, state: state, events: events)
    }

    /// The SQL expression of a notice's payload over `flowtop_runs` columns (or a CTE returning them).
    static let payloadSQL = "last_sequence || ' ' || state || ' ' || id"

    /// What a notice carries after `payloadSQL`: a line `SEQUENCE JSON` per event when the batch is small enough
    /// for a notice (PostgreSQL's limit is 8,000 bytes) and every event is one line, else nothing. Carrying the
    /// batch spares every follower a read of what was just written: with a hundred live runs those reads were
    /// most of the cross-instance delay.
    static func carried(_ events: [StoredEvent]) -> String {
        var text = ""
        for event in events {
            guard !event.json.utf8.contains(UInt8(ascii: "\n")) else { return "" }
            text += "\n\(event.sequence) \(event.json)"
            if text.utf8.count > carriedLimit { return "" }
        }
        return text
    }

    /// Bytes of events a notice carries at most, leaving room for the header (a run id is short).
    static let carriedLimit = 7_000

    static let quiet = Logger(label: "flowtop.store.postgres.quiet", factory: { _ in SwiftLogNoOpLogHandler() })
}

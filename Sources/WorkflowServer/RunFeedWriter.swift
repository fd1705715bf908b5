import EventStream
import Foundation
import Hummingbird
import NIOCore
import RunStore
import Wire
import WorkflowCore

/// Writes one watcher's runs feed: a `snapshot` of the runs the registry holds, then `run_started`,
/// `run_progress` and `run_ended` as it finds them. It looks when woken (a run started or ended, or the registry's
/// clock beat) and compares each run with what it last sent, so progress is coalesced to at most one event per run
/// per `interval`, never one per delta, and a slow reader (writes wait for it) skips to the latest figures instead
/// of queueing them. A `: keepalive` comment goes out when nothing was written for the keepalive interval.
struct RunFeedWriter {
    let registry: RunRegistry
    let keepaliveInterval: Duration
    /// The least time between two `run_progress` events of one run.
    let interval: Duration
    /// Stored history the snapshot adds after the runs held in memory (nil: memory only).
    var history: (any RunStore)? = nil
    /// A shared store's runs, which other instances write: the snapshot's history, and followed live after it.
    var shared: SharedStoreRuns? = nil
    /// How many stored runs the snapshot carries at most.
    static let historyLimit = 200

    func write(to writer: inout any ResponseBodyWriter) async throws {
        let (wakeups, watcher) = registry.feed.watch()
        defer { registry.feed.unwatch(watcher) }
        let clock = ContinuousClock()
        var looks = RunFeedLooks(interval: interval)
        var encoder = SSEEncoder()
        func sse(_ events: [RunFeedEvent]) -> [UInt8] {
            let now = Date().timeIntervalSince1970
            var bytes: [UInt8] = []
            for event in events { RunFeedWire.appendSSE(for: event, now: now, encoder: &encoder, to: &bytes) }
            return bytes
        }
        // The store answering late or not at all leaves the snapshot with what memory holds.
        let stored = if let shared {
            await shared.current()
        } else {
            ((try? await history?.runs(StoredRunQuery(limit: Self.historyLimit))) ?? []).map(\.summary)
        }
        try await writer.write(ByteBuffer(bytes: sse([looks.snapshot(registry.records(), history: stored)])))
        var lastWrite = clock.now
        for await _ in wakeups {
            let bytes = sse(looks.changes(registry.records(), others: shared?.latest ?? [], at: clock.now))
            if !bytes.isEmpty {
                try await writer.write(ByteBuffer(bytes: bytes))
                lastWrite = clock.now
            } else if clock.now - lastWrite >= keepaliveInterval {
                try await writer.write(ByteBuffer(bytes: EventStreamWriter.keepalive))
                lastWrite = clock.now
            }
        }
        // The feed was closed on shutdown (not the client leaving, which cancels this): the last ends go out.
        if !Task.isCancelled {
            let bytes = sse(looks.changes(registry.records(), others: shared?.latest ?? [], at: clock.now))
            if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
        }
    }
}

/// One watcher's memory of what it sent about each run, and the events that bring it up to date (the SSE feed
/// writes them; an in-process list takes them as they are).
struct RunFeedLooks {
    let interval: Duration
    private var sent: [String: (summary: RunSummary, at: ContinuousClock.Instant)] = [:]

    init(interval: Duration) {
        self.interval = interval
    }

    /// The `snapshot` of `records` (newest first, as the registry lists them).
    /// `history`: stored runs, listed after the records except those the records hold.
    mutating func snapshot(
        _ records: [RunRecord], history: [RunSummary] = [], at instant: ContinuousClock.Instant = .now
    ) -> RunFeedEvent {
        let now = Date().timeIntervalSince1970
        let summaries = records.map { $0.runSummary(now: now) }
        let held = Set(summaries.map(\.id))
        let stored = history.filter { !held.contains($0.id) }
        // The history too: a shared store's runs are followed after the snapshot (`changes(_:others:at:)`).
        for summary in summaries + stored { sent[summary.id] = (summary, instant) }
        return .snapshot(summaries + stored)
    }

    /// The events since the last look: new runs oldest first (started, and ended if already over), then the ends
    /// and the progress of the runs that changed. `others`: a shared store's runs (newest first) that other
    /// instances write; a run the registry holds is told from the registry.
    mutating func changes(
        _ records: [RunRecord], others: [RunSummary] = [], at instant: ContinuousClock.Instant
    ) -> [RunFeedEvent] {
        let now = Date().timeIntervalSince1970
        var events: [RunFeedEvent] = []
        var present = Set<String>()
        present.reserveCapacity(records.count + others.count)
        for record in records.reversed() {
            present.insert(record.id)
            look(at: record.id, { record.runSummary(now: now) }, at: instant, into: &events)
        }
        for summary in others.reversed() where present.insert(summary.id).inserted {
            look(at: summary.id, { summary }, at: instant, into: &events)
        }
        // Runs the registry (or the store's newest) let go of are forgotten here too (a list keeps them as it likes).
        if sent.count > present.count { sent = sent.filter { present.contains($0.key) } }
        return events
    }

    /// One run's event since the last look, if any; `summary` is asked only when the run may have changed.
    private mutating func look(
        at id: String, _ summary: () -> RunSummary, at instant: ContinuousClock.Instant, into events: inout [RunFeedEvent]
    ) {
        guard let previous = sent[id] else {
            let summary = summary()
            events.append(.started(summary))
            if summary.state.isFinished { events.append(.ended(summary)) }
            sent[id] = (summary, instant)
            return
        }
        if previous.summary.state.isFinished { return }
        // Compared whole, so a quiet run's falling events/s is sent too.
        let summary = summary()
        if summary.state.isFinished {
            events.append(.ended(summary))
        } else if summary != previous.summary, instant - previous.at >= interval {
            events.append(.progress(summary))
        } else {
            return
        }
        sent[id] = (summary, instant)
    }
}

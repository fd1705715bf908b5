import Foundation

/// How both stores lay events out: one row per stretch of a run's consecutive events, their JSON objects joined by
/// newlines, instead of a row per event. A token delta is ~150 bytes, so per-row work (a B-tree insert, an index
/// entry, bound values, WAL records) was most of what storing it cost: at a row an event, SQLite's statements took
/// more of a streaming server's CPU than the streams did, and PostgreSQL's backend stored ~100 k events/s at most.
/// A stretch is cut at a gap in the numbering (events lost while the store was away), at `limit` events, and around
/// any event whose JSON holds a newline (never one of ours: JSON escapes it; but the stores do not rely on it),
/// which gets a row alone.
public struct EventStretch: Sendable, Equatable {
    public var first: Int
    public var last: Int
    public var json: String

    public static let limit = 1_024

    public init(first: Int, last: Int, json: String) {
        self.first = first
        self.last = last
        self.json = json
    }

    /// `events` (in sequence) as rows, leaving out any at or below `stored` (already written: a batch retried
    /// after a reply that was lost) and any that repeats a sequence.
    public static func stretches(of events: [StoredEvent], after stored: Int) -> [EventStretch] {
        var rows: [EventStretch] = []
        // The stretch being built, grown in place (never copied while it grows).
        var open = EventStretch(first: 0, last: -1, json: "")
        var newest = stored
        for event in events where event.sequence > newest {
            newest = event.sequence
            let alone = holdsNewline(event.json)
            if !open.isEmpty, !alone, open.last + 1 == event.sequence, open.last - open.first + 1 < limit {
                open.json += "\n"
                open.json += event.json
                open.last = event.sequence
                continue
            }
            if !open.isEmpty { rows.append(open) }
            open = EventStretch(first: event.sequence, last: event.sequence, json: event.json)
            if alone {
                rows.append(open)
                open = EventStretch(first: 0, last: -1, json: "")
            }
        }
        if !open.isEmpty { rows.append(open) }
        return rows
    }

    private var isEmpty: Bool { last < first }

    /// The stretch's events (nil when its text does not hold one JSON object per sequence: a damaged row).
    public var events: [StoredEvent]? {
        if first == last { return [StoredEvent(sequence: first, json: json)] }
        let lines = json.utf8.split(separator: Self.newline, omittingEmptySubsequences: false)
        guard lines.count == last - first + 1 else { return nil }
        return lines.enumerated().map { offset, line in
            StoredEvent(sequence: first + offset, json: String(Substring(line)))
        }
    }

    /// Up to `limit` events after `after` from a run's stretches read in order (`limit` stretches at most: each
    /// holds one event or more); a stretch whose lines do not match its numbers is `notAStore`, never fewer events.
    public static func events(
        in stretches: some Sequence<EventStretch>, after: Int, limit: Int, run id: String, store: String
    ) throws(RunStoreError) -> [StoredEvent] {
        var events: [StoredEvent] = []
        for stretch in stretches where events.count < limit {
            guard let stored = stretch.events else {
                throw .notAStore(
                    store: store,
                    reason: "run \(id)'s events \(stretch.first)-\(stretch.last) are damaged (not one JSON object a line)")
            }
            events += stored.lazy.filter { $0.sequence > after }.prefix(limit - events.count)
        }
        return events
    }

    private static let newline = UInt8(ascii: "\n")

    /// `memchr` over the string's UTF-8 in place (the byte-by-byte `contains` was a tenth of a writer's pass).
    private static func holdsNewline(_ text: String) -> Bool {
        let found = text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.baseAddress.map { memchr($0, Int32(newline), bytes.count) != nil } ?? false
        }
        return found ?? text.utf8.contains(newline)
    }
}

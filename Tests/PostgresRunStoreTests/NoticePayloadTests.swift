@testable import PostgresRunStore
import RunStore
import Testing

/// A small batch travels with its notice, so a follower on another instance need not read what was just written;
/// whatever does not read back as one contiguous batch is dropped and the follower reads the store instead.
@Suite("Notices carry small batches")
struct NoticePayloadTests {
    private let events = (41...43).map { StoredEvent(sequence: $0, json: #"{"type":"text_delta","text":"a b"}"#) }

    @Test("a small batch is carried after the header and reads back as sent")
    func carried() throws {
        let payload = "43 running run-1 with spaces" + PostgresNoticeHub.carried(events)
        let notice = try #require(PostgresNoticeHub.notice(payload))
        #expect(notice == StoredEventsNotice(runId: "run-1 with spaces", lastSequence: 43, state: .running, events: events))
    }

    @Test("a batch past the notice's room, or an event of more than one line, is not carried")
    func notCarried() {
        let large = (1...200).map { StoredEvent(sequence: $0, json: String(repeating: "x", count: 60)) }
        #expect(PostgresNoticeHub.carried(large) == "")
        #expect(PostgresNoticeHub.carried([StoredEvent(sequence: 1, json: "{\"a\":\n1}")]) == "")
    }

    @Test("carried events that are not one contiguous batch are dropped, and the notice still counts")
    func gapDropsTheEvents() throws {
        let payload = "45 running run-1\n41 {}\n43 {}"
        let notice = try #require(PostgresNoticeHub.notice(payload))
        #expect(notice.events.isEmpty)
        #expect(notice.lastSequence == 45)
        #expect(PostgresNoticeHub.notice("41 nonsense run-1") == nil)
    }
}

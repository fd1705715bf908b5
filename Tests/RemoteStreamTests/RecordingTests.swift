import Dashboard
import Foundation
import RemoteStream
import Testing
import WorkflowCore

@Suite("record and replay")
struct RecordingTests {
    func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-rec-\(UUID()).ndjson").path
    }

    /// Records `events` with a `RecordingWriter` (source "test") into `path`.
    func record(_ events: [WorkflowEvent], to path: String) throws {
        let writer = try RecordingWriter(path: path, source: "test")
        for event in events { writer.record(event) }
        writer.close()
    }

    func screen(_ events: [WorkflowEvent]) -> CellGrid {
        var state = DashboardState()
        state.size = (width: 100, height: 30)
        for event in events { state.apply(event) }
        state.now = events.last?.timestamp ?? 0
        return DashboardView.render(state)
    }

    @Test func roundTripGivesTheSameEventsAndScreen() throws {
        let events = try Fixture.flowtopEvents("handoff.jsonl")
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try record(events, to: path)
        let recording = try Recording(contentsOf: path)
        #expect(recording.source == "test")
        #expect(recording.truncationNotice == nil)
        #expect(recording.events.map(\.event) == events)
        let offsets = recording.events.map(\.offsetMilliseconds)
        #expect(offsets == offsets.sorted())
        #expect(screen(recording.events.map(\.event)) == screen(events))
    }

    @Test func aTruncatedFileReplaysUpToTheCut() throws {
        let events = try Fixture.flowtopEvents("handoff.jsonl")
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try record(events, to: path)
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let lines = bytes.split(separator: UInt8(ascii: "\n"))
        // The header, ten events and half of the eleventh.
        let cut = lines.prefix(11).flatMap { $0 + [UInt8(ascii: "\n")] } + Array(lines[11].prefix(lines[11].count / 2))
        let recording = try Recording(bytes: cut, name: "cut.ndjson")
        #expect(recording.events.map(\.event) == Array(events.prefix(10)))
        #expect(recording.truncationNotice == "the recording cut.ndjson is cut off in line 12; replayed up to the cut")
    }

    @Test func notARecording() {
        #expect(throws: RecordingError.self) { try Recording(bytes: Array("hello\n".utf8), name: "x") }
    }
}

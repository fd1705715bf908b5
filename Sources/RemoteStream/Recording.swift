import Foundation
import Synchronization
import Wire
import WorkflowCore

/// A recording of a run as NDJSON (see docs/RECORDING.md): a header line, then one line per `WorkflowEvent` with
/// its arrival time in milliseconds since the recording started and the event in flowtop's wire schema:
///
/// ```
/// {"flowtop_recording":1,"source":"demo","started":1764022000.5}
/// {"t_ms":0.0,"event":{"type":"workflow_started",…,"seq":1,"ts":1764022000.5}}
/// ```
public final class RecordingWriter: Sendable {
    private struct State {
        var handle: FileHandle?
        var start: ContinuousClock.Instant
        var failure: String?
    }

    private let state: Mutex<State>
    public let path: String

    /// Creates (or truncates) `path` and writes the header line.
    public init(path: String, source: String) throws(RecordingError) {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw RecordingError("cannot create the recording \(path)")
        }
        var header = "{\"flowtop_recording\":1,\"source\":"
        JSONValue.writeQuoted(source, to: &header)
        header += ",\"started\":\(Date().timeIntervalSince1970)}\n"
        handle.write(Data(header.utf8))
        state = Mutex(State(handle: handle, start: ContinuousClock.now, failure: nil))
    }

    /// Appends one event, stamped with the time since the recording started. Written at once (not buffered), so a
    /// killed process leaves a file that replays up to the kill.
    public func record(_ event: WorkflowEvent) {
        state.withLock { state in
            guard let handle = state.handle else { return }
            let elapsed = ContinuousClock.now - state.start
            let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            let line = "{\"t_ms\":\((ms * 1000).rounded() / 1000),\"event\":\(FlowtopWireFormat.json(for: event))}\n"
            handle.write(Data(line.utf8))
        }
    }

    public func close() {
        state.withLock { state in
            try? state.handle?.close()
            state.handle = nil
        }
    }
}

public struct RecordingError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A recording read back: its events with their arrival offsets, and a notice when the file was cut short.
public struct Recording: Sendable {
    public var source: String
    public var events: [(offsetMilliseconds: Double, event: WorkflowEvent)]
    /// Set when the file ends mid-line or has a line that does not read: replay stops there and says so.
    public var truncationNotice: String?

    /// A stored run (its events from a server or a store) as a recording: offsets from the events' own times, and
    /// the same notice as a recording cut short when the run never ended (`interrupted`).
    public init(storedRun name: String, events: [WorkflowEvent]) {
        source = name
        let start = events.first?.timestamp ?? 0
        self.events = events.map { (max(0, ($0.timestamp - start) * 1000), $0) }
        truncationNotice = events.last?.isTerminal == true
            ? nil : "the stored run \(name) ends before the run did; replayed up to its last stored event"
    }

    public init(contentsOf path: String) throws(RecordingError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RecordingError("cannot read the recording \(path)")
        }
        try self.init(bytes: Array(data), name: path)
    }

    public init(bytes: [UInt8], name: String) throws(RecordingError) {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let endsWithNewline = bytes.last == UInt8(ascii: "\n")
        if endsWithNewline { lines.removeLast() }
        guard let first = lines.first,
              let header = try? JSONValue(parsing: String(decoding: first, as: UTF8.self)),
              header["flowtop_recording"]?.intValue == 1
        else {
            throw RecordingError("\(name) is not a flowtop recording (its first line is not a flowtop_recording header)")
        }
        source = header["source"]?.stringValue ?? "unknown"
        events = []
        truncationNotice = nil
        for (index, line) in lines.enumerated().dropFirst() {
            let number = index + 1
            let isLast = index == lines.count - 1
            guard let object = try? JSONValue(parsing: String(decoding: line, as: UTF8.self)),
                  case let .number(offset)? = object["t_ms"], let eventValue = object["event"],
                  let event = try? FlowtopWireDecoder.decode(json: eventValue.jsonText)
            else {
                truncationNotice = isLast && !endsWithNewline
                    ? "the recording \(name) is cut off in line \(number); replayed up to the cut"
                    : "line \(number) of the recording \(name) does not read; replayed up to it"
                break
            }
            events.append((offset, event))
        }
        if truncationNotice == nil, let last = events.last, !last.event.isTerminal {
            truncationNotice = "the recording \(name) ends before the run did; replayed up to the cut"
        }
    }
}

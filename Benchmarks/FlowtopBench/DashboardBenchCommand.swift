import ArgumentParser
import Dashboard
import WorkflowCore

struct DashboardBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Feed text events into the dashboard headless and time ingestion and full-frame rendering.",
        discussion: """
            Ingestion: --events text deltas spread over four agents applied to DashboardState (what the app does \
            between frames). Rendering: the view drawn into a 200x60 cell grid with four full panes and a timeline \
            (median of --frames). Peak memory is the process's max RSS with the default scrollback. Reference: a \
            memchr scan of 64 bytes per event ingested.
            """
    )

    @Option(help: "Text events to ingest.")
    var events = 1_000_000

    @Option(help: "Frames to render; the median is reported.")
    var frames = 200

    func validate() throws {
        guard events > 0, frames > 0 else { throw ValidationError("counts must be positive") }
    }

    func run() throws {
        warnIfDebugBuild()
        let agents = ["Researcher", "Writer", "Critic", "Editor"]
        let words = [" the", " rain", " over", " Seattle", " settles", " into", " a", " soft", " grey", " hum.\n"]
        var input: [WorkflowEvent] = [
            WorkflowEvent(sequence: 1, timestamp: 0, kind: .runStarted(.init(runId: "r", workflow: "bench", participants: agents))),
        ]
        input.reserveCapacity(events + 40)
        for index in 0..<events {
            let agent = agents[index % agents.count]
            input.append(WorkflowEvent(
                sequence: index + 2, timestamp: Double(index) / 1e6,
                kind: .textDelta(agent: agent, messageId: agent, text: words[(index / agents.count) % words.count])))
        }
        for call in 0..<20 {
            input.append(WorkflowEvent(
                sequence: events + 2 + call * 2, timestamp: 1,
                kind: .toolCallStarted(agent: "Researcher", callId: "c\(call)", tool: "get_weather", arguments: #"{"location":"Seattle"}"#)))
            input.append(WorkflowEvent(
                sequence: events + 3 + call * 2, timestamp: 1,
                kind: .toolResult(.init(agent: "Researcher", callId: "c\(call)", tool: "get_weather", result: "Seattle: 12°C, light rain", isError: false, durationMs: 12))))
        }
        let residentBefore = WorkflowBenchCommand.maxResidentBytes()

        var state = DashboardState()
        state.size = (200, 60)
        let clock = ContinuousClock()
        let ingest = clock.measure {
            for event in input { state.apply(event) }
        }
        let lines = state.agents.reduce(0) { $0 + $1.lines.count }

        var checksum = 0
        let frame = Stopwatch.median(runs: frames) {
            let grid = DashboardView.render(state)
            checksum &+= grid.cells.count
        }
        let residentAfter = WorkflowBenchCommand.maxResidentBytes()
        print("flowtop bench dashboard: \(formatRate(Double(input.count))) events into 4 panes, 200x60 frames")
        print("  ingest: \(formatRate(Double(input.count) / ingest.seconds)) events/s "
            + "(\(format3(ingest.seconds * 1e9 / Double(input.count))) ns/event)")
        print("  render one full 200x60 frame: \(format3(frame.seconds * 1000)) ms (median of \(frames))")
        let referenceBytes = input.count * 64
        let reference = Reference.memchrScan(bytes: referenceBytes)
        print("  reference, a memchr scan of \(format3(Double(referenceBytes) / 1e6)) MB (64 B per event): "
            + "\(format3(reference * 1000)) ms; ingesting takes \(Reference.ratio(ingest.seconds, to: reference))")
        print("  scrollback: \(state.scrollback) lines per pane (held now: \(lines) lines in 4 panes)")
        print("  peak memory (max RSS): \(format3(Double(residentAfter) / 1_048_576)) MiB "
            + "(\(format3(Double(residentBefore) / 1_048_576)) MiB before ingesting, most of it the generated input)")
        if checksum == 0 { print("") }
    }
}

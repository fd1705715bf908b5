import ArgumentParser
import Foundation
import RemoteStream
import WorkflowCore

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a prompt through a workflow and watch it.",
        discussion: """
            The model comes from --provider, else the environment (AZURE_OPENAI_ENDPOINT, OPENAI_API_KEY), else \
            flowtop's offline scripted model; the first line of output says which is in use.

              flowtop run --plain "Research the weather in Seattle and write a short poem about it"
              flowtop run --json --workflow group-chat "A haiku about fog" | jq .type
            """
    )

    @Argument(help: "What to ask the workflow.")
    var prompt: String

    @OptionGroup var workflowOptions: WorkflowOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var dashboard: DashboardOptions
    @OptionGroup var recording: RecordOption
    @OptionGroup var humanLoop: HumanLoopOptions

    func validate() throws {
        guard !prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ValidationError("the prompt is empty")
        }
        try output.validate()
    }

    func run() async throws {
        let recorder = try recording.open(source: "run")
        let prepared: PreparedWorkflow
        do {
            // The scripted model streams at a readable pace on the dashboard and at full speed into pipes.
            prepared = try await workflowOptions.prepare(defaultPace: ConsoleChoice.showsDashboard(output) ? .realistic : .instant)
        } catch {
            throw error.exit()
        }
        let status = await ConsoleChoice.run(
            prepared, prompt: prompt, output: output, dashboard: dashboard, humanLoop: humanLoop, recorder: recorder)
        try await prepared.shutdown()
        if status != 0 { throw ExitCode(status) }
    }
}

/// `--record FILE`: writes the events as they arrive, with their timing, for `flowtop replay`.
struct RecordOption: ParsableArguments {
    @Option(name: .customLong("record"), help: ArgumentHelp(
        "Record the events with their arrival times to this file (NDJSON, see docs/RECORDING.md) for `flowtop replay`.",
        valueName: "file"))
    var path: String?

    func open(source: String) throws -> RecordingWriter? {
        guard let path else { return nil }
        do {
            return try RecordingWriter(path: path, source: source)
        } catch {
            throw CommandLineFailure(error.message).exit()
        }
    }
}

/// How `run` and `demo` print a run when not showing the dashboard.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print the text as it streams, with agent headers and tool lines (the default when not on a terminal).")
    var plain = false

    @Flag(help: "Print one JSON event per line (flowtop's wire schema).")
    var json = false

    func validate() throws {
        if plain && json { throw ValidationError("choose one of --plain and --json") }
    }

}

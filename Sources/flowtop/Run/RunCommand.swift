import ArgumentParser
import Foundation
import RemoteStream
import RunStore
import RunStoreOpening
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
              flowtop run --store sqlite:runs.sqlite "Weather in Oslo?"
              flowtop run --store sqlite:runs.sqlite --resume run_1a2b3c
            """
    )

    @Argument(help: "What to ask the workflow (not with --resume).")
    var prompt: String?

    @Option(help: ArgumentHelp(
        "Keep the run in this store (sqlite:PATH or postgres://…), as serve keeps its runs, so it can be resumed.",
        valueName: "store"))
    var store: StoreLocation?

    @Option(help: ArgumentHelp(
        "Resume this stored run (interrupted: its process died) from its last completed agent turn; needs --store.",
        valueName: "run-id"))
    var resume: String?

    /// How long the run's lease holds (as serve's `--store-lease`): a dead run can be resumed once it lapsed.
    @Option(help: .hidden)
    var storeLease = 30.0

    @OptionGroup var workflowOptions: WorkflowOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var dashboard: DashboardOptions
    @OptionGroup var recording: RecordOption
    @OptionGroup var humanLoop: HumanLoopOptions

    func validate() throws {
        if let resume {
            if prompt != nil { throw ValidationError("--resume goes on with the run's own prompt: give no prompt") }
            if resume.isEmpty { throw ValidationError("--resume needs a run id") }
            guard let store, store != .memory else {
                throw ValidationError("--resume needs the --store the run was kept in (sqlite:PATH or postgres://…)")
            }
        } else if (prompt ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError(prompt == nil ? "give a prompt (or --resume a stored run)" : "the prompt is empty")
        }
        guard storeLease > 0 else { throw ValidationError("--store-lease must be positive") }
        try output.validate()
    }

    func run() async throws {
        let recorder = try recording.open(source: "run")
        // The scripted model streams at a readable pace on the dashboard and at full speed into pipes.
        let pace: ScriptedChatClient.Pace = ConsoleChoice.showsDashboard(output) ? .realistic : .instant
        let status: Int32
        if let store, store != .memory {
            let run = StoredLocalRun(
                location: store, lease: .milliseconds(Int(storeLease * 1000)), options: workflowOptions, pace: pace,
                output: output, dashboard: dashboard,
                humanLoop: humanLoop, recorder: recorder)
            do throws(CommandLineFailure) {
                if let resume {
                    status = try await run.resume(resume)
                } else {
                    status = try await run.start(prompt ?? "")
                }
            } catch {
                throw error.exit()
            }
        } else {
            let prepared: PreparedWorkflow
            do {
                prepared = try await workflowOptions.prepare(defaultPace: pace)
            } catch {
                throw error.exit()
            }
            status = await ConsoleChoice.run(
                prepared, prompt: prompt ?? "", output: output, dashboard: dashboard, humanLoop: humanLoop, recorder: recorder)
            try await prepared.shutdown()
        }
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

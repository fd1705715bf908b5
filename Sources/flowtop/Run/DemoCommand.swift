import ArgumentParser
import Foundation
import RemoteStream
import WorkflowCore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Watch a workflow run on the built-in scripted model: no API key, no network.",
        discussion: """
            The scripted model plays each agent at a believable pace: the Researcher calls get_weather, then hands \
            its findings to the Writer. Other presets show a manager-run group chat, experts answering at once, \
            and handoffs:

              flowtop demo --workflow group-chat
              flowtop demo --workflow concurrent
              flowtop demo --workflow handoff --prompt "What time is it in Tokyo?"
              flowtop demo --workflow approval      # you approve a tool call (y/n) and pick the Writer's tone
            """
    )

    @OptionGroup var workflowOptions: WorkflowOptions
    @Option(help: "What to ask (each preset has its own default).")
    var prompt: String?
    @OptionGroup var output: OutputOptions
    @OptionGroup var dashboard: DashboardOptions
    @OptionGroup var recording: RecordOption
    @OptionGroup var humanLoop: HumanLoopOptions

    static let defaultPrompts = [
        "approval": "Research the weather in Lisbon and send the report to the team",
        "research-writer": "Research the weather in Seattle and write a short poem about it",
        "group-chat": "Write a short poem about rain in Seattle",
        "concurrent": "What is Lisbon like in winter?",
        "handoff": "What's the weather in Tokyo right now?",
    ]

    func validate() throws { try output.validate() }

    func run() async throws {
        var options = workflowOptions
        options.modelChoice.provider = options.modelChoice.provider ?? .scripted
        let recorder = try recording.open(source: "demo")
        let prepared: PreparedWorkflow
        do {
            prepared = try await options.prepare(defaultPace: ConsoleChoice.showsDashboard(output) ? .demo : .realistic)
        } catch {
            throw error.exit()
        }
        let question = prompt ?? Self.defaultPrompts[prepared.definition.name] ?? "Research the weather in Seattle and write a short poem about it"
        let status = await ConsoleChoice.run(
            prepared, prompt: question, output: output, dashboard: dashboard,
            afterword: "Other demos: " + PresetWorkflows.names.filter { $0 != prepared.definition.name }
                .map { "flowtop demo --workflow \($0)" }.joined(separator: " · "), humanLoop: humanLoop, recorder: recorder)
        try await prepared.shutdown()
        if status != 0 { throw ExitCode(status) }
    }
}

/// The dashboard on a terminal, plain text otherwise (a pipe, a file, CI), or what the flags ask for.
enum ConsoleChoice {
    static func showsDashboard(_ output: OutputOptions) -> Bool {
        !output.plain && !output.json && isatty(STDOUT_FILENO) != 0 && isatty(STDIN_FILENO) != 0
    }

    static func run(
        _ prepared: PreparedWorkflow, prompt: String, output: OutputOptions, dashboard: DashboardOptions, afterword: String? = nil,
        humanLoop: HumanLoopOptions, recorder: RecordingWriter? = nil
    ) async -> Int32 {
        defer { recorder?.close() }
        if output.json {
            return await WorkflowConsole.run(prepared, prompt: prompt, format: .json, humanLoop: humanLoop, recorder: recorder)
        }
        if !showsDashboard(output) {
            return await WorkflowConsole.run(prepared, prompt: prompt, format: .plain, humanLoop: humanLoop, recorder: recorder)
        }
        do {
            return try await DashboardRun.run(
                prepared, prompt: prompt, options: dashboard, afterword: afterword, requestTimeout: humanLoop.timeout,
                recorder: recorder)
        } catch {
            printError("flowtop: error: \(error.message)")
            return error.exitCode
        }
    }
}

import ArgumentParser
import Foundation
import MCPTools
import ModelClients
import WorkflowCore

/// Which workflow to run and on which model (`run`, `demo`, `attach`-style commands).
struct WorkflowOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: ArgumentHelp(
        "A preset name (\(PresetWorkflows.names.joined(separator: ", "))) or a workflow file (default: research-writer; with --resume, the run's own).",
        valueName: "workflow"))
    var workflow: String?

    static let defaultWorkflow = "research-writer"

    @OptionGroup var modelChoice: ModelChoice

    @Option(help: "The API key (prefer the provider's environment variable: flags show up in `ps`).")
    var apiKey: String?

    /// Loads the workflow and picks the model; see `ModelChoice.prepare`.
    /// `fallback`: the workflow when `--workflow` names none (the default preset, or a resumed run's own).
    func prepare(
        defaultPace: ScriptedChatClient.Pace, fixedAnswerTokens: Int? = nil, fallback: String = defaultWorkflow
    ) async throws(CommandLineFailure) -> PreparedWorkflow {
        try await modelChoice.prepare(
            workflow: workflow ?? fallback, apiKey: apiKey, defaultPace: defaultPace, fixedAnswerTokens: fixedAnswerTokens)
    }
}

/// The model flags every command that runs workflows shares. The provider's key is not here: `serve` uses
/// `--api-key` for the key its own clients must present, so each command declares its key flag itself.
struct ModelChoice: ParsableArguments {
    @Option(help: "Pace of the scripted model: demo, realistic, instant, or tokens per second.")
    var pace: PaceChoice?

    @Option(help: "The model provider (default: from the environment, else scripted).")
    var provider: ProviderChoice?

    @Option(help: "The model (Azure: the deployment name).")
    var model: String?

    @Option(help: "The API base URL, e.g. http://localhost:11434/v1 (Azure: the resource endpoint).")
    var baseURL: String?

    @Option(help: "The most tokens one response may have (1-1000000), for every agent whose workflow entry sets none.")
    var maxTokens: Int?

    @Option(help: "Sampling temperature (0-2), for every agent whose workflow entry sets none.")
    var temperature: Double?

    /// The flags' generation settings, checked: they come between an agent's own values and the workflow's
    /// `defaults:` (see `WorkflowDefinition.build`).
    func generationOverrides() throws(CommandLineFailure) -> GenerationSettings {
        if let maxTokens, !GenerationSettings.maxTokensRange.contains(maxTokens) {
            throw CommandLineFailure("--max-tokens must be a whole number from 1 to 1000000, not \(maxTokens)")
        }
        if let temperature, !GenerationSettings.temperatureRange.contains(temperature) {
            throw CommandLineFailure("--temperature must be a number from 0 to 2, not \(temperature)")
        }
        return GenerationSettings(maxTokens: maxTokens, temperature: temperature)
    }

    /// Loads `workflow` (a preset or a file) and picks the model: the flags, else the environment, else the
    /// scripted model. `fixedAnswerTokens` makes every scripted answer that many tokens of prose (benchmarks).
    func prepare(
        workflow: String, apiKey: String?, defaultPace: ScriptedChatClient.Pace, fixedAnswerTokens: Int? = nil
    ) async throws(CommandLineFailure) -> PreparedWorkflow {
        let overrides = try generationOverrides()
        let definition: WorkflowDefinition
        do {
            definition = try WorkflowDefinitionLoader.resolve(workflow)
        } catch {
            throw CommandLineFailure("\(error)")
        }
        let servers = try await MCPServers.start(for: definition)
        let serverTools = servers?.serverTools ?? .none
        let remote: OpenAIChatClient?
        do {
            let settingsFile = URL(fileURLWithPath: LocalSettingsFile.fileName)
            remote = try await OpenAIChatClient.configured(
                options: ProviderOptions(provider: provider, model: model, baseURL: baseURL, apiKey: apiKey),
                environment: ProcessInfo.processInfo.environment,
                settingsFile: FileManager.default.fileExists(atPath: settingsFile.path) ? settingsFile : nil)
        } catch {
            await servers?.stop()
            throw CommandLineFailure("\(error)")
        }
        if let remote {
            if pace != nil { printError("flowtop: warning: --pace applies to the scripted model only; ignored") }
            return PreparedWorkflow(
                definition: definition, workflow: definition.build(client: remote, overrides: overrides, serverTools: serverTools),
                modelLabel: remote.model.description,
                shutdown: {
                    await servers?.stop()
                    try await remote.shutdown()
                },
                build: { $0.build(client: remote, overrides: overrides, serverTools: serverTools) })
        }
        let chosenPace = pace?.pace ?? defaultPace
        let client = ScriptedChatClient(pace: chosenPace, fixedAnswerTokens: fixedAnswerTokens)
        // Tools take a moment too when the model is paced, as real ones do.
        let latency: Duration = chosenPace.tokensPerSecond.map { $0 < 30 ? .milliseconds(900) : .milliseconds(400) } ?? .zero
        return PreparedWorkflow(
            definition: definition,
            workflow: definition.build(client: client, toolLatency: latency, overrides: overrides, serverTools: serverTools),
            modelLabel: client.model.description, shutdown: { await servers?.stop() },
            build: { $0.build(client: client, toolLatency: latency, overrides: overrides, serverTools: serverTools) })
    }
}

/// `--pace`: a named pace of the scripted model, or tokens per second.
enum PaceChoice: ExpressibleByArgument, Hashable, CustomStringConvertible {
    case demo, realistic, instant
    case tokensPerSecond(Double)

    init?(argument: String) {
        switch argument {
        case "demo": self = .demo
        case "realistic": self = .realistic
        case "instant", "max": self = .instant
        default:
            guard let rate = Double(argument), rate > 0, rate.isFinite else { return nil }
            self = .tokensPerSecond(rate)
        }
    }

    static var allValueStrings: [String] { ["demo", "realistic", "instant"] }
    static var defaultCompletionKind: CompletionKind { .list(["demo", "realistic", "instant", "14", "45"]) }

    var description: String {
        switch self {
        case .demo: "demo"
        case .realistic: "realistic"
        case .instant: "instant"
        case let .tokensPerSecond(rate): String(rate)
        }
    }

    var pace: ScriptedChatClient.Pace {
        switch self {
        case .demo: .demo
        case .realistic: .realistic
        case .instant: .instant
        case let .tokensPerSecond(rate): ScriptedChatClient.Pace(tokensPerSecond: rate, firstTokenDelay: .milliseconds(200))
        }
    }
}

/// A workflow ready to run, with the label of its model and how to release its resources (HTTP clients).
struct PreparedWorkflow: Sendable {
    let definition: WorkflowDefinition
    let workflow: any Workflow
    let modelLabel: String
    let shutdown: @Sendable () async throws -> Void
    /// Builds another workflow on the same model (`serve` offers every preset by name).
    let build: @Sendable (WorkflowDefinition) -> any Workflow
}

import ArgumentParser
import WorkflowCore

/// Which workflow to run and on which model.
struct WorkflowOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "A preset name (\(PresetWorkflows.names.joined(separator: ", "))) or a workflow file.")
    var workflow = "research-writer"

    @Option(help: "Pace of the scripted model: 'realistic', 'instant', or tokens per second.")
    var pace: String?

    /// Loads the workflow and picks the model.
    func prepare(realisticPace: Bool) async throws(CommandLineFailure) -> PreparedWorkflow {
        let definition: WorkflowDefinition
        do {
            definition = try WorkflowDefinitionLoader.resolve(workflow)
        } catch {
            throw CommandLineFailure("\(error)")
        }
        let chosenPace = try scriptedPace(default: realisticPace ? .realistic : .instant)
        let client = ScriptedChatClient(pace: chosenPace)
        let latency: Duration = chosenPace.tokensPerSecond == nil ? .zero : .milliseconds(400)
        return PreparedWorkflow(
            definition: definition, workflow: definition.build(client: client, toolLatency: latency),
            modelLabel: client.model.description, shutdown: {})
    }

    private func scriptedPace(default fallback: ScriptedChatClient.Pace) throws(CommandLineFailure) -> ScriptedChatClient.Pace {
        guard let pace else { return fallback }
        switch pace {
        case "realistic": return .realistic
        case "instant", "max": return .instant
        default:
            guard let rate = Double(pace), rate > 0 else {
                throw CommandLineFailure("--pace must be 'realistic', 'instant' or a number of tokens per second, not '\(pace)'")
            }
            return ScriptedChatClient.Pace(tokensPerSecond: rate, firstTokenDelay: .milliseconds(200))
        }
    }
}

/// A workflow ready to run, with the label of its model and how to release its resources (HTTP clients).
struct PreparedWorkflow: Sendable {
    let definition: WorkflowDefinition
    let workflow: any Workflow
    let modelLabel: String
    let shutdown: @Sendable () async throws -> Void
}

import Foundation

/// What a span is, read from its name and attributes: Agent Framework's workflow spans and the GenAI semantic
/// conventions, or a step of a framework flowtop does not know.
enum SpanRole: Sendable, Hashable {
    /// `workflow.run`: a workflow's run, the root of its trace.
    case workflowRun
    /// `workflow.build`: building a workflow (a trace of its own, not a run).
    case workflowBuild
    /// `executor.process {id}`: an executor handling one message; a pane.
    case executor(String)
    /// `invoke_agent {agent}`: an agent's turn; a pane.
    case agent(String)
    /// `chat {model}` (also `text_completion`, `generate_content`): one model call, with usage and output.
    case chat
    /// `execute_tool {tool}`: one tool call.
    case tool
    /// `message.send`: an executor sending a message (its target receives it through a span link).
    case messageSend
    /// `edge_group.process …`: routing a message along an edge group, delivered or not.
    case edgeGroup
    /// Anything else: a named step.
    case generic

    init(name: String, _ attributes: ConventionAttributes) {
        let operation = attributes.operationName?.text
        if name == "workflow.run" || name.hasPrefix("workflow.run ") || name == "workflow_invoke" {
            self = .workflowRun
        } else if name == "workflow.build" {
            self = .workflowBuild
        } else if let id = attributes.executorId?.text ?? Self.suffix(of: name, after: "executor.process ") {
            self = .executor(id)
        } else if operation == "invoke_agent" || name.hasPrefix("invoke_agent") {
            self = .agent(attributes.agentName?.text ?? Self.suffix(of: name, after: "invoke_agent ") ?? attributes.agentId?.text ?? "agent")
        } else if operation == "chat" || operation == "text_completion" || operation == "generate_content"
            || name.hasPrefix("chat ")
        {
            self = .chat
        } else if operation == "execute_tool" || name.hasPrefix("execute_tool") {
            self = .tool
        } else if name == "message.send" {
            self = .messageSend
        } else if name.hasPrefix("edge_group.process") {
            self = .edgeGroup
        } else {
            self = .generic
        }
    }

    /// The pane an executor or agent span opens.
    var paneName: String? {
        switch self {
        case let .executor(name), let .agent(name): return name
        default: return nil
        }
    }

    var isExecutor: Bool {
        if case .executor = self { return true }
        return false
    }

    private static func suffix(of name: String, after prefix: String) -> String? {
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
        return rest.isEmpty ? nil : rest
    }
}

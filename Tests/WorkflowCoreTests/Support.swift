import Synchronization
import Testing
@testable import WorkflowCore

/// Collects a run's events.
final class EventLog: Sendable {
    private let storage = Mutex<[WorkflowEvent]>([])
    func append(_ event: WorkflowEvent) { storage.withLock { $0.append(event) } }
    var events: [WorkflowEvent] { storage.withLock { $0 } }
}

func run(_ workflow: any Workflow, _ prompt: String) async -> [WorkflowEvent] {
    let log = EventLog()
    await WorkflowRunner.run(workflow, prompt: prompt, runId: "run_test") { log.append($0) }
    return log.events
}

func preset(_ name: String, client: any ChatClient = ScriptedChatClient()) throws -> any Workflow {
    try WorkflowDefinitionLoader.resolve(name).build(client: client)
}

/// A compact, comparable summary of an event: "started Researcher", "tool Researcher get_weather", …
func label(_ event: WorkflowEvent) -> String {
    switch event.kind {
    case let .runStarted(info): return "run \(info.workflow)"
    case let .runResumed(info): return "resumed \(info.completedTurns)"
    case let .agentStarted(agent): return "started \(agent)"
    case let .textDelta(agent, _, _): return "text \(agent)"
    case let .reasoningDelta(agent, _, _): return "reasoning \(agent)"
    case let .toolCallStarted(agent, _, tool, _): return "tool \(agent) \(tool)"
    case let .toolCallArgumentsDelta(agent, _, _): return "args \(agent)"
    case let .toolProgress(agent, _, progress): return "progress \(agent) \(progress.progress)"
    case let .toolResult(info): return "result \(info.agent) \(info.tool)" + (info.isError ? " error" : "")
    case let .agentCompleted(agent, _, _, _): return "completed \(agent)"
    case let .transition(from, to, _): return "transition \(from ?? "-") \(to)"
    case let .output(agent, _): return "output \(agent ?? "-")"
    case let .approvalRequested(request): return "approval? \(request.agent) \(request.tool)"
    case let .approvalResolved(resolution): return "approval \(resolution.decision.approved ? "yes" : "no") \(resolution.agent)"
    case let .inputRequested(request): return "input? \(request.agent)"
    case let .inputProvided(provision): return "input \(provision.agent)"
    case .warning: return "warning"
    case .runCompleted: return "done"
    case .runFailed: return "failed"
    case .runCancelled: return "cancelled"
    }
}

/// Labels with runs of text deltas collapsed to one, which is what the order tests care about.
func outline(_ events: [WorkflowEvent]) -> [String] {
    var result: [String] = []
    for event in events {
        let text = label(event)
        if text.hasPrefix("text "), result.last == text { continue }
        result.append(text)
    }
    return result
}

func text(of agent: String, in events: [WorkflowEvent]) -> String {
    events.reduce(into: "") { result, event in
        if case let .textDelta(name, _, delta) = event.kind, name == agent { result += delta }
    }
}

/// A chat client that answers from a closure: for behaviour the scripted personas do not have (endless tool
/// calls, a manager that names a stranger, a model that never finishes).
final class ClosureChatClient: ChatClient {
    let respond: @Sendable (ChatRequest, Int) async throws -> ScriptedReplyForTest
    private let calls = Mutex(0)

    init(respond: @escaping @Sendable (ChatRequest, Int) async throws -> ScriptedReplyForTest) {
        self.respond = respond
    }

    var model: ModelDescription { ModelDescription(provider: "test", model: "closure") }

    func streamResponse(_ request: ChatRequest, onUpdate: (ChatUpdate) throws -> Void) async throws {
        let number = calls.withLock { $0 += 1; return $0 }
        let reply = try await respond(request, number)
        if !reply.text.isEmpty { try onUpdate(.textDelta(reply.text)) }
        for (index, call) in reply.toolCalls.enumerated() {
            try onUpdate(.toolCallDelta(ToolCallDelta(index: index, callId: "c\(number)_\(index)", name: call.0, argumentsDelta: call.1)))
        }
        try onUpdate(.finished(reply.toolCalls.isEmpty ? .stop : .toolCalls))
    }
}


struct ScriptedReplyForTest: Sendable {
    var text: String
    var toolCalls: [(String, String)] = []
}

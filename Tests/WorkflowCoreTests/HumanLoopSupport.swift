import Synchronization
import TestSupport
@testable import WorkflowCore

/// Runs `workflow` with a real `RequestDesk`, answering each request the moment its event arrives (as the
/// dashboard does) with what `answer` says; nil leaves it unanswered, which with a `TestClock` expires at once.
func runAsking(
    _ workflow: any Workflow, _ prompt: String, clock: any Clock<Duration> = ContinuousClock(),
    answer: @escaping @Sendable (HumanRequest) -> HumanResponse?
) async -> [WorkflowEvent] {
    let desk = RequestDesk(timeout: .seconds(600), clock: clock)
    let log = EventLog()
    await HumanLoop.$responder.withValue(desk) {
        await WorkflowRunner.run(workflow, prompt: prompt, runId: "run_test") { event in
            log.append(event)
            let request: HumanRequest? = switch event.kind {
            case let .approvalRequested(approval): .approval(approval)
            case let .inputRequested(input): .input(input)
            default: nil
            }
            if let request, let response = answer(request) { desk.answer(request.id, with: response) }
        }
    }
    return log.events
}

/// Approves (or rejects with `reason`) every approval; answers every question with `text`.
func answering(approve: Bool, reason: String? = nil, text: String = "formal") -> @Sendable (HumanRequest) -> HumanResponse? {
    { request in
        switch request {
        case .approval: .approval(ApprovalDecision(approved: approve, reason: reason, answeredBy: "test"))
        case .input: .input(InputAnswer(text: text, answeredBy: "test"))
        }
    }
}

func definition(_ yaml: String) throws -> any Workflow {
    try WorkflowDefinitionLoader.parse(yaml, file: "test.yaml").build(client: ScriptedChatClient())
}

func toolResult(_ tool: String, in events: [WorkflowEvent]) -> WorkflowEvent.ToolResultInfo? {
    events.lazy.compactMap { event -> WorkflowEvent.ToolResultInfo? in
        if case let .toolResult(info) = event.kind, info.tool == tool { return info }
        return nil
    }.first
}

func failure(in events: [WorkflowEvent]) -> String? {
    if case let .runFailed(error, _) = events.last?.kind { return error }
    return nil
}

let groupChatWithPeople = """
    name: group-approval
    kind: group-chat
    max_rounds: 2
    agents:
      - name: Researcher
        instructions: Research information using tools, then send the findings with send_report. Be brief.
        tools: [get_weather, send_report]
        approval: always
      - name: Editor
        kind: human
        question: Anything to add?
    """

let handoffWithPeople = """
    name: handoff-approval
    kind: handoff
    start: Customer
    agents:
      - name: Customer
        kind: human
        question: What do you need?
      - name: Triage
        instructions: Decide which specialist should answer the user's request and hand off to them.
        handoffs: [Weather]
      - name: Weather
        instructions: You answer weather questions using the get_weather tool. Be brief.
        tools: [{name: get_weather, approval: always}]
        handoffs: [Triage]
    """

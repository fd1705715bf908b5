import WorkflowCore

/// Reads back the `CUSTOM` events `AGUIEventEncoder` writes for requests to a person (AG-UI has none of its own).
enum HumanRequestCustomEvent {
    static func kind(name: String, value: JSONValue?, fallbackAgent: String) -> WorkflowEvent.Kind? {
        guard let value, let requestId = value["requestId"]?.stringValue else { return nil }
        let agent = value["agent"]?.stringValue ?? fallbackAgent
        let callId = value["toolCallId"]?.stringValue ?? ""
        let tool = value["toolCallName"]?.stringValue ?? ""
        switch name {
        case "approval_requested":
            return .approvalRequested(.init(
                requestId: requestId, agent: agent, callId: callId, tool: tool,
                arguments: value["arguments"]?.stringValue ?? ""))
        case "approval_resolved":
            return .approvalResolved(.init(
                requestId: requestId, agent: agent, callId: callId, tool: tool,
                decision: ApprovalDecision(
                    approved: value["approved"] == .bool(true), reason: value["reason"]?.stringValue,
                    answeredBy: value["answeredBy"]?.stringValue)))
        case "input_requested":
            return .inputRequested(.init(
                requestId: requestId, agent: agent, question: value["question"]?.stringValue ?? "", schema: value["schema"]))
        case "input_provided":
            return .inputProvided(.init(
                requestId: requestId, agent: agent,
                answer: InputAnswer(text: value["answer"]?.stringValue ?? "", answeredBy: value["answeredBy"]?.stringValue)))
        default:
            return nil
        }
    }
}

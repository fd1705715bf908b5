import WorkflowCore

/// Requests for a person the way Agent Framework's AG-UI endpoint sends them (`AGUIHumanLoop`), and the two ends of a
/// stream that stops at one: `interrupt()` finishes it with the pending requests as interrupts, `resume(steps:)`
/// starts the follow-up run that goes on from there.
extension AGUIEventEncoder {
    /// The events Agent Framework sends for `request`, after flowtop's own `CUSTOM` event.
    mutating func announce(_ request: HumanRequest, into out: inout [String]) {
        pendingRequests.append(request)
        switch request {
        case let .approval(approval):
            out.append(custom("function_approval_request", [
                ("id", .string(approval.requestId)),
                ("function_call", .raw(AGUIHumanLoop.functionCallValue(approval).jsonText)),
            ]))
            let confirm = AGUIHumanLoop.confirmCallId(for: approval.requestId)
            out.append(object("TOOL_CALL_START", [
                ("toolCallId", .string(confirm)), ("toolCallName", .string(AGUIHumanLoop.confirmTool)),
            ]))
            out.append(object("TOOL_CALL_ARGS", [
                ("toolCallId", .string(confirm)), ("delta", .string(AGUIHumanLoop.confirmArguments(approval).jsonText)),
            ]))
            out.append(object("TOOL_CALL_END", [("toolCallId", .string(confirm))]))
        case let .input(input):
            let value = AGUIHumanLoop.requestInfoValue(input)
            out.append(object("TOOL_CALL_START", [
                ("toolCallId", .string(input.requestId)), ("toolCallName", .string(AGUIHumanLoop.requestInfoTool)),
            ]))
            out.append(object("TOOL_CALL_ARGS", [("toolCallId", .string(input.requestId)), ("delta", .string(value.jsonText))]))
            out.append(object("TOOL_CALL_END", [("toolCallId", .string(input.requestId))]))
            out.append(object("CUSTOM", [("name", .string("request_info")), ("value", .raw(value.jsonText))]))
        }
    }

    /// Ends the stream at its pending requests, as Agent Framework does: the open message and steps closed, then
    /// `RUN_FINISHED` with `outcome: {"type": "interrupt", "interrupts": […]}`. Empty when nothing is pending.
    public mutating func interrupt() -> [String] {
        guard !pendingRequests.isEmpty else { return [] }
        var out: [String] = []
        closeMessage(into: &out)
        for step in openSteps.reversed() { out.append(object("STEP_FINISHED", [("stepName", .string(step))])) }
        let outcome = JSONValue.object([
            "type": .string("interrupt"), "interrupts": .array(pendingRequests.map(AGUIHumanLoop.interrupt(for:))),
        ])
        out.append(object("RUN_FINISHED", [
            ("threadId", .string(threadId ?? "")), ("runId", .string(runId ?? "")), ("outcome", .raw(outcome.jsonText)),
        ]))
        return out
    }

    /// Starts a follow-up run that continues an interrupted one: `RUN_STARTED` with this encoder's ids, then the
    /// steps the interrupted stream closed, opened again.
    public mutating func resume(steps: [String]) -> [String] {
        var out = [object("RUN_STARTED", [("threadId", .string(threadId ?? "")), ("runId", .string(runId ?? ""))])]
        for step in steps { out += encode(WorkflowEvent(sequence: 0, timestamp: 0, kind: .agentStarted(agent: step))) }
        return out
    }
}

/// The agent loop's two points of contact with a person: a held tool call, and a participant that is a person.
extension AgentTurn {
    /// What a rejected call's result says to the model: Agent Framework's wording, then the person's reason.
    static func rejectionResult(reason: String?) -> String {
        let base = "Error: Tool call invocation was rejected by user."
        guard let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty else { return base }
        return base + " Reason: \(reason)"
    }

    static var responder: any HumanResponder {
        HumanLoop.responder ?? NoResponder(message: "this run was started without a way to ask a person")
    }

    /// Asks for approval of `call`; returns the decision. Runs between model requests, so none is open meanwhile.
    func approval(of call: FunctionCall, shownName: String) async throws -> ApprovalDecision {
        let request = ApprovalRequest(
            requestId: "req_" + RandomID.make(), agent: agent.name, callId: call.callId, tool: shownName,
            arguments: call.arguments)
        let response = try await ask(.approval(request)) { sink.emit(.approvalRequested(request)) }
        guard case let .approval(decision) = response, let resolution = HumanRequest.approval(request).resolution(by: response) else {
            throw WorkflowError(agent: agent.name, "the approval of \(shownName) was answered with text")
        }
        sink.emit(resolution)
        return decision
    }

    /// A person's turn: the question goes out as a request, the answer is the participant's message.
    func humanTurn(question: String, schema: JSONValue?) async throws -> Result {
        sink.emit(.agentStarted(agent: agent.name))
        let request = InputRequest(requestId: "req_" + RandomID.make(), agent: agent.name, question: question, schema: schema)
        let response = try await ask(.input(request)) { sink.emit(.inputRequested(request)) }
        guard case let .input(answer) = response, let resolution = HumanRequest.input(request).resolution(by: response) else {
            throw WorkflowError(agent: agent.name, "the question \"\(question)\" was answered with an approval")
        }
        sink.emit(resolution)
        // The answer also reads as the participant's text, so panes, transcripts and the next agents see it.
        if !answer.text.isEmpty {
            sink.emit(.textDelta(agent: agent.name, messageId: "msg_" + RandomID.make(), text: answer.text))
        }
        sink.emit(.agentCompleted(agent: agent.name, usage: nil))
        return Result(text: answer.text, usage: .zero, handoff: nil)
    }

    private func ask(_ request: HumanRequest, announce: @Sendable () -> Void) async throws -> HumanResponse {
        do {
            return try await Self.responder.ask(request, announce: announce)
        } catch let error as HumanRequestError {
            throw WorkflowError(agent: agent.name, error.message)
        }
    }
}

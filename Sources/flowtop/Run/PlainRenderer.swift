import WorkflowCore

/// `--plain`: the agents' text as it streams, a header line when the speaking agent changes, one line per tool
/// call and result, transitions, and a closing line. Plain text with no escape codes, so it pipes and logs well.
///
/// When agents stream at the same time (a concurrent workflow), one agent streams live and the others' text is
/// held until it finishes a line or its turn, so the output reads as paragraphs rather than interleaved words.
struct PlainRenderer {
    private var currentAgent: String?
    private var currentIsActive = false
    private var atLineStart = true
    private var held: [(agent: String, text: String, finished: Bool)] = []
    /// Tool calls whose arguments are still streaming (remote dialects send them after the call's start): each
    /// line is written whole once its arguments stop coming.
    private var streamingCalls: [(callId: String, agent: String, tool: String, arguments: String)] = []
    private var output = StandardOutput()
    /// The terminal answers requests: each one's line ends with a prompt the person types after.
    var asksOnTerminal = false

    mutating func render(_ event: WorkflowEvent) {
        switch event.kind {
        case let .toolCallArgumentsDelta(_, callId, delta):
            if let index = streamingCalls.firstIndex(where: { $0.callId == callId }) {
                streamingCalls[index].arguments += delta
                return
            }
        case let .toolCallStarted(_, _, _, arguments) where arguments.isEmpty:
            break  // another call whose arguments will stream: the earlier ones may still be coming
        default:
            writeStreamedCalls()
        }
        switch event.kind {
        case let .runStarted(info):
            line("▶ \(info.workflow) · \(info.model ?? "model unknown") · \(info.runId)")
        case let .runResumed(info):
            blankLine()
            currentAgent = nil
            line("↻ resumed after \(info.completedTurns) completed turn\(info.completedTurns == 1 ? "" : "s")"
                + (info.lastAgent.map { " (last: \($0))" } ?? "") + " · event \(info.checkpointSequence) was the checkpoint")
        case let .agentStarted(agent):
            if currentAgent == nil || !currentIsActive { switchTo(agent) }
        case let .textDelta(agent, _, text), let .reasoningDelta(agent, _, text):
            guard agent == currentAgent || !currentIsActive || atLineStart && !(currentIsActive && currentAgent != nil)
            else {
                hold(agent, text)
                break
            }
            switchTo(agent)
            write(text)
            if text.hasSuffix("\n"), !held.isEmpty { releaseHeld() }
        case let .toolCallStarted(agent, callId, tool, arguments):
            if arguments.isEmpty {
                streamingCalls.append((callId, agent, tool, ""))
            } else {
                switchTo(agent)
                line("⚙ \(tool)(\(arguments))")
            }
        case .toolCallArgumentsDelta:
            break
        case let .toolProgress(agent, _, progress):
            switchTo(agent)
            line("  ⋯ \(progress.summary)")
        case let .toolResult(info):
            switchTo(info.agent)
            let mark = info.isError ? "✘" : "↳"
            line("  \(mark) \(info.tool): \(info.result.replacingOccurrences(of: "\n", with: " ")) (\(Self.duration(info.durationMs)))")
        case let .agentCompleted(agent, _, finishReason, maxTokens):
            // Why an answer was cut off goes right below it (held text included); "⚠ Agent: …" when it stands alone.
            let notice = finishReason?.stopNotice(maxTokens: maxTokens)
            if agent == currentAgent {
                if let notice { line("⚠ \(notice)") }
                currentIsActive = false
                releaseHeld()
            } else if let index = held.firstIndex(where: { $0.agent == agent }) {
                if let notice { held[index].text += (held[index].text.hasSuffix("\n") ? "" : "\n") + "⚠ \(notice)\n" }
                held[index].finished = true
            } else if let notice {
                line("⚠ \(agent): \(notice)")
            }
        case let .transition(from, to, reason):
            releaseAllHeld()
            let route = from.map { "\($0) → \(to)" } ?? "→ \(to)"
            blankLine()
            line("── \(route)" + (reason.map { " · \($0)" } ?? "") + " ──")
        case let .approvalRequested(request):
            releaseAllHeld()
            switchTo(request.agent)
            // The arguments are on the call's line just above.
            line("⏸ \(request.tool) waits for approval · \(request.requestId)")
        case let .approvalResolved(resolution):
            switchTo(resolution.agent)
            let decision = resolution.decision
            line((decision.approved ? "  ✔ approved" : "  ✘ rejected") + (decision.answeredBy.map { " by \($0)" } ?? "")
                + (decision.reason.map { ": \($0)" } ?? ""))
        case let .inputRequested(request):
            releaseAllHeld()
            switchTo(request.agent)
            let choices = request.choices.isEmpty ? "" : " [\(request.choices.joined(separator: ", "))]"
            line("? \(request.question)\(choices) · \(request.requestId)")
        case let .inputProvided(provision):
            // The answer itself follows as the participant's text.
            switchTo(provision.agent)
            line("  ↳ answered" + (provision.answer.answeredBy.map { " by \($0)" } ?? ""))
        case .output:
            break
        case let .warning(agent, message):
            line("⚠ " + (agent.map { "\($0): " } ?? "") + message)
        case let .runCompleted(finalAgent, usage, durationMs):
            releaseAllHeld()
            blankLine()
            var summary = "✔ completed in \(Self.duration(durationMs))"
            if usage.totalTokens > 0 {
                let mark = usage.estimateMark
                summary += " · \(mark)\(usage.totalTokens) tokens (in \(mark)\(usage.inputTokens), out \(mark)\(usage.outputTokens)"
                    + (usage.estimated ? ", estimated)" : ")")
            }
            if let finalAgent { summary += " · answer by \(finalAgent)" }
            line(summary)
        case let .runFailed(error, agent):
            releaseAllHeld()
            blankLine()
            line("✘ failed: " + (agent.map { "\($0): " } ?? "") + error)
        case let .runCancelled(reason):
            releaseAllHeld()
            blankLine()
            line("■ cancelled" + (reason.map { ": \($0)" } ?? ""))
        }
        if asksOnTerminal, let prompt = TerminalQuestions.prompt(for: event.kind) {
            // The person's Enter ends the line.
            output.append(prompt)
        }
        output.flush()
    }

    private mutating func hold(_ agent: String, _ text: String) {
        if let index = held.firstIndex(where: { $0.agent == agent }) {
            held[index].text += text
        } else {
            held.append((agent, text, false))
        }
    }

    /// Hands the stream to the agent that has waited longest, printing what it said meanwhile.
    private mutating func releaseHeld() {
        guard !held.isEmpty else { return }
        let next = held.removeFirst()
        switchTo(next.agent)
        write(next.text)
        currentIsActive = !next.finished
        if next.finished { releaseHeld() }
    }

    private mutating func writeStreamedCalls() {
        for call in streamingCalls {
            switchTo(call.agent)
            line("⚙ \(call.tool)(\(call.arguments))")
        }
        streamingCalls.removeAll()
    }

    private mutating func releaseAllHeld() {
        while !held.isEmpty {
            currentIsActive = false
            releaseHeld()
        }
    }

    private mutating func switchTo(_ agent: String) {
        currentIsActive = true
        guard agent != currentAgent else { return }
        currentAgent = agent
        blankLine()
        line("[\(agent)]")
    }

    private mutating func write(_ text: String) {
        guard !text.isEmpty else { return }
        output.append(text)
        atLineStart = text.hasSuffix("\n")
    }

    private mutating func blankLine() {
        if !atLineStart { output.append("\n") }
        output.append("\n")
        atLineStart = true
    }

    private mutating func line(_ text: String) {
        if !atLineStart { output.append("\n") }
        output.append(text + "\n")
        atLineStart = true
    }

    static func duration(_ milliseconds: Double) -> String {
        milliseconds < 1000 ? "\(format3(milliseconds)) ms" : "\(format3(milliseconds / 1000)) s"
    }
}

import Foundation
import WorkflowCore

extension DashboardState {
    /// A request's events: queued when asked, dropped when answered (here, or by anyone else watching the run).
    mutating func applyRequest(_ kind: WorkflowEvent.Kind, at timestamp: Double) {
        switch kind {
        case let .approvalRequested(request):
            requests.add(.approval(request))
            let index = paneIndex(request.agent)
            agents[index].append(PaneLine(kind: .tool, text: "⏸ \(request.tool) waits for your approval"))
            agents[index].noteOutput(at: timestamp)
        case let .approvalResolved(resolution):
            requests.remove(resolution.requestId)
            let decision = resolution.decision
            let who = decision.answeredBy.map { " by \($0)" } ?? ""
            let line = decision.approved
                ? PaneLine(kind: .tool, text: "  ✔ approved\(who)")
                : PaneLine(kind: .error, text: "  ✘ rejected\(who)" + (decision.reason.map { ": \($0)" } ?? ""))
            agents[paneIndex(resolution.agent)].append(line)
        case let .inputRequested(request):
            requests.add(.input(request))
            let index = paneIndex(request.agent)
            agents[index].append(PaneLine(kind: .tool, text: "? \(request.question)"))
            agents[index].noteOutput(at: timestamp)
        case let .inputProvided(provision):
            requests.remove(provision.requestId)
            let who = provision.answer.answeredBy.map { " by \($0)" } ?? ""
            let first = provision.answer.text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            agents[paneIndex(provision.agent)].append(PaneLine(kind: .tool, text: "  ✎ answered\(who): \(first)"))
        default:
            break
        }
    }

    /// Whether keys go to the request prompt (it is open over everything else while the run waits).
    var promptIsOpen: Bool { requests.answerable && !requests.isEmpty && !requests.hidden && runStatus == .running }

    /// Keys while the prompt is open: none of them reaches the dashboard's own keys (`q` typed in an answer is a
    /// letter, not quit).
    mutating func handleRequestKey(_ key: Key) -> [DashboardEffect] {
        guard let request = requests.current else { return [] }
        switch (requests.prompt, request) {
        case (.deciding, .approval):
            switch key {
            case .character("y"), .character("Y"):
                return answer(request, with: .approval(ApprovalDecision(approved: true, answeredBy: "dashboard")))
            case .character("n"), .character("N"):
                requests.prompt = .rejecting(LineEditor())
            case .escape: requests.hidden = true
            default: scrollPrompt(key)
            }
        case (.deciding, .input):
            requests.prompt = .answering(LineEditor())
            return handleRequestKey(key)
        case (var .rejecting(editor), _):
            switch editor.handle(key) {
            case .submitted:
                let reason = editor.text.trimmingCharacters(in: .whitespaces)
                return answer(request, with: .approval(ApprovalDecision(
                    approved: false, reason: reason.isEmpty ? nil : reason, answeredBy: "dashboard")))
            case .cancelled: requests.prompt = .deciding
            case .edited: requests.prompt = .rejecting(editor)
            case .ignored: scrollPrompt(key)
            }
        case (var .answering(editor), _):
            switch editor.handle(key) {
            case .submitted:
                return answer(request, with: .input(InputAnswer(text: editor.text, answeredBy: "dashboard")))
            case .cancelled: requests.hidden = true
            case .edited: requests.prompt = .answering(editor)
            case .ignored: scrollPrompt(key)
            }
        case let (.picking(selected), .input(input)):
            let choices = input.choices
            switch key {
            case .up, .character("k"): requests.prompt = .picking(max(0, selected - 1))
            case .down, .character("j"): requests.prompt = .picking(min(choices.count - 1, selected + 1))
            case let .character(digit) where choices.indices.contains((digit.wholeNumberValue ?? 0) - 1):
                requests.prompt = .picking((digit.wholeNumberValue ?? 1) - 1)
            case .enter:
                guard choices.indices.contains(selected) else { return [] }
                return answer(request, with: .input(InputAnswer(text: choices[selected], answeredBy: "dashboard")))
            case .escape: requests.hidden = true
            default: break
            }
        case (.picking, .approval):
            requests.prompt = .deciding
        }
        return []
    }

    private mutating func scrollPrompt(_ key: Key) {
        switch key {
        case .up: requests.scroll = max(0, requests.scroll - 1)
        case .down: requests.scroll += 1
        case .pageUp: requests.scroll = max(0, requests.scroll - 10)
        case .pageDown: requests.scroll += 10
        default: break
        }
    }

    /// Takes the request off the queue at once (the run's own event confirms it) and sends the answer out.
    private mutating func answer(_ request: HumanRequest, with response: HumanResponse) -> [DashboardEffect] {
        requests.answered(request)
        return [.answer(requestId: request.id, response)]
    }

    /// The run did not take an answer sent from here: listed with the warnings, and the request asked again with
    /// the reason in its prompt while the run still waits on it.
    mutating func answerRefused(_ requestId: String, reason: String) {
        warnings.append(reason)
        guard runStatus == .running else { return }
        _ = requests.refused(requestId, reason: reason)
    }
}

import Foundation
import WorkflowCore

/// `--plain`/`--json` on a terminal: each request is answered on standard input, one line (the renderer prints
/// the request and the prompt; this reads the answer). Requests are asked one at a time, in the order they come.
struct TerminalQuestions: HumanResponder {
    let desk: RequestDesk

    init(timeout: Duration) {
        desk = RequestDesk(timeout: timeout)
    }

    func ask(_ request: HumanRequest, announce: @Sendable () -> Void) async throws -> HumanResponse {
        let reader = Task { [desk] in
            // One line at a time for the whole process: parallel requests queue behind the lock.
            guard let line = await StandardInputLines.shared.next() else { return }
            desk.answer(request.id, with: Self.response(to: request, line: line))
        }
        defer { reader.cancel() }
        return try await desk.ask(request, announce: announce)
    }

    /// What the renderer prints after a request's event when the terminal answers it; nil for other events.
    static func prompt(for kind: WorkflowEvent.Kind) -> String? {
        switch kind {
        case .approvalRequested: return "  approve? y / n [reason] › "
        case let .inputRequested(input):
            return input.choices.isEmpty ? "  › " : "  choose 1-\(input.choices.count) or type › "
        default: return nil
        }
    }

    /// `y`/`yes` approves; anything else rejects, with what follows `n` as the reason. An answer to a question
    /// with choices may be the choice's number.
    static func response(to request: HumanRequest, line: String) -> HumanResponse {
        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
        switch request {
        case .approval:
            let lower = text.lowercased()
            if lower == "y" || lower == "yes" { return .approval(ApprovalDecision(approved: true, answeredBy: "terminal")) }
            var reason = text
            for prefix in ["no", "n"] where lower.hasPrefix(prefix) {
                reason = String(text.dropFirst(prefix.count))
                break
            }
            reason = reason.trimmingCharacters(in: CharacterSet(charactersIn: " :,-"))
            return .approval(ApprovalDecision(approved: false, reason: reason.isEmpty ? nil : reason, answeredBy: "terminal"))
        case let .input(input):
            if let number = Int(text), input.choices.indices.contains(number - 1) {
                return .input(InputAnswer(text: input.choices[number - 1], answeredBy: "terminal"))
            }
            return .input(InputAnswer(text: text, answeredBy: "terminal"))
        }
    }
}

/// Standard input's lines, read on a thread of its own (a blocking read must not hold one of the few threads
/// Swift's tasks share).
final class StandardInputLines: Sendable {
    static let shared = StandardInputLines()
    private let turn = NSLock()

    func next() async -> String? {
        await withCheckedContinuation { continuation in
            let thread = Thread { [turn] in
                turn.lock()
                let line = readLine(strippingNewline: true)
                turn.unlock()
                continuation.resume(returning: line)
            }
            thread.start()
        }
    }
}

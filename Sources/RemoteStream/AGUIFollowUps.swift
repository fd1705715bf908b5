import Foundation
import Synchronization
import Wire
import WorkflowCore

/// Answers an attached AG-UI run's requests for a person the AG-UI way: the stream stops at them (`RUN_FINISHED`
/// with interrupts), the dashboard's answers are kept here, and once each request the run waits on has one, the
/// follow-up run goes out: the original `RunAgentInput` on the same `threadId`, its messages (the server's last
/// `MESSAGES_SNAPSHOT`, else the original ones and the held calls) and a `tool` message per answer
/// (`AGUIHumanLoop.toolContent`). `RemoteAttach` reads its stream as the same run.
public final class AGUIFollowUps: Sendable {
    private let original: EventSourceRequest
    private let input: [String: JSONValue]
    private let state = Mutex(State())

    private struct State {
        /// Requests the AG-UI stream announced, and the answers given so far.
        var announced: Set<String> = []
        var answers: [String: HumanResponse] = [:]
        var sent = 0
        var waiter: CheckedContinuation<Void, Never>?
    }

    /// Nil unless `request` posts a `RunAgentInput` (a JSON object with `messages`): a watch stream (GET) or a
    /// `{"message": …}` stream cannot be followed up (their requests are answered where the run lives).
    public init?(request: EventSourceRequest) {
        guard let body = request.body, let text = String(bytes: body, encoding: .utf8),
              let object = (try? JSONValue(parsing: text))?.objectValue, object["messages"]?.arrayValue != nil
        else { return nil }
        original = request
        input = object
    }

    /// Notes the requests an AG-UI stream announces (`RemoteAttach` calls it with that stream's events).
    public func observe(_ event: WorkflowEvent) {
        guard let request = event.kind.announcedRequest else { return }
        state.withLock { _ = $0.announced.insert(request.id) }
    }

    /// Keeps the dashboard's answer for the follow-up; false when the AG-UI stream did not announce that request
    /// (it is answered some other way).
    public func answer(_ requestId: String, _ response: HumanResponse) -> Bool {
        let (known, waiter) = state.withLock { inner -> (Bool, CheckedContinuation<Void, Never>?) in
            guard inner.announced.contains(requestId) else { return (false, nil) }
            inner.answers[requestId] = response
            defer { inner.waiter = nil }
            return (true, inner.waiter)
        }
        waiter?.resume()
        return known
    }

    /// The follow-up for `interruption` once every request in it has an answer: the request to stream and the
    /// answers it carries. Nil when the task is cancelled first (the person quit).
    func followUp(after interruption: AGUIInterruption) async -> (request: EventSourceRequest, answers: [(request: HumanRequest, response: HumanResponse)])? {
        while !Task.isCancelled {
            let ready = state.withLock { inner -> [(request: HumanRequest, response: HumanResponse)]? in
                let answers = interruption.requests.compactMap { request in inner.answers[request.id].map { (request, $0) } }
                guard answers.count == interruption.requests.count else { return nil }
                inner.sent += 1
                return answers
            }
            if let ready {
                let number = state.withLock { $0.sent }
                var request = original
                request.body = Array(Self.body(input: input, interruption: interruption, answers: ready, number: number).utf8)
                return (request, ready)
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let ready = state.withLock { inner -> Bool in
                        if Task.isCancelled || interruption.requests.allSatisfy({ inner.answers[$0.id] != nil }) { return true }
                        inner.waiter = continuation
                        return false
                    }
                    if ready { continuation.resume() }
                }
            } onCancel: {
                state.withLock { inner in
                    defer { inner.waiter = nil }
                    return inner.waiter
                }?.resume()
            }
        }
        return nil
    }

    /// The follow-up `RunAgentInput`: `input` with a run id of its own (`-2`, `-3`, … after the original's), the
    /// interrupted run's thread, its messages and one `tool` message per answer.
    public static func body(
        input: [String: JSONValue], interruption: AGUIInterruption,
        answers: [(request: HumanRequest, response: HumanResponse)], number: Int
    ) -> String {
        var body = input
        if let thread = interruption.threadId ?? input["threadId"]?.stringValue { body["threadId"] = .string(thread) }
        let runId = input["runId"]?.stringValue ?? interruption.runId ?? "run"
        body["runId"] = .string("\(runId)-\(number + 1)")
        var messages = interruption.messages ?? heldCalls(input["messages"]?.arrayValue ?? [], answers.map(\.request))
        for (request, response) in answers {
            let toolCallId: String
            switch request {
            case let .approval(approval): toolCallId = approval.callId
            case let .input(input): toolCallId = input.requestId
            }
            messages.append(.object([
                "id": .string("answer_" + request.id), "role": .string("tool"), "toolCallId": .string(toolCallId),
                "content": .string(AGUIHumanLoop.toolContent(for: response)),
            ]))
        }
        body["messages"] = .array(messages)
        body.removeValue(forKey: "resume")
        return JSONValue.object(body).jsonText
    }

    /// The original messages and an assistant message with the held calls (the server sent no snapshot).
    private static func heldCalls(_ messages: [JSONValue], _ requests: [HumanRequest]) -> [JSONValue] {
        let calls: [JSONValue] = requests.compactMap { request in
            guard case let .approval(approval) = request else { return nil }
            return .object([
                "id": .string(approval.callId), "type": .string("function"),
                "function": .object(["name": .string(approval.tool), "arguments": .string(approval.arguments)]),
            ])
        }
        guard let first = calls.first?["id"]?.stringValue else { return messages }
        return messages + [.object(["id": .string("calls_" + first), "role": .string("assistant"), "toolCalls": .array(calls)])]
    }
}

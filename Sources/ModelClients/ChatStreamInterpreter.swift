import EventStream
import Foundation
import HTTPExchange
import Wire
import WorkflowCore

/// Turns the events of a chat-completions stream into `ChatUpdate`s.
///
/// Tool-call fragments are passed through as they come (the agent loop merges them by index), except that a call's
/// id and name are passed only the first time its index appears: OpenAI sends them once, but llama.cpp repeats them
/// in every fragment, and passing them again would make a merged name read `get_weatherget_weather`.
/// Usage and the finish reason are held back and sent when `[DONE]` arrives, so `.finished` is always the last
/// update and usage is reported once even from servers that repeat it on every chunk.
struct ChatStreamInterpreter {
    /// For messages: `POST <url>`.
    let source: String
    let provider: String
    let secrets: [Secret]

    private(set) var isDone = false
    /// Chunks received (not counting `[DONE]`): none at the end means the server sent an empty stream.
    private(set) var chunkCount = 0
    private var namedIndexes: Set<Int> = []
    private var identifiedIndexes: Set<Int> = []
    private var sawToolCalls = false
    private var finishReason: FinishReason?
    private var usage: Usage?

    init(source: String, provider: String, secrets: [Secret]) {
        self.source = source
        self.provider = provider
        self.secrets = secrets
    }

    mutating func handle(_ event: SSEEvent, onUpdate: (ChatUpdate) throws -> Void) throws {
        guard !isDone else { return }
        let data = event.data.trimmingCharacters(in: .whitespaces)
        if event.type == "error" {
            throw failure(.transport, "\(source) sent an error event mid-stream: \(quote(data))")
        }
        guard event.type == "message", !data.isEmpty else { return }
        if OpenAIChunk.isDone(data) {
            isDone = true
            if let usage { try onUpdate(.usage(usage)) }
            try onUpdate(.finished(finishReason ?? (sawToolCalls ? .toolCalls : .stop)))
            return
        }
        let chunk: OpenAIChunk
        do {
            chunk = try OpenAIChunk(parsing: data)
        } catch {
            throw failure(
                .protocolViolation, "\(source) sent an event that is not a chat-completion chunk: \(quote(data))")
        }
        chunkCount += 1
        if let error = chunk.error {
            let message = ServerErrorMessage.summary(of: error) ?? "(no message)"
            throw failure(.transport, "\(source) reported an error mid-stream: \(quote(message))")
        }
        if let reported = chunk.usage { usage = reported }
        if let delta = chunk.delta { try handle(delta, onUpdate: onUpdate) }
        if let reason = chunk.finishReason, finishReason == nil { finishReason = OpenAIChunk.finishReason(reason) }
    }

    private mutating func handle(_ delta: OpenAIChunk.Delta, onUpdate: (ChatUpdate) throws -> Void) throws {
        if let text = delta.content, !text.isEmpty { try onUpdate(.textDelta(text)) }
        // A refusal is what the model says instead of an answer; the person watching should see it like text.
        if let refusal = delta.refusal, !refusal.isEmpty { try onUpdate(.textDelta(refusal)) }
        for fragment in delta.toolCalls {
            sawToolCalls = true
            let index = fragment.index
            var name: String?
            if let fragmentName = fragment.name, !fragmentName.isEmpty, !namedIndexes.contains(index) {
                namedIndexes.insert(index)
                name = fragmentName
            }
            var callId: String?
            if let id = fragment.id, !id.isEmpty, !identifiedIndexes.contains(index) {
                identifiedIndexes.insert(index)
                callId = id
            }
            let arguments = fragment.arguments ?? ""
            guard name != nil || callId != nil || !arguments.isEmpty else { continue }
            try onUpdate(
                .toolCallDelta(ToolCallDelta(index: index, callId: callId, name: name, argumentsDelta: arguments)))
        }
    }

    /// The error for a body that ended without `[DONE]`.
    func endedWithoutDone() -> ChatClientError {
        if chunkCount == 0 {
            return failure(
                .protocolViolation,
                "\(source) answered 200 with an empty event stream (no chunks, no [DONE]); the server failed on "
                    + "this request without reporting an error (llama.cpp does this, e.g. for a prompt longer than "
                    + "its context)")
        }
        let chunks = chunkCount == 1 ? "1 chunk" : "\(chunkCount) chunks"
        return failure(.transport, "the stream from \(source) was cut off before [DONE] (after \(chunks))")
    }

    private func quote(_ text: String) -> String {
        Snippet.of(Array(text.utf8)).redacting(secrets)
    }

    private func failure(_ kind: ChatClientError.Kind, _ message: String) -> ChatClientError {
        ChatClientError(kind: kind, provider: provider, message: message)
    }
}

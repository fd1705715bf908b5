import AsyncHTTPClient
import Foundation
import HTTPExchange
import NIOCore
import Synchronization
import WorkflowCore

/// Answers an attached flowtop run's requests for a person where the run lives: `POST
/// /api/runs/{id}/requests/{request_id}` on the server the stream comes from, with the stream's own headers (its API
/// key). The run's id is learned from the stream's `runStarted`; a refusal (409: someone answered first) comes back
/// as a sentence for the dashboard's warnings, and the stream shows the resolution either way.
public final class FlowtopRequestAnswers: RequestAnswers {
    private let base: String
    private let headers: [(name: String, value: String)]
    private let client: HTTPClient
    private let runId = Mutex<String?>(nil)

    /// Nil when `streamURL` is not an http(s) URL with a host.
    public init?(streamURL: String, headers: [(name: String, value: String)], client: HTTPClient) {
        guard var components = URLComponents(string: streamURL), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", components.host != nil
        else { return nil }
        components.path = ""
        components.query = nil
        components.fragment = nil
        guard let base = components.string else { return nil }
        self.base = base
        self.headers = headers
        self.client = client
    }

    /// Notes the run's id from its `runStarted` (call with every event; cheap for the others).
    public func observe(_ event: WorkflowEvent) {
        guard case let .runStarted(info) = event.kind, !info.runId.isEmpty else { return }
        runId.withLock { $0 = info.runId }
    }

    /// The body the server's route takes for `response`.
    static func body(for response: HumanResponse) -> String {
        var fields: [String: JSONValue] = [:]
        switch response {
        case let .approval(decision):
            fields["approved"] = .bool(decision.approved)
            if let reason = decision.reason, !reason.isEmpty { fields["reason"] = .string(reason) }
            fields["answered_by"] = .string(decision.answeredBy ?? "attach")
        case let .input(answer):
            fields["response"] = .string(answer.text)
            fields["answered_by"] = .string(answer.answeredBy ?? "attach")
        }
        return JSONValue.object(fields).jsonText
    }

    /// Sends the answer; nil when the server took it, else why not, in words for the warnings list.
    public func send(_ requestId: String, _ response: HumanResponse) async -> String? {
        guard let run = runId.withLock({ $0 }) else { return "cannot answer \(requestId): the stream has not said which run it is" }
        return await send(requestId, response, inRun: run)
    }

    /// Sends the answer to a request of the run `run` (a runs list knows the id without reading a stream).
    public func send(_ requestId: String, _ response: HumanResponse, inRun run: String) async -> String? {
        var request = HTTPClientRequest(url: "\(base)/api/runs/\(run)/requests/\(requestId)")
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: Self.body(for: response)))
        do {
            let answer = try await client.execute(request, timeout: .seconds(15))
            let body = await BoundedBody.read(answer, upTo: 64 << 10)
            guard answer.status.code != 200 else { return nil }
            return "the server did not take the answer to \(requestId): HTTP \(answer.status.code): \(ServerErrorMessage.quote(body))"
        } catch {
            return "cannot send the answer to \(requestId): \(error)"
        }
    }
}

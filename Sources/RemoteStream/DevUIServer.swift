import AsyncHTTPClient
import Foundation
import HTTPExchange
import NIOCore
import WorkflowCore

/// An Agent Framework DevUI server (`devui ./entities`), as `attach` talks to it: its entities
/// (`GET /v1/entities`), a conversation to run in (`POST /v1/conversations`), a run of one (`POST /v1/responses`
/// with `metadata.entity_id`) and the follow-up response that answers the run's requests for a person. DevUI
/// answers 401 unless given the bearer token it printed at start-up, and cancels a run when its client
/// disconnects, with no way back in; so a run's stream is never re-posted.
public struct DevUIServer: Sendable {
    /// `http://host:port` (with any path prefix DevUI is mounted under), without `/v1/...`.
    public let baseURL: String
    public let apiKey: String?
    /// Extra request headers (`-H`) and the secrets among them, sent with every request.
    public let headers: [(name: String, value: String)]
    public let secrets: [String]

    /// `url` is the server's base URL or its `/v1/responses` URL (a query on it is not DevUI's and is dropped).
    public init(url: String, apiKey: String?, headers: [(name: String, value: String)] = [], secrets: [String] = []) {
        self.headers = headers
        self.secrets = secrets + (apiKey.map { [$0] } ?? [])
        var base = url
        if let query = base.firstIndex(where: { $0 == "?" || $0 == "#" }) { base = String(base[..<query]) }
        while base.hasSuffix("/") { base.removeLast() }
        for suffix in ["/v1/responses", "/v1/entities", "/v1"] where base.hasSuffix(suffix) {
            base.removeLast(suffix.count)
            break
        }
        baseURL = base
        self.apiKey = apiKey
    }

    /// Whether a URL looks like DevUI's without being told: its `/v1/responses` URL, or a bare `host:port`
    /// (flowtop's and the sample's streams always have a path).
    public static func isLikely(_ url: String) -> Bool {
        guard let components = URLComponents(string: url) else { return false }
        let path = components.path
        return path.isEmpty || path == "/" || path.hasSuffix("/v1/responses") || path.hasSuffix("/v1/responses/")
    }

    public struct Entity: Sendable, Hashable {
        public var id: String
        /// `workflow` or `agent`.
        public var type: String
        public var name: String

        public init(id: String, type: String, name: String) {
            self.id = id
            self.type = type
            self.name = name
        }
    }

    public var responsesURL: String { baseURL + "/v1/responses" }

    /// The entities DevUI serves, in its order. Throws an `EventSourceFailure` worded for the person at the
    /// terminal (401 says where the token comes from).
    public func entities(using client: HTTPClient) async throws(EventSourceFailure) -> [Entity] {
        let answer = try await requestJSON("/v1/entities", expecting: "DevUI's entity list", using: client)
        guard let list = answer["entities"]?.arrayValue else {
            throw EventSourceFailure(
                "\(URL.redactedDescription(of: baseURL + "/v1/entities")) did not answer with DevUI's entity list: "
                    + Snippet.of(Array(answer.jsonText.utf8), limit: 200).redacting(self.secrets.map(Secret.init)))
        }
        return list.compactMap { item in
            guard let id = item["id"]?.stringValue else { return nil }
            return Entity(id: id, type: item["type"]?.stringValue ?? "entity", name: item["name"]?.stringValue ?? id)
        }
    }

    /// The structure of `entity` from `GET /v1/entities/{id}/info`, for the dashboard's map; `agentName` names an
    /// agent entity's one node. Throws a failure worded for a warning (the map then shows the agents seen).
    public func workflowGraph(of entity: String, agentName: String, using client: HTTPClient) async throws(EventSourceFailure) -> WorkflowGraph {
        let path = "/v1/entities/" + (entity.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? entity) + "/info"
        let info = try await requestJSON(path, expecting: "DevUI's entity info", using: client)
        guard let graph = DevUIEntityGraph.graph(fromInfo: info, agentName: agentName) else {
            throw EventSourceFailure("\(URL.redactedDescription(of: baseURL + path)) has no executors to draw")
        }
        return graph
    }

    /// A new conversation for a run of `entity`, its id. DevUI keeps a run's pending requests by conversation, so
    /// only a run started in one can be answered (by a follow-up in the same conversation). The metadata is what
    /// DevUI's own UI sends: an agent's id, or a workflow's id and `workflow_session`.
    public func createConversation(for entity: Entity, using client: HTTPClient) async throws(EventSourceFailure) -> String {
        let metadata: JSONValue = entity.type == "workflow"
            ? ["entity_id": .string(entity.id), "type": "workflow_session"] : ["agent_id": .string(entity.id)]
        let answer = try await requestJSON(
            "/v1/conversations", body: ["metadata": metadata], expecting: "a DevUI conversation", using: client)
        guard let id = answer["id"]?.stringValue, !id.isEmpty else {
            throw EventSourceFailure(
                "\(URL.redactedDescription(of: baseURL + "/v1/conversations")) answered without a conversation id: "
                    + Snippet.of(Array(answer.jsonText.utf8), limit: 200).redacting(secrets.map(Secret.init)))
        }
        return id
    }

    /// A GET (a POST of `body`, when given) of one of DevUI's JSON routes, its answer parsed (`what` it should be,
    /// for the error); 401 says where the token comes from.
    private func requestJSON(
        _ path: String, body: JSONValue? = nil, expecting what: String, using client: HTTPClient
    ) async throws(EventSourceFailure) -> JSONValue {
        var request = HTTPClientRequest(url: baseURL + path)
        if let body {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.jsonText))
        }
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "flowtop")
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        if let apiKey { request.headers.replaceOrAdd(name: "Authorization", value: "Bearer \(apiKey)") }
        let secrets = self.secrets.map(Secret.init)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(15))
        } catch {
            throw EventSourceFailure("cannot reach DevUI at \(URL.redactedDescription(of: baseURL)): \(EventSourceClient.networkReason(error))")
        }
        let body = await BoundedBody.read(response, upTo: 4 << 20)
        let status = Int(response.status.code)
        if status == 401 { throw Self.tokenRequired(status: status) }
        guard status == 200 else {
            throw EventSourceFailure(
                "\(URL.redactedDescription(of: baseURL + path)) answered \(status) \(response.status.reasonPhrase): "
                    + ServerErrorMessage.quote(body).redacting(secrets), status: status)
        }
        guard let value = try? JSONValue(parsing: String(decoding: body, as: UTF8.self)) else {
            throw EventSourceFailure(
                "\(URL.redactedDescription(of: baseURL + path)) did not answer with \(what): " + Snippet.of(body, limit: 200).redacting(secrets))
        }
        return value
    }

    /// The request that runs `entity` on `message`, streamed, in `conversation` when given (so its requests for a
    /// person can be answered).
    public func run(entity: String, message: String, conversation: String? = nil) -> EventSourceRequest {
        responses(entity: entity, conversation: conversation, input: .string(message))
    }

    /// The follow-up response that answers a run's pending requests in its conversation: one user message whose
    /// content is a `function_approval_response` per approval and one `workflow_hil_response` with every input
    /// answer. DevUI's approval carries no reason (a rejection's reason stays with flowtop).
    public func followUp(
        entity: String, conversation: String, answering answers: [(request: HumanRequest, response: HumanResponse)]
    ) -> EventSourceRequest {
        var content: [JSONValue] = []
        var inputs: [String: JSONValue] = [:]
        for (request, response) in answers {
            switch (request, response) {
            case let (.approval(approval), .approval(decision)):
                content.append([
                    "type": "function_approval_response", "request_id": .string(approval.requestId),
                    "approved": .bool(decision.approved),
                ])
            case let (.input(input), .input(answer)):
                inputs[input.requestId] = Self.value(of: answer.text, fitting: input.schema)
            default:
                continue
            }
        }
        if !inputs.isEmpty { content.append(["type": "workflow_hil_response", "responses": .object(inputs)]) }
        let message: JSONValue = ["type": "message", "role": "user", "content": .array(content)]
        return responses(entity: entity, conversation: conversation, input: [message])
    }

    /// An answer as the schema wants it: text for a string (or no schema), else the JSON the person typed when it
    /// is JSON (a number, an object), else the text.
    static func value(of text: String, fitting schema: JSONValue?) -> JSONValue {
        guard let type = schema?["type"]?.stringValue, type != "string", let parsed = try? JSONValue(parsing: text) else {
            return .string(text)
        }
        return parsed
    }

    /// A streamed `POST /v1/responses` of `entity` with `input`.
    private func responses(entity: String, conversation: String?, input: JSONValue) -> EventSourceRequest {
        var body: [String: JSONValue] = ["metadata": ["entity_id": .string(entity)], "input": input, "stream": true]
        if let conversation { body["conversation"] = .string(conversation) }
        var headers = self.headers
        if let apiKey { headers.append(("Authorization", "Bearer \(apiKey)")) }
        return EventSourceRequest(url: responsesURL, body: Array(JSONValue.object(body).jsonText.utf8), headers: headers, secrets: secrets)
    }

    /// What a 401 from DevUI means and how to fix it.
    public static func tokenRequired(status: Int = 401) -> EventSourceFailure {
        EventSourceFailure("DevUI requires a token: pass --api-key (DevUI prints it at start-up)", status: status)
    }

    /// The known entities, for an error or a prompt: `research_writer (workflow "Research Writer"), …`.
    public static func describe(_ entities: [Entity]) -> String {
        entities.isEmpty ? "(none)" : entities.map { "\($0.id) (\($0.type) \"\($0.name)\")" }.joined(separator: ", ")
    }
}

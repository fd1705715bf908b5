import Foundation
import RemoteStream
import Wire
import WorkflowCore

/// What `attach` will do, settled before anything is shown: the request, the dialect, the client and how to word
/// its failures. A DevUI server is asked for its entities first, so a wrong or missing `--entity` is answered with
/// the ones it serves.
struct AttachPlan: Sendable {
    var request: EventSourceRequest
    var dialect: WireDialect?
    var agentName: String?
    var workflowName: String?
    var client: EventSourceClient
    /// The entity's structure from DevUI's info, for the dashboard's map (given to the run's `runStarted`).
    var graph: WorkflowGraph?
    /// Why the structure could not be read (never fatal: the map then shows the agents seen).
    var graphWarning: String?
    /// A DevUI run: what it runs and the conversation it runs in (nil when DevUI would not make one: its requests
    /// then cannot be answered from here, and `conversationWarning` says why).
    var devUI: DevUIRun?
    var conversationWarning: String?

    var isDevUI: Bool { devUI != nil }

    struct DevUIRun: Sendable {
        var server: DevUIServer
        var entity: String
        var message: String
        var conversation: String?
    }

    /// Warnings about what the dashboard or the console will lack, for the `w` list or stderr.
    var warnings: [String] { [graphWarning, conversationWarning].compactMap(\.self) }

    /// A failure in the words that help: DevUI's 401 says where its token comes from.
    func reword(_ failure: EventSourceFailure) -> EventSourceFailure {
        isDevUI && failure.status == 401 ? DevUIServer.tokenRequired() : failure
    }
}

extension AttachCommand {
    /// A DevUI run when asked for (`--entity`, `--format devui`) or when the URL is DevUI's (`/v1/responses`, or
    /// a bare host and port with a message to send); any other stream as given.
    func makePlan() async throws(CommandLineFailure) -> AttachPlan {
        let wantsDevUI = entity != nil || format.forced == .devui
            || (body == nil && DevUIServer.isLikely(url) && (message != nil || URLComponents(string: url)?.path.hasSuffix("/v1/responses") == true))
        guard wantsDevUI else {
            return AttachPlan(
                request: try makeRequest(), dialect: format.forced, agentName: agent, workflowName: nil,
                client: EventSourceClient(policy: ReconnectPolicy(maxAttempts: maxReconnects)))
        }
        if body != nil { throw CommandLineFailure("DevUI runs take --message, not --body") }
        let extra = access.extraHeaders
        let server = DevUIServer(url: url, apiKey: access.apiKey, headers: extra.headers, secrets: extra.secrets)
        // DevUI cancels a run whose client leaves and cannot resume one: a dropped stream is not re-posted.
        let client = EventSourceClient(policy: ReconnectPolicy(maxAttempts: 0))
        let entities: [DevUIServer.Entity]
        do {
            entities = try await server.entities(using: client.httpClient)
        } catch {
            await client.shutdown()
            throw CommandLineFailure(error.message)
        }
        let chosen: String
        if let entity {
            guard entities.contains(where: { $0.id == entity }) else {
                await client.shutdown()
                throw CommandLineFailure("DevUI has no entity '\(entity)'; it serves: \(DevUIServer.describe(entities))")
            }
            chosen = entity
        } else if let picked = Self.ask(entities) {
            chosen = picked
        } else {
            await client.shutdown()
            throw CommandLineFailure(
                "choose what to run with --entity; DevUI at \(server.baseURL) serves: \(DevUIServer.describe(entities))")
        }
        guard let message else {
            await client.shutdown()
            throw CommandLineFailure("DevUI runs need --message (what to ask \(chosen))")
        }
        let agentName = agent ?? chosen
        var graph: WorkflowGraph?
        var graphWarning: String?
        do {
            graph = try await server.workflowGraph(of: chosen, agentName: agentName, using: client.httpClient)
        } catch {
            graphWarning = "cannot read \(chosen)'s structure for the map (\(error.message)); it shows the executors seen"
        }
        // DevUI keeps a run's requests for a person by conversation: only a run in one can be answered.
        var conversation: String?
        var conversationWarning: String?
        do {
            if let picked = entities.first(where: { $0.id == chosen }) {
                conversation = try await server.createConversation(for: picked, using: client.httpClient)
            }
        } catch {
            conversationWarning = "cannot start a DevUI conversation (\(error.message)); \(chosen)'s requests for a person cannot be answered from here"
        }
        return AttachPlan(
            request: server.run(entity: chosen, message: message, conversation: conversation), dialect: .devui,
            agentName: agentName, workflowName: chosen, client: client, graph: graph,
            graphWarning: graphWarning,
            devUI: AttachPlan.DevUIRun(server: server, entity: chosen, message: message, conversation: conversation),
            conversationWarning: conversationWarning)
    }

    /// On a terminal, the entities as a numbered list and the person's pick; nil without a terminal or a pick.
    static func ask(_ entities: [DevUIServer.Entity]) -> String? {
        guard !entities.isEmpty, isatty(STDIN_FILENO) != 0, isatty(STDERR_FILENO) != 0 else { return nil }
        var prompt = "DevUI serves:\n"
        for (index, entity) in entities.enumerated() {
            prompt += "  \(index + 1)  \(entity.id)  (\(entity.type) \"\(entity.name)\")\n"
        }
        prompt += "Run which? [1-\(entities.count)] "
        FileHandle.standardError.write(Data(prompt.utf8))
        guard let line = readLine()?.trimmingCharacters(in: .whitespaces), !line.isEmpty else { return nil }
        if let number = Int(line), entities.indices.contains(number - 1) { return entities[number - 1].id }
        return entities.first { $0.id == line }?.id
    }
}

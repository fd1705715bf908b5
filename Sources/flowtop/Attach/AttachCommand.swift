import ArgumentParser
import Dashboard
import DashboardApp
import Foundation
import HTTPExchange
import RemoteStream
import Synchronization
import Wire
import WorkflowCore

struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Watch a remote workflow stream (Server-Sent Events) live.",
        discussion: """
            Reads flowtop's own stream, the Agent Framework sample's {"text"} stream, AG-UI, OpenAI \
            chat-completion chunks, or Agent Framework DevUI's responses (detected from the first events unless \
            --format says). With --message or --body it POSTs, otherwise it GETs. Dropped connections are resumed \
            with Last-Event-ID. A DevUI server is given by its base URL and --entity (without it, the entities it \
            serves are listed).

              flowtop attach http://127.0.0.1:8080/api/workflow/stream --message "Weather in Seattle?"
              flowtop attach http://127.0.0.1:8080/api/runs/RUN_ID/events --json
              flowtop attach http://127.0.0.1:8090 --entity research_writer --message "Weather in Seattle?"
            """
    )

    @Argument(help: "The stream's URL (http or https).")
    var url: String

    @Option(help: "POST {\"message\": TEXT}, as the Agent Framework sample's clients do.")
    var message: String?

    @Option(help: ArgumentHelp("POST this JSON body, or the contents of a file with @path.", valueName: "json|@file"))
    var body: String?

    @OptionGroup var access: ServerAccessOptions

    @Option(help: "The stream's dialect (auto detects it from the first events).")
    var format: DialectChoice = .auto

    @Option(help: "The pane name for dialects without agents (text, OpenAI, a DevUI agent); the URL's host otherwise.")
    var agent: String?

    @Option(help: "DevUI: the entity to run (a workflow or agent id from GET /v1/entities).")
    var entity: String?

    @Option(name: .customLong("max-reconnects"), help: "Give up after this many reconnection attempts in a row.")
    var maxReconnects: Int = 10

    @OptionGroup var output: OutputOptions
    @OptionGroup var dashboard: DashboardOptions
    @OptionGroup var recording: RecordOption

    func validate() throws {
        try output.validate()
        if message != nil && body != nil { throw ValidationError("choose one of --message and --body") }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", components.host != nil
        else { throw ValidationError("the URL must be an http:// or https:// URL") }
        if maxReconnects < 0 { throw ValidationError("--max-reconnects must be 0 or more") }
    }

    func makeRequest() throws(CommandLineFailure) -> EventSourceRequest {
        let given = access.headers
        let (headers, secrets) = (given.headers, given.secrets)
        var payload: [UInt8]?
        if let message {
            var json = "{\"message\":"
            JSONValue.writeQuoted(message, to: &json)
            payload = Array((json + "}").utf8)
        } else if let body {
            if body.hasPrefix("@") {
                let path = String(body.dropFirst())
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw CommandLineFailure("cannot read the body file \(path)")
                }
                payload = Array(data)
            } else {
                payload = Array(body.utf8)
            }
        }
        return EventSourceRequest(url: url, body: payload, headers: headers, secrets: secrets)
    }

    /// Sends each answer the dashboard gives where the run lives; a refusal shows in the warnings, and the request
    /// is asked again while the run still waits on it. An AG-UI run's requests are answered by its follow-up run
    /// instead (`followUps` keeps them).
    static func answering(with answers: any RequestAnswers, followUps: AGUIFollowUps? = nil) -> DashboardLoop.Answerer {
        { requestId, response in
            if followUps?.answer(requestId, response) == true { return nil }
            return await answers.send(requestId, response)
        }
    }

    func run() async throws {
        let plan: AttachPlan
        do { plan = try await makePlan() } catch { throw error.exit() }
        let (request, dialect, agent, client) = (plan.request, plan.dialect, plan.agentName, plan.client)
        let recorder = try recording.open(source: "attach")
        defer { recorder?.close() }
        let failure = Mutex<String?>(nil)
        let status: Int32
        if ConsoleChoice.showsDashboard(output) {
            // Requests are answered where the run lives: a flowtop run over its server's answer route, a DevUI run
            // with a follow-up response in its conversation.
            let devUIAnswers = plan.devUI?.conversation != nil ? DevUIRequestAnswers() : nil
            let answers: (any RequestAnswers)? = plan.isDevUI
                ? devUIAnswers
                : FlowtopRequestAnswers(streamURL: request.url, headers: request.headers, client: client.httpClient)
            let followUps = plan.isDevUI ? nil : AGUIFollowUps(request: request)
            let onAnswer = answers.map { Self.answering(with: $0, followUps: followUps) }
            do {
                status = try await DashboardRun.show(options: dashboard, onAnswer: onAnswer) { inbox in
                    for warning in plan.warnings { inbox.post(.sourceWarning(warning)) }
                    let onEvent = { (event: WorkflowEvent) in
                        recorder?.record(event)
                        answers?.observe(event)
                        inbox.append(event)
                    }
                    let outcome = if let run = plan.devUI, let conversation = run.conversation, let devUIAnswers {
                        await DevUIConversationRun.run(
                            server: run.server, entity: run.entity, conversation: conversation, message: run.message,
                            answers: devUIAnswers, client: client, agentName: agent ?? run.entity, graph: plan.graph,
                            onState: { inbox.setConnection($0) }, onSkipped: { inbox.setSkipped($0) }, onEvent: onEvent)
                    } else {
                        await RemoteAttach.run(
                            request, client: client, format: dialect, agentName: agent, workflowName: plan.workflowName,
                            graph: plan.graph, followUps: followUps,
                            onState: { inbox.setConnection($0) },
                            onSkipped: { inbox.setSkipped($0) },
                            onEvent: onEvent)
                    }
                    if let failed = outcome.failure {
                        let error = plan.reword(failed)
                        failure.withLock { $0 = error.message }
                        inbox.setConnection(.closed(error.message))
                        // Nothing arrived: show the error as the run's failure rather than an empty screen.
                        if !outcome.deliveredAny {
                            inbox.append(WorkflowEvent(
                                sequence: 1, timestamp: Date().timeIntervalSince1970,
                                kind: .runFailed(error: error.message, agent: nil)))
                        }
                    }
                }
            } catch {
                await client.shutdown()
                throw error.exit()
            }
        } else {
            for warning in plan.warnings { printError("flowtop: warning: \(warning)") }
            status = await WorkflowConsole.show(format: output.json ? .json : .plain, stopNotice: "disconnected from the stream") { yield in
                let outcome = await RemoteAttach.run(
                    request, client: client, format: dialect, agentName: agent, workflowName: plan.workflowName,
                    graph: plan.graph,
                    onState: { state in
                        if case .reconnecting(_, _, _, let reason) = state {
                            printError("flowtop: \(reason); \(state.label)")
                        }
                    },
                    onEvent: { event in
                        recorder?.record(event)
                        yield(event)
                    })
                if let error = outcome.failure { failure.withLock { $0 = plan.reword(error).message } }
                if !outcome.unknownEventCounts.isEmpty {
                    let counts = outcome.unknownEventCounts.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }
                    printError("flowtop: unknown event types (skipped): " + counts.joined(separator: ", "))
                }
            }
        }
        await client.shutdown()
        if let message = failure.withLock({ $0 }) {
            printError("flowtop: error: \(message)")
            throw ExitCode(status == 0 ? 1 : status)
        }
        if status != 0 { throw ExitCode(status) }
    }
}

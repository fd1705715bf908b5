import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RunStore
import Wire
import WorkflowCore

/// The HTTP routes: starting a run and streaming it, watching runs, health. Failures are thrown as typed answers
/// (`ErrorAnswer`, `UnknownWorkflow`, `AGUIRunInput.Invalid`) that Hummingbird encodes.
struct WorkflowRoutes {
    let server: WorkflowServer

    var configuration: ServerConfiguration { server.configuration }
    var registry: RunRegistry { server.registry }

    func register(on router: Router<ServerRequestContext>) {
        router.get("/api/health") { _, _ in
            HealthAnswer(activeRuns: registry.activeRuns, store: server.storeWriter?.health)
        }
        router.post("/api/workflow/stream") { request, _ in
            try await startStream(request)
        }
        router.post("/api/agui") { request, _ in
            try await startAGUI(request)
        }
        router.get("/api/runs") { request, _ in
            RunListAnswer(
                try await RunListing(parameters: request.uri.queryParameters).entries(registry: registry, store: server.store))
        }
        router.get("/api/runs/feed") { request, _ in
            feed(request)
        }
        router.get("/api/runs/{id}/events") { request, context in
            try await watch(request, id: context.parameters.get("id") ?? "")
        }
        router.get("/api/runs/{id}") { _, context in
            try await runAnswer(context.parameters.get("id") ?? "")
        }
        router.post("/api/runs/{id}/resume") { _, context in
            try await RunResumption(server: server).resume(context.parameters.get("id") ?? "")
        }
        router.post("/api/runs/{id}/requests/{request_id}") { request, context in
            try await answer(request, run: context.parameters.get("id") ?? "",
                             request: context.parameters.get("request_id") ?? "")
        }
    }

    // MARK: GET /api/runs/{id}, POST /api/runs/{id}/requests/{request_id}

    /// A run held in memory, else the store's row of it (after a restart).
    private func runAnswer(_ id: String) async throws(ErrorAnswer) -> RunAnswer {
        if let record = registry.run(id: id) { return RunAnswer(record) }
        guard let stored = try await storedRun(id) else {
            throw ErrorAnswer(status: .notFound, message: "no run with id '\(id)'")
        }
        return RunAnswer(stored)
    }

    private func storedRun(_ id: String) async throws(ErrorAnswer) -> StoredRun? {
        guard let store = server.store else { return nil }
        do {
            return try await store.run(id: id)
        } catch {
            throw error.answer
        }
    }

    /// The run this server holds, for the routes that act on a run (answers); one only stored here (finished, or
    /// live on another instance that shares the store) is named as such, not as unknown.
    private func record(_ id: String) async throws(ErrorAnswer) -> RunRecord {
        if let record = registry.run(id: id) { return record }
        let stored: StoredRun?
        do throws(RunStoreError) {
            stored = try await server.store?.run(id: id)
        } catch {
            throw error.answer
        }
        guard let stored else { throw ErrorAnswer(status: .notFound, message: "no run with id '\(id)'") }
        if stored.state == .running, let owner = stored.owner, owner != server.storeWriter?.instance {
            throw ErrorAnswer(
                status: .conflict,
                message: "run '\(id)' is live on another instance (\(owner)); answer it there, where its requests wait")
        }
        throw ErrorAnswer(status: .conflict, message: "run '\(id)' is \(stored.state.rawValue): it waits for no answer")
    }

    /// A watcher answers a request the run waits on: the first answer wins, and every watcher sees the
    /// resolution as an event on the run's stream.
    private func answer(_ incoming: Request, run id: String, request requestId: String) async throws -> RequestAnswered {
        var request = incoming
        let record = try await record(id)
        let open = record.desk.pending.first { $0.id == requestId }
        let answer = try RequestAnswer.parse(try await readBody(&request), for: open)
        switch record.desk.answer(requestId, with: answer.response) {
        case .accepted:
            return RequestAnswered(requestId: requestId)
        case .unknownRequest:
            throw ErrorAnswer(status: .notFound, message: "run '\(id)' has no request '\(requestId)'")
        case .alreadyAnswered:
            throw ErrorAnswer(status: .conflict, message: "request '\(requestId)' was already answered (or expired)")
        case .wrongKind:
            throw ErrorAnswer(status: .unprocessableContent, message: "that answer does not fit request '\(requestId)'")
        }
    }

    // MARK: POST /api/workflow/stream

    private func startStream(_ incoming: Request) async throws -> Response {
        var request = incoming
        let body = try await readBody(&request)
        let parsed: StreamRequest
        do {
            parsed = try StreamRequest.parse(body)
        } catch .missingMessage {
            throw ErrorAnswer.missingMessage
        } catch let .invalid(reason) {
            throw BadRequest(reason).answer
        }
        let dialect = try negotiate(body: parsed.format, request)
        guard let workflow = server.catalog.workflow(named: parsed.workflow) else {
            throw UnknownWorkflow(error: "unknown workflow '\(parsed.workflow ?? "")'", known: server.catalog.names)
        }
        return try startRun(workflow: workflow, prompt: parsed.message, detached: parsed.detach, request: request,
                            encoder: WireEncoder(dialect: dialect))
    }

    // MARK: POST /api/agui

    /// A new AG-UI run, or a follow-up that answers the requests its thread's run waits on. An AG-UI run's stream
    /// ends at a request for a person (`RUN_FINISHED` with the interrupts) and the run waits for the follow-up,
    /// whose stream goes on from there (`AGUIFollowUp`).
    private func startAGUI(_ incoming: Request) async throws -> Response {
        var request = incoming
        let input = try AGUIRunInput.parse(try await readBody(&request))
        if !input.answers.isEmpty {
            return try AGUIFollowUp(input: input, registry: registry).answer(request: request, routes: self)
        }
        guard let workflow = server.catalog.workflow(named: nil) else {
            throw ErrorAnswer(status: .internalServerError, message: "no default workflow")
        }
        return try startRun(workflow: workflow, prompt: input.prompt, detached: false, request: request,
                            encoder: WireEncoder(dialect: .agui, threadId: input.threadId, runId: input.runId),
                            aguiThread: input.threadId)
    }

    // MARK: Shared

    /// Starts the run and answers with its stream; a disconnect stops the run unless it is detached. An AG-UI run
    /// (`aguiThread`, the client's thread id or nil for the run's own) joins its thread, and its stream stops at
    /// requests for a person.
    private func startRun(workflow: any Workflow, prompt: String, detached: Bool, request: Request,
                          encoder: WireEncoder, aguiThread: String?? = nil) throws -> Response {
        let record: RunRecord
        do {
            record = try registry.start(workflow: workflow, prompt: prompt, model: server.modelLabel, detached: detached)
        } catch {
            throw error.answer(configuration)
        }
        if let aguiThread { record.agui.begin(threadId: aguiThread ?? record.id) }
        return runStream(record, encoder: encoder, after: 0, detached: detached, request: request,
                         stopsAtRequests: aguiThread != nil)
    }

    /// The stream of the request that drives a run (it started it, or answered it to go on): events after `after`;
    /// a disconnect stops the run unless it is detached or the stream ended at a request (the run then waits for
    /// its AG-UI follow-up, and `resuming` are the steps that follow-up opens again).
    func runStream(_ record: RunRecord, encoder: WireEncoder, after: Int, detached: Bool, request: Request,
                   stopsAtRequests: Bool, resuming steps: [String]? = nil) -> Response {
        let streamWriter = EventStreamWriter(record: record, keepaliveInterval: configuration.keepaliveInterval, paces: true)
        let waits = StreamEnding()
        // Noted before the interrupt goes out, so neither the client leaving nor its follow-up can come first.
        let onInterrupt = stopsAtRequests ? Self.notingPause(of: record, in: waits) : nil
        let body = ResponseBody { writer in
            var encoder = encoder
            let stopUnlessWaiting: @Sendable () -> Void = {
                if !detached && !waits.atRequest { record.stop(reason: "the client disconnected") }
            }
            do {
                try await request.body.consumeWithInboundCloseHandler { _ in
                    if let steps {
                        var bytes: [UInt8] = []
                        encoder.appendResumption(steps: steps, to: &bytes)
                        try await writer.write(ByteBuffer(bytes: bytes))
                    }
                    try await streamWriter.write(encoder: &encoder, after: after, stopsAtRequests: onInterrupt, to: &writer)
                } onInboundClosed: {
                    stopUnlessWaiting()
                }
            } catch {
                stopUnlessWaiting()
                throw error
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: Self.streamHeaders(runId: record.id), body: body)
    }

    /// What a driving stream does just before it ends at a request: its client may leave now, and the follow-up
    /// goes on from here.
    private static func notingPause(of record: RunRecord, in ending: StreamEnding) -> @Sendable (Int, [String]) -> Void {
        { last, steps in
            ending.reachRequest()
            record.agui.paused(AGUIThread.Pause(after: last, steps: steps))
        }
    }

    // MARK: GET /api/runs/{id}/events

    /// A run's events after `Last-Event-ID`: from the store what memory no longer (or never) held, then live from
    /// memory while the run goes on here.
    private func watch(_ request: Request, id: String) async throws -> Response {
        let record = registry.run(id: id)
        let stored = record == nil ? try await storedRun(id) : nil
        guard record != nil || stored != nil else {
            throw ErrorAnswer(status: .notFound, message: "no run with id '\(id)'")
        }
        let lastEventId = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.uri.queryParameters.get("last_event_id")
        let after = lastEventId.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        let dialect = try negotiate(body: nil, request)
        let replay = server.store.map { StoredEventReplay(store: $0, runId: id) }
        let streamWriter = record.map { EventStreamWriter(record: $0, keepaliveInterval: configuration.keepaliveInterval) }
        let body = ResponseBody { writer in
            var encoder = WireEncoder(dialect: dialect)
            try await request.body.consumeWithInboundCloseHandler { _ in
                var cursor = after
                var sawTerminal = false
                if let replay {
                    // Memory's buffer starts later than asked (or the run is not in memory): the store first.
                    let firstBuffered = streamWriter?.record.firstBufferedSequence ?? .max
                    if firstBuffered > cursor + 1 {
                        (cursor, sawTerminal) = try await replay.write(
                            encoder: &encoder, after: cursor, through: firstBuffered == .max ? .max : firstBuffered - 1,
                            to: &writer)
                    }
                }
                var state = stored?.state ?? .interrupted
                if let streamWriter, !sawTerminal {
                    try await streamWriter.write(encoder: &encoder, after: cursor, resumed: cursor > after, to: &writer)
                } else if !sawTerminal, state == .running, let replay, let live = server.store as? any LiveRunStore {
                    // Live on another instance that shares the store: its events as that instance commits them.
                    (cursor, sawTerminal, state) = try await replay.follow(
                        live, encoder: &encoder, after: cursor, keepalive: configuration.keepaliveInterval, to: &writer)
                }
                if streamWriter == nil, !sawTerminal {
                    var bytes: [UInt8] = []
                    encoder.appendFailure(
                        "run \(id) was \(state == .interrupted ? "interrupted (its server stopped)" : "not finished") after event \(cursor); nothing more was stored",
                        sequence: cursor + 1, to: &bytes)
                    if !bytes.isEmpty { try await writer.write(ByteBuffer(bytes: bytes)) }
                }
            } onInboundClosed: {}
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: Self.streamHeaders(runId: id), body: body)
    }

    // MARK: GET /api/runs/feed

    /// The runs feed: a snapshot, then starts, progress and ends, until the client leaves or the server stops.
    private func feed(_ request: Request) -> Response {
        let feedWriter = RunFeedWriter(
            registry: registry, keepaliveInterval: configuration.keepaliveInterval, interval: configuration.feedInterval,
            history: server.store, shared: server.sharedRuns)
        let body = ResponseBody { writer in
            try await request.body.consumeWithInboundCloseHandler { _ in
                try await feedWriter.write(to: &writer)
            } onInboundClosed: {}
            try await writer.finish(nil)
        }
        var headers = Self.streamHeaders(runId: "")
        headers[HTTPField.Name("X-Run-Id")!] = nil
        return Response(status: .ok, headers: headers, body: body)
    }

    private func negotiate(body: String?, _ request: Request) throws(ErrorAnswer) -> WireDialect {
        do {
            return try DialectNegotiation.choose(
                body: body, query: request.uri.queryParameters.get("format"), accept: request.headers[.accept])
        } catch {
            throw error.answer
        }
    }

    /// The body as UTF-8 text, or the error answer (413 over the limit). Collected through the request (not its
    /// body), so the request remembers the connection's stream and can still tell when the client goes away.
    private func readBody(_ request: inout Request) async throws(ErrorAnswer) -> String {
        let limit = configuration.maxBodyBytes
        let tooLarge = ErrorAnswer(status: .contentTooLarge, message: "the body is larger than the limit of \(limit) bytes")
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit { throw tooLarge }
        do {
            return String(buffer: try await request.collectBody(upTo: limit))
        } catch is NIOTooManyBytesError {
            throw tooLarge
        } catch {
            throw BadRequest("could not read the body: \(error)").answer
        }
    }

    static func streamHeaders(runId: String) -> HTTPFields {
        [
            .contentType: "text/event-stream; charset=utf-8",
            .cacheControl: "no-cache",
            HTTPField.Name("X-Accel-Buffering")!: "no",
            HTTPField.Name("X-Run-Id")!: runId,
            // The server closes the connection after a stream (it watches the connection to notice a client
            // leaving); saying so stops clients from reusing it for their next request.
            .connection: "close",
        ]
    }
}

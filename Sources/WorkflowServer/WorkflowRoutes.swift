import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WorkflowCore

/// The HTTP routes: starting a run and streaming it, watching runs, health.
struct WorkflowRoutes {
    let server: WorkflowServer

    var configuration: ServerConfiguration { server.configuration }
    var registry: RunRegistry { server.registry }

    func register(on router: Router<BasicRequestContext>) {
        router.get("/api/health") { _, _ in
            ErrorResponse.json(.ok, "{\"status\":\"ok\",\"active_runs\":\(registry.activeRuns)}")
        }
        router.post("/api/workflow/stream") { request, context in
            try await startStream(request, context: context)
        }
        router.post("/api/agui") { request, context in
            try await startAGUI(request, context: context)
        }
        router.get("/api/runs") { _, _ in
            ErrorResponse.json(.ok, RunListJSON.render(registry.list()))
        }
        router.get("/api/runs/{id}/events") { request, context in
            try await watch(request, context: context)
        }
    }

    // MARK: POST /api/workflow/stream

    private func startStream(_ incoming: Request, context: BasicRequestContext) async throws -> Response {
        var request = incoming
        let body: String
        switch await readBody(&request) {
        case let .success(text): body = text
        case let .failure(box): return box.response
        }
        let parsed: StreamRequest
        do {
            parsed = try StreamRequest.parse(body)
        } catch .missingMessage {
            return ErrorResponse.json(.badRequest, ErrorResponse.missingMessage)
        } catch let .invalid(reason) {
            return ErrorResponse.error(.badRequest, reason)
        }
        let format: StreamFormat
        switch StreamFormat.negotiate(body: parsed.format, query: request.uri.queryParameters.get("format"),
                                      accept: request.headers[.accept]) {
        case let .success(chosen): format = chosen
        case let .failure(problem): return ErrorResponse.error(.badRequest, problem.reason)
        }
        guard let workflow = server.catalog.workflow(named: parsed.workflow) else {
            let known = server.catalog.names.map(ErrorResponse.quoted).joined(separator: ",")
            return ErrorResponse.json(
                .notFound,
                "{\"error\":\(ErrorResponse.quoted("unknown workflow '\(parsed.workflow ?? "")'")),\"known\":[\(known)]}")
        }
        let started = request
        return startRun(workflow: workflow, prompt: parsed.message, detached: parsed.detach, request: started,
                        formatter: EventFormatter(format: format))
    }

    // MARK: POST /api/agui

    private func startAGUI(_ incoming: Request, context: BasicRequestContext) async throws -> Response {
        var request = incoming
        let body: String
        switch await readBody(&request) {
        case let .success(text): body = text
        case let .failure(box): return box.response
        }
        let input: AGUIRunInput
        do {
            input = try AGUIRunInput.parse(body)
        } catch {
            return ErrorResponse.json(.unprocessableContent, error.json)
        }
        guard let workflow = server.catalog.workflow(named: nil) else {
            return ErrorResponse.error(.internalServerError, "no default workflow")
        }
        let started = request
        return startRun(workflow: workflow, prompt: input.prompt, detached: false, request: started,
                        formatter: EventFormatter(format: .agui, threadId: input.threadId, runId: input.runId))
    }

    // MARK: Shared

    /// Starts the run and answers with its stream; a disconnect stops the run unless it is detached.
    private func startRun(workflow: any Workflow, prompt: String, detached: Bool, request: Request,
                          formatter: EventFormatter) -> Response {
        let record: RunRecord
        do {
            record = try registry.start(workflow: workflow, prompt: prompt, model: server.modelLabel, detached: detached)
        } catch {
            switch error {
            case .tooManyRuns:
                return ErrorResponse.error(
                    .tooManyRequests, "too many concurrent runs (limit \(configuration.maxConcurrentRuns)); retry later",
                    headers: [.retryAfter: String(configuration.retryAfterSeconds)])
            case .shuttingDown:
                return ErrorResponse.error(.serviceUnavailable, "the server is shutting down",
                                           headers: [.retryAfter: String(configuration.retryAfterSeconds)])
            }
        }
        let streamWriter = EventStreamWriter(record: record, keepaliveInterval: configuration.keepaliveInterval, paces: true)
        let body = ResponseBody { writer in
            var formatter = formatter
            do {
                try await request.body.consumeWithInboundCloseHandler { _ in
                    try await streamWriter.write(format: &formatter, after: 0, to: &writer)
                } onInboundClosed: {
                    if !detached { record.stop(reason: "the client disconnected") }
                }
            } catch {
                if !detached { record.stop(reason: "the client disconnected") }
                throw error
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: Self.streamHeaders(runId: record.id), body: body)
    }

    // MARK: GET /api/runs/{id}/events

    private func watch(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let record = registry.run(id: id) else {
            return ErrorResponse.error(.notFound, "no run with id '\(id)'")
        }
        let lastEventId = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.uri.queryParameters.get("last_event_id")
        let after = lastEventId.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        let format: StreamFormat
        switch StreamFormat.negotiate(body: nil, query: request.uri.queryParameters.get("format"), accept: request.headers[.accept]) {
        case let .success(chosen): format = chosen
        case let .failure(problem): return ErrorResponse.error(.badRequest, problem.reason)
        }
        let streamWriter = EventStreamWriter(record: record, keepaliveInterval: configuration.keepaliveInterval)
        let body = ResponseBody { writer in
            var formatter = EventFormatter(format: format)
            try await request.body.consumeWithInboundCloseHandler { _ in
                try await streamWriter.write(format: &formatter, after: after, to: &writer)
            } onInboundClosed: {}
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: Self.streamHeaders(runId: record.id), body: body)
    }

    /// The body as UTF-8 text, or the error answer (413 over the limit). Collected through the request (not its
    /// body), so the request remembers the connection's stream and can still tell when the client goes away.
    private func readBody(_ request: inout Request) async -> Result<String, ErrorResponseBox> {
        let limit = configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            return .failure(ErrorResponseBox(tooLarge(limit)))
        }
        do {
            let buffer = try await request.collectBody(upTo: limit)
            return .success(String(buffer: buffer))
        } catch is NIOTooManyBytesError {
            return .failure(ErrorResponseBox(tooLarge(limit)))
        } catch {
            return .failure(ErrorResponseBox(ErrorResponse.error(.badRequest, "could not read the body: \(error)")))
        }
    }

    private func tooLarge(_ limit: Int) -> Response {
        ErrorResponse.error(.contentTooLarge, "the body is larger than the limit of \(limit) bytes")
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

/// A response carried as an error, so body reading can return either text or the answer to send.
struct ErrorResponseBox: Error {
    let response: Response
    init(_ response: Response) { self.response = response }
}

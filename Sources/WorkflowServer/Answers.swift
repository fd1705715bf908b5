import Foundation
import HTTPTypes
import Hummingbird
import RunStore
import WorkflowCore

/// An error answer `{"error": "..."}` with its status and headers. The missing-message answer is byte for byte
/// the Agent Framework sample's (`{"error":"Missing 'message' field"}`), so its clients' error handling holds.
struct ErrorAnswer: HTTPResponseError {
    var status: HTTPResponse.Status
    var message: String
    var headers: HTTPFields = [:]

    static let missingMessage = ErrorAnswer(status: .badRequest, message: "Missing 'message' field")

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try context.responseEncoder.encode(Body(error: message), from: request, context: context)
        response.status = status
        response.headers.append(contentsOf: headers)
        return response
    }

    private struct Body: Encodable {
        var error: String
    }
}

/// 404 for a workflow name the catalog does not hold, with the names it does.
struct UnknownWorkflow: HTTPResponseError, Encodable {
    var error: String
    var known: [String]

    var status: HTTPResponse.Status { .notFound }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try context.responseEncoder.encode(self, from: request, context: context)
        response.status = status
        return response
    }
}

/// `GET /api/health`.
struct HealthAnswer: ResponseEncodable {
    var status = "ok"
    var activeRuns: Int
    /// The run store's writer: ok or retrying, events waiting, runs stored incompletely (absent with no store).
    var store: StoreHealth?

    enum CodingKeys: String, CodingKey {
        case status, store
        case activeRuns = "active_runs"
    }
}

/// `GET /api/runs`: newest first, times in ISO 8601 with milliseconds; after the first fields, the figures the
/// runs feed carries (`current_agent`, tokens, tool calls, events/s).
struct RunListAnswer: ResponseEncodable {
    var runs: [Run]

    struct Run: Encodable {
        var id: String
        var workflow: String
        var state: RunRecord.State
        var started: String
        var finished: String?
        var agents: [String]
        var events: Int
        var currentAgent: String?
        var inputTokens: Int
        var outputTokens: Int
        var toolCalls: Int
        var eventsPerSecond: Int
        /// `workflow` (run here) or `trace` (fed by OTLP spans).
        var source: RunRecord.Source

        enum CodingKeys: String, CodingKey {
            case id, workflow, state, started, finished, agents, events, source
            case currentAgent = "current_agent"
            case inputTokens = "input_tokens"
            case outputTokens = "output_tokens"
            case toolCalls = "tool_calls"
            case eventsPerSecond = "events_per_second"
        }
    }

    /// Runs held in memory and runs read from the store, as `RunListing` picked them.
    init(_ listed: [RunListing.Entry]) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        func iso(_ seconds: Double) -> String { formatter.string(from: Date(timeIntervalSince1970: seconds)) }
        runs = listed.map { entry in
            let run = entry.summary
            return Run(id: run.id, workflow: run.workflow, state: run.state, started: iso(run.started),
                finished: run.finished.map(iso), agents: run.agents, events: run.events, currentAgent: run.currentAgent,
                inputTokens: run.usage.inputTokens, outputTokens: run.usage.outputTokens, toolCalls: run.toolCalls,
                eventsPerSecond: run.eventsPerSecond, source: entry.source)
        }
    }
}

/// A 400 whose reason a helper found (invalid JSON, an unknown format); the route turns it into an `ErrorAnswer`.
struct BadRequest: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }

    var answer: ErrorAnswer { ErrorAnswer(status: .badRequest, message: reason) }
}

extension RunStoreError {
    /// A store that failed a route's read: 503 with the store's own words (never a password).
    var answer: ErrorAnswer { ErrorAnswer(status: .serviceUnavailable, message: description) }
}

extension RunRegistry.StartError {
    /// Why a run could not start (or resume): 429 at the concurrency limit, 503 while shutting down, both with
    /// `Retry-After`.
    func answer(_ configuration: ServerConfiguration) -> ErrorAnswer {
        let retryAfter: HTTPFields = [.retryAfter: String(configuration.retryAfterSeconds)]
        switch self {
        case .tooManyRuns:
            return ErrorAnswer(
                status: .tooManyRequests,
                message: "too many concurrent runs (limit \(configuration.maxConcurrentRuns)); retry later",
                headers: retryAfter)
        case .shuttingDown:
            return ErrorAnswer(status: .serviceUnavailable, message: "the server is shutting down", headers: retryAfter)
        }
    }
}

import Foundation
import MCP
import Synchronization
import WorkflowCore

/// One running MCP server and flowtop's session with it: `start` launches (or reaches) it and initializes,
/// `listTools` and `call` speak MCP, `stop` ends it. Every failure is an `MCPServerError` naming the server: a
/// process that ends or a server that sends something that is not JSON-RPC fails the calls in flight at once
/// with that reason, a call without an answer fails after its timeout.
public actor MCPServerClient {
    public nonisolated let spec: MCPServerSpec
    /// The server's stderr log, for a local process.
    public nonisolated let logPath: String?
    /// The local server's process id (nil for a remote server).
    public nonisolated var processIdentifier: Int32? { process?.processIdentifier }
    private let client: Client
    private let process: ServerProcess?
    private let fault = Mutex<MCPServerError.Reason?>(nil)
    private var progressHandlers: [String: @Sendable (ToolProgress) -> Void] = [:]
    private var stopped = false

    private init(spec: MCPServerSpec, process: ServerProcess?) {
        self.spec = spec
        self.process = process
        self.logPath = process?.logFile.path
        self.client = Client(name: "flowtop", version: "1.0")
    }

    /// Launches or reaches the server and completes MCP's initialize handshake within `startTimeout`.
    public static func start(
        _ spec: MCPServerSpec, logDirectory: URL = MCPLogDirectory.default(), startTimeout: Duration = .seconds(30)
    ) async throws(MCPServerError) -> MCPServerClient {
        let connection: MCPServerClient
        let inner: any Transport
        switch spec.transport {
        case let .stdio(command, arguments, environment, workingDirectory):
            let process = try ServerProcess(
                server: spec.name, command: command, arguments: arguments, environment: environment,
                workingDirectory: workingDirectory, logDirectory: logDirectory)
            connection = MCPServerClient(spec: spec, process: process)
            inner = LineTransport(requests: process.requests, messages: process.messages)
            process.onEnd { how in connection.record(.exited(how)) }
        case let .http(url, headers):
            guard let endpoint = URL(string: url) else {
                throw MCPServerError(server: spec.name, reason: .launchFailed("\(url) is not a URL"))
            }
            connection = MCPServerClient(spec: spec, process: nil)
            let expanded = headers.mapValues { ServerProcess.expanding($0, from: ProcessInfo.processInfo.environment) }
            inner = HTTPClientTransport(endpoint: endpoint, streaming: false, requestModifier: { request in
                var request = request
                for (name, value) in expanded { request.setValue(value, forHTTPHeaderField: name) }
                return request
            })
        }
        let transport = CheckedTransport(
            inner, onFault: { reason in connection.record(reason) },
            onEnd: {
                guard let process = connection.process else { return }
                // stdout closes a moment before the exit is reported: wait for how it ended, the better reason.
                Task {
                    let how = await process.waitForEnd(within: .seconds(1))
                    connection.record(.exited(how ?? "closed its stdout"))
                }
            })
        try await connection.connect(transport, within: startTimeout)
        return connection
    }

    /// The first fault wins: a process that sent garbage and then died is reported for the garbage.
    private nonisolated func record(_ reason: MCPServerError.Reason) {
        let first = fault.withLock { current -> Bool in
            guard current == nil else { return false }
            current = reason
            return true
        }
        // A fault ends the session: the SDK's client then fails every pending request.
        if first { Task { await self.client.disconnect() } }
    }

    private func error(_ reason: MCPServerError.Reason) -> MCPServerError {
        MCPServerError(server: spec.name, reason: reason, logPath: logPath)
    }

    /// The fault behind a failed request, else the request's own error.
    private func failure(_ caught: any Error, timedOut: Bool, what: String, limit: Duration) -> MCPServerError {
        if timedOut { return error(.timedOut(what, limit)) }
        if let reason = fault.withLock({ $0 }) { return error(reason) }
        if let mcp = caught as? MCPError {
            switch mcp {
            case let .transportError(inner): return error(.failed("cannot reach it: \(inner.localizedDescription)"))
            default: return error(.failed(mcp.errorDescription ?? "\(mcp)"))
            }
        }
        return error(.failed(caught.localizedDescription))
    }

    private func connect(_ transport: CheckedTransport, within limit: Duration) async throws(MCPServerError) {
        let client = self.client
        await client.onNotification(ProgressNotification.self) { [weak self] message in
            await self?.deliver(message.params)
        }
        do {
            _ = try await underDeadline(limit, what: "initialize") { try await client.connect(transport: transport) }
        } catch {
            await stop()
            throw error
        }
    }

    /// Runs one session-wide request under `limit`: past it the session is disconnected (the SDK's requests ignore
    /// task cancellation), and a failure is worded as `what`'s, a timeout as one.
    private func underDeadline<T>(
        _ limit: Duration, what: String, _ request: () async throws -> T
    ) async throws(MCPServerError) -> T {
        let client = self.client
        let timer = Deadline(after: limit) { await client.disconnect() }
        do {
            let value = try await request()
            timer.cancel()
            return value
        } catch {
            timer.cancel()
            throw failure(error, timedOut: timer.fired, what: what, limit: limit)
        }
    }

    /// The tools the server offers, every page of them, as the model will see them.
    public func listTools() async throws(MCPServerError) -> [ToolDefinition] {
        var definitions: [ToolDefinition] = []
        var cursor: String?
        repeat {
            let client = self.client
            let after = cursor
            let page = try await underDeadline(spec.callTimeout, what: "tools/list") { try await client.listTools(cursor: after) }
            definitions += page.tools.map { tool in
                ToolDefinition(
                    name: tool.name, description: tool.description ?? tool.title ?? "",
                    parameters: Self.objectSchema(JSONValue(tool.inputSchema)))
            }
            cursor = page.nextCursor
        } while cursor != nil
        return definitions
    }

    /// Chat APIs want an object schema for function parameters; a server that publishes none gets an empty one.
    static func objectSchema(_ schema: JSONValue) -> JSONValue {
        guard case var .object(fields) = schema else { return ["type": "object", "properties": [:]] }
        if fields["type"] == nil { fields["type"] = "object" }
        return .object(fields)
    }

    /// Calls `tool` with `arguments` (an object). `timeout` defaults to the server's `timeout:`; `progress` hears
    /// the server's progress notifications for this call, if it sends any. Cancelling the calling task cancels
    /// the request on the server.
    public func call(
        _ tool: String, arguments: JSONValue, timeout: Duration? = nil,
        progress: (@Sendable (ToolProgress) -> Void)? = nil
    ) async throws -> MCPToolResult {
        if let reason = fault.withLock({ $0 }) { throw error(reason) }
        let limit = timeout ?? spec.callTimeout
        let token = UUID().uuidString
        if let progress { progressHandlers[token] = progress }
        defer { progressHandlers[token] = nil }
        let request = CallTool.request(.init(
            name: tool, arguments: arguments.objectValue?.mapValues(\.mcpValue),
            meta: progress == nil ? nil : Metadata(progressToken: .string(token))))
        let context: RequestContext<CallTool.Result>
        do {
            context = try await client.send(request)
        } catch {
            throw failure(error, timedOut: false, what: "the call to \(tool)", limit: limit)
        }
        let client = self.client
        let id = context.requestID
        let timer = Deadline(after: limit) { try? await client.cancelRequest(id, reason: "timed out") }
        let result: CallTool.Result
        do {
            result = try await withTaskCancellationHandler {
                try await context.value
            } onCancel: {
                Task { try? await client.cancelRequest(id, reason: "cancelled") }
            }
            timer.cancel()
        } catch {
            timer.cancel()
            if Task.isCancelled { throw CancellationError() }
            throw failure(error, timedOut: timer.fired, what: "the call to \(tool)", limit: limit)
        }
        return MCPToolResult(content: result.content, isError: result.isError ?? false)
    }

    private func deliver(_ update: ProgressNotification.Parameters) {
        guard case let .string(token) = update.progressToken, let handler = progressHandlers[token] else { return }
        handler(ToolProgress(progress: update.progress, total: update.total, message: update.message))
    }

    /// Ends the session and the server (a local process: stdin closed, then SIGTERM, then SIGKILL). Idempotent.
    public func stop() async {
        guard !stopped else { return }
        stopped = true
        fault.withLock { if $0 == nil { $0 = .exited("was stopped by flowtop") } }
        await client.disconnect()
        await process?.stop()
    }
}

/// What a tool call returned: its text, with a short note for each part that is not text.
public struct MCPToolResult: Sendable, Hashable {
    public var text: String
    public var isError: Bool

    public init(text: String, isError: Bool) {
        self.text = text
        self.isError = isError
    }

    init(content: [MCP.Tool.Content], isError: Bool) {
        let parts = content.map { part -> String in
            switch part {
            case let .text(text, _, _): return text
            case let .image(data, mimeType, _, _): return "[image \(mimeType), \(data.count * 3 / 4) bytes]"
            case let .audio(data, mimeType, _, _): return "[audio \(mimeType), \(data.count * 3 / 4) bytes]"
            case let .resource(resource, _, _):
                if let text = resource.text { return text }
                return "[resource \(resource.uri)]"
            case let .resourceLink(uri, name, _, _, _, _): return "[link \(name): \(uri)]"
            }
        }
        self.init(text: parts.isEmpty ? "(no content)" : parts.joined(separator: "\n"), isError: isError)
    }
}

/// Runs `action` once `limit` has passed unless cancelled first: the SDK's requests do not end when their task is
/// cancelled, so a time limit has to act on the client (cancel the request, disconnect) to end the wait.
final class Deadline: Sendable {
    private let state = Mutex<(fired: Bool, task: Task<Void, Never>?)>((false, nil))

    init(after limit: Duration, action: @escaping @Sendable () async -> Void) {
        let task = Task { [self] in
            try? await Task.sleep(for: limit)
            guard !Task.isCancelled else { return }
            state.withLock { $0.fired = true }
            await action()
        }
        state.withLock { $0.task = task }
    }

    var fired: Bool { state.withLock { $0.fired } }

    func cancel() { state.withLock { $0.task?.cancel() } }
}

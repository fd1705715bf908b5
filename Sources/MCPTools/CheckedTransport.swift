import Foundation
import Logging
import MCP

/// Wraps a server's transport and vets what it receives: each message must be JSON-RPC 2.0, or the server is
/// reported as faulty (the SDK's client would drop it silently and leave the call waiting). Also unwraps a
/// server-sent-events body into its messages: on Linux the SDK's HTTP transport hands a streamable-HTTP SSE
/// response over whole.
actor CheckedTransport: Transport {
    nonisolated let logger = Logger(label: "flowtop.mcp.checked", factory: { _ in SwiftLogNoOpLogHandler() })
    private let inner: any Transport
    private let onFault: @Sendable (MCPServerError.Reason) -> Void
    private let onEnd: @Sendable () -> Void

    /// `onFault` hears of an invalid message; `onEnd` of the inner stream ending (a server that went away).
    init(
        _ inner: any Transport, onFault: @escaping @Sendable (MCPServerError.Reason) -> Void,
        onEnd: @escaping @Sendable () -> Void = {}
    ) {
        self.inner = inner
        self.onFault = onFault
        self.onEnd = onEnd
    }

    /// Set once disconnected: a late send (a timed-out call's cancellation after the server was let go) must not
    /// reach the SDK's HTTP transport, whose invalidated URLSession traps instead of throwing.
    private var closed = false
    /// Sends past that check: one may not have reached its URLSession yet, so disconnecting waits for them (a
    /// second at most; a send still going by then is in flight, and an invalidated session ends it with an error).
    private var sending = 0
    /// Set when `disconnect` found a send still going after its wait: that send's end disconnects the inner
    /// transport.
    private var disconnectsWhenIdle = false

    func connect() async throws { try await inner.connect() }

    func disconnect() async {
        closed = true
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(1)
        while sending > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        guard sending == 0 else {
            // A send still going (a call to a server that hangs): invalidating the SDK's URLSession under it races
            // the request's own cancellation inside FoundationNetworking, which traps ("a task that is not in the
            // registry", seen once in CI). The send's end (an answer, an error, the server gone) disconnects.
            disconnectsWhenIdle = true
            return
        }
        await inner.disconnect()
    }

    func send(_ data: Data) async throws {
        guard !closed else { throw MCPError.connectionClosed }
        sending += 1
        defer {
            sending -= 1
            if sending == 0, disconnectsWhenIdle {
                disconnectsWhenIdle = false
                let inner = self.inner
                Task { await inner.disconnect() }
            }
        }
        try await inner.send(data)
    }

    func receive() -> AsyncThrowingStream<Data, Swift.Error> {
        let inner = self.inner
        let onFault = self.onFault
        let onEnd = self.onEnd
        let (stream, continuation) = AsyncThrowingStream<Data, Swift.Error>.makeStream()
        let task = Task {
            do {
                for try await data in await inner.receive() {
                    // An empty body (the 202 a streamable-HTTP server answers a notification with) carries nothing.
                    for message in Self.messages(in: data) where !Self.isBlank(message) {
                        if let problem = Self.problem(with: message) {
                            onFault(.invalidMessage(problem))
                        } else {
                            continuation.yield(message)
                        }
                    }
                }
                onEnd()
                continuation.finish()
            } catch {
                onEnd()
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// The JSON-RPC messages in one received unit: itself, or the `data:` payloads of an SSE body.
    static func messages(in data: Data) -> [Data] {
        guard let first = data.first(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }),
            first != UInt8(ascii: "{"), first != UInt8(ascii: "["),
            let text = String(data: data, encoding: .utf8),
            text.hasPrefix("event:") || text.hasPrefix("data:") || text.hasPrefix("id:") || text.hasPrefix(":")
        else { return [data] }
        var payloads: [Data] = []
        var current: [Substring] = []
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if line.isEmpty || line == "\r" {
                if !current.isEmpty { payloads.append(Data(current.joined(separator: "\n").utf8)) }
                current = []
            } else if line.hasPrefix("data:") {
                var payload = line.dropFirst(5)
                if payload.first == " " { payload = payload.dropFirst() }
                current.append(payload)
            }
        }
        if !current.isEmpty { payloads.append(Data(current.joined(separator: "\n").utf8)) }
        return payloads.filter { !$0.isEmpty }
    }

    static func isBlank(_ data: Data) -> Bool {
        data.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }
    }

    /// Why `message` is not JSON-RPC 2.0 (its start, quoted), or nil when it is.
    static func problem(with message: Data) -> String? {
        let object = try? JSONSerialization.jsonObject(with: message)
        let items: [Any]? = (object as? [Any]) ?? object.map { [$0] }
        let valid = items.map { list in
            !list.isEmpty && list.allSatisfy { ($0 as? [String: Any])?["jsonrpc"] as? String == "2.0" }
        } ?? false
        if valid { return nil }
        let text = String(decoding: message.prefix(80), as: UTF8.self)
        return "\"" + text + (message.count > 80 ? "…" : "") + "\""
    }
}

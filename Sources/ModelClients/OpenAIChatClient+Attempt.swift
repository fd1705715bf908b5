import AsyncHTTPClient
import EventStream
import Foundation
import HTTPExchange
import NIOCore
import WorkflowCore

/// One HTTP exchange of a call and the reading of its event stream.
extension OpenAIChatClient {
    /// What one request needs, computed once for all its attempts.
    struct ChatCall {
        var provider: String
        var url: URL
        var source: String
        var body: String
    }

    enum AttemptOutcome {
        case completed
        case retryable(ChatClientError)
    }

    /// One HTTP exchange. Throws the errors that end the call; returns those a retry may cure.
    func attempt(_ call: ChatCall, onUpdate: (ChatUpdate) throws -> Void) async throws -> AttemptOutcome {
        let credentialHeaders = try await settings.credential.headerFields()
        var secrets = settings.staticSecrets
        if case .accessToken = settings.credential {
            secrets += credentialHeaders.map { Secret(String($0.value.dropFirst("Bearer ".count))) }
        }
        var request = HTTPClientRequest(url: call.url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "text/event-stream")
        request.headers.add(name: "User-Agent", value: "flowtop")
        for (name, value) in credentialHeaders { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: call.body))

        let transport = TransportFailure(
            provider: call.provider, source: call.source, host: call.url.host ?? "the server", timeouts: timeouts)
        let response: HTTPClientResponse
        do {
            // The idle read timeout bounds the wait for the head too; this deadline is only a backstop.
            response = try await httpClient.execute(
                request, timeout: (timeouts.connect + timeouts.idleRead * 2).timeAmount)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            let (failure, retryable) = transport.beforeResponse(error)
            if retryable { return .retryable(failure) }
            throw failure
        }

        let status = response.status
        guard (200..<300).contains(status.code) else {
            let failure = await httpFailure(response, call: call, secrets: secrets)
            if Task.isCancelled { throw CancellationError() }
            if status.code == 429 || (500..<600).contains(status.code) { return .retryable(failure) }
            throw failure
        }
        let contentType = response.headers.first(name: "content-type") ?? ""
        guard contentType.lowercased().hasPrefix("text/event-stream") else {
            let start = await BoundedBody.read(response, upTo: 1024)
            throw ChatClientError(
                kind: .protocolViolation, provider: call.provider,
                message: "\(call.source) answered \(status.code) with "
                    + (contentType.isEmpty ? "no Content-Type" : "Content-Type \(contentType)")
                    + " instead of text/event-stream (is this an OpenAI-compatible chat-completions URL?): "
                    + Snippet.of(start, limit: 200).redacting(secrets))
        }
        try await stream(response.body, call: call, transport: transport, secrets: secrets, onUpdate: onUpdate)
        return .completed
    }

    private func stream(
        _ body: HTTPClientResponse.Body, call: ChatCall, transport: TransportFailure, secrets: [Secret],
        onUpdate: (ChatUpdate) throws -> Void
    ) async throws {
        var parser = SSEParser()
        var interpreter = ChatStreamInterpreter(source: call.source, provider: call.provider, secrets: secrets)
        var chunks = body.makeAsyncIterator()
        while true {
            let next: ByteBuffer?
            do {
                next = try await chunks.next()
            } catch {
                if Task.isCancelled { throw CancellationError() }
                throw transport.duringStream(error)
            }
            // A cancelled body ends quietly; it must not read as a server that cut the stream.
            try Task.checkCancellation()
            guard let buffer = next else { break }
            do {
                try buffer.withUnsafeReadableBytes { bytes in
                    try parser.parse(bytes) { event in try interpreter.handle(event, onUpdate: onUpdate) }
                }
            } catch let error as SSEParserError {
                throw ChatClientError(
                    kind: .protocolViolation, provider: call.provider,
                    message: "\(call.source) sent an unreadable event stream: \(error)")
            }
            // Stop at [DONE] rather than wait for the server to end the body.
            if interpreter.isDone { return }
            // Read on only when the run's consumer keeps up: the provider's stream then waits in TCP.
            await FlowControl.pace()
        }
        throw interpreter.endedWithoutDone()
    }
}
